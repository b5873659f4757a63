package dev.aio4j.file;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import java.time.Duration;

/**
 * A task that ticks every 10 ms and records its worst lateness, beside a platform thread doing
 * the same as a control: pauses that stop the whole JVM (GC, safepoints, a starved machine)
 * make both late; a loop held by a blocking call makes only the task late.
 */
final class Heartbeat {
    private static final long PERIOD_NANOS = 10_000_000;

    private volatile boolean stopped;
    private long loopWorstNanos;
    private volatile long controlWorstNanos;
    private long tickStart = System.nanoTime();
    private int ticks;
    private final Task<Void> task;
    private final Thread control;

    Heartbeat() {
        task = Aio.createTask(() -> {
            while (true) {
                tickStart = System.nanoTime();
                Aio.sleep(Duration.ofNanos(PERIOD_NANOS));
                loopWorstNanos = Math.max(loopWorstNanos, System.nanoTime() - tickStart - PERIOD_NANOS);
                ticks++;
            }
        });
        control = Thread.ofPlatform().daemon(true).start(() -> {
            while (!stopped) {
                long start = System.nanoTime();
                try {
                    Thread.sleep(Duration.ofNanos(PERIOD_NANOS));
                } catch (InterruptedException e) {
                    return;
                }
                controlWorstNanos = Math.max(controlWorstNanos, System.nanoTime() - start - PERIOD_NANOS);
            }
        });
    }

    /** Stops both; a tick still waiting counts with the lateness it has so far. */
    void stop() throws InterruptedException {
        loopWorstNanos = Math.max(loopWorstNanos, System.nanoTime() - tickStart - PERIOD_NANOS);
        task.cancel();
        stopped = true;
        control.join();
    }

    /**
     * How late the loop's heartbeat may be when the control was {@code controlMs} late: what
     * stops the whole JVM, and a margin for the loop's own hand-offs on a loaded machine.
     */
    static long allowedLatenessMs(long controlMs) {
        return Math.max(controlMs * 3 / 2, controlMs + 300);
    }

    long loopWorstMs() {
        return loopWorstNanos / 1_000_000;
    }

    long controlWorstMs() {
        return controlWorstNanos / 1_000_000;
    }

    int ticks() {
        return ticks;
    }

    @Override
    public String toString() {
        return "loop heartbeat worst " + loopWorstMs() + " ms late, platform-thread control " + controlWorstMs()
                + " ms, " + ticks + " ticks";
    }
}
