package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Virtual threads that a task starts with the JDK's own builders and executors are not tasks:
 * they run on the JDK's default scheduler, in parallel with the loop, and outlive it.
 */
class ForeignVirtualThreadTest {

    private static final long BURN_NANOS = TimeUnit.MILLISECONDS.toNanos(400);

    /** When a burning thread started and ended, and the carrier it ran on. */
    record Run(long startNanos, long endNanos, String where) {}

    private static Run burn() {
        long start = System.nanoTime();
        String where = Thread.currentThread().toString(); // a virtual thread names its carrier
        long x = 0;
        while (System.nanoTime() - start < BURN_NANOS) {
            x += Long.numberOfTrailingZeros(x + start);
        }
        if (x == 42) {
            where += "!"; // keeps the loop from being optimised away
        }
        return new Run(start, System.nanoTime(), where);
    }

    @Test
    void virtualThreadsStartedByATaskRunInParallelWithTheLoop() throws Exception {
        AtomicLong maxLateNanos = new AtomicLong();
        List<Run> runs = runReal(() -> {
            Task<Void> heartbeat = Aio.createTask(
                    () -> {
                        while (true) {
                            long t0 = System.nanoTime();
                            Aio.sleep(Duration.ofMillis(20));
                            long late = System.nanoTime() - t0 - TimeUnit.MILLISECONDS.toNanos(20);
                            maxLateNanos.accumulateAndGet(late, Math::max);
                        }
                    },
                    "heartbeat");
            Aio.sleep(Duration.ofMillis(50));
            AtomicReference<Run> viaBuilder = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> viaBuilder.set(burn()));
            java.util.concurrent.Future<Run> viaExecutor;
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                viaExecutor = ex.submit(ForeignVirtualThreadTest::burn);
                // Wait off the loop's thread so the heartbeat keeps running meanwhile.
                Aio.toThread(() -> {
                    t.join();
                    return viaExecutor.get();
                });
            }
            heartbeat.cancel();
            return List.of(viaBuilder.get(), viaExecutor.get());
        });
        for (Run r : runs) {
            assertThat(r.where()).as("the carrier of a task's virtual thread").doesNotContain("aio4j-loop");
        }
        Run a = runs.get(0), b = runs.get(1);
        assertThat(a.startNanos() < b.endNanos() && b.startNanos() < a.endNanos())
                .as("the two threads overlap in time: %s, %s", a, b)
                .isTrue();
        if (TestSupport.carrierMode()) {
            assertThat(maxLateNanos.get()).as("heartbeat lateness").isLessThan(TimeUnit.MILLISECONDS.toNanos(300));
        }
        // Portable mode: the loop's tasks are virtual threads of the same default scheduler, so
        // two threads burning CPU there take both of its carriers and the heartbeat waits for one
        // (docs/BLOCKING.md).
    }

    @Test
    void aVirtualThreadStillRunningWhenRunReturnsCompletesAfterwards() throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        AtomicReference<String> where = new AtomicReference<>();
        runReal(() -> {
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300); // parks: its next step comes after the loop has closed
                } catch (InterruptedException e) {
                    return;
                }
                where.set(Thread.currentThread().toString());
                finished.countDown();
            });
            return null;
        });
        assertThat(finished.await(30, TimeUnit.SECONDS))
                .as("the thread finished after Aio.run returned")
                .isTrue();
        assertThat(where.get()).doesNotContain("aio4j-loop");
    }
}
