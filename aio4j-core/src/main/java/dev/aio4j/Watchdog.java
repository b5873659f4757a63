package dev.aio4j;

import java.util.concurrent.TimeUnit;

/**
 * Debug mode's watch over a running loop: when the loop has not finished an iteration for ten
 * times its slow-callback duration while it was not idle, something holds its carrier (a task
 * that computes without waiting, a pinned or blocking JDK call). The watchdog logs the task that
 * resumed last, with its stack, once per stall.
 *
 * <p>One daemon platform thread per loop, started by {@code runForever} in debug mode; it reads
 * only volatile fields of the loop and the task's thread state and stack, never loop state.
 */
final class Watchdog implements Runnable {
    private static final System.Logger LOG = System.getLogger("dev.aio4j");

    private final EventLoop loop;

    private Watchdog(EventLoop loop) {
        this.loop = loop;
    }

    static void start(EventLoop loop) {
        Thread.ofPlatform().daemon(true).name(loop.name() + "-watchdog").start(new Watchdog(loop));
    }

    @Override
    public void run() {
        long lastIteration = -1;
        long stalledSince = System.nanoTime();
        boolean reported = false;
        while (loop.isRunning() && loop.getDebug()) {
            long threshold = loop.slowCallbackNanos() * 10;
            try {
                TimeUnit.NANOSECONDS.sleep(Math.max(TimeUnit.MILLISECONDS.toNanos(10), threshold / 4));
            } catch (InterruptedException e) {
                return;
            }
            long iteration = loop.iterations();
            long now = System.nanoTime();
            if (iteration != lastIteration || loop.isIdle()) {
                lastIteration = iteration;
                stalledSince = now;
                reported = false;
            } else if (!reported && now - stalledSince >= threshold) {
                reported = true;
                report(now - stalledSince);
            }
        }
    }

    private void report(long stalledNanos) {
        Task<?> task = loop.lastResumed();
        StringBuilder sb = new StringBuilder("The event loop has been held for ")
                .append(TimeUnit.NANOSECONDS.toMillis(stalledNanos)).append(" ms without an iteration");
        Thread thread = task != null ? task.thread() : null;
        if (thread != null && thread.getState() == Thread.State.RUNNABLE) {
            sb.append(" by ").append(task).append(" (use Aio.toThread for blocking or long work):");
            for (StackTraceElement e : thread.getStackTrace()) {
                sb.append("\n\tat ").append(e);
            }
        } else {
            sb.append("; the task holding it resumed from a JDK call, not from an aio4j wait");
        }
        LOG.log(System.Logger.Level.WARNING, sb.toString());
    }
}
