package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Closing a loop: work accepted before the close is run or failed, never dropped. */
class LoopCloseTest {

    private static final boolean LONG = Boolean.getBoolean("aio4j.long");
    /** Submissions each thread makes to one loop of the close race. */
    private static final int PER_LOOP = 200;

    @Test
    void pendingRunCoroutineThreadsafeFuturesFailWhenTheLoopCloses() throws Exception {
        EventLoop loop = EventLoop.newEventLoop();
        List<CompletableFuture<Integer>> started = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            started.add(Aio.runCoroutineThreadsafe(loop, () -> {
                Aio.sleep(Duration.ofHours(1));
                return 1;
            }));
        }
        loop.runUntilComplete(() -> {
            Aio.sleep(Duration.ofMillis(20)); // the 50 tasks start and wait
            return null;
        });
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            queued.add(Aio.runCoroutineThreadsafe(loop, () -> 2)); // accepted, never run by the loop
        }
        loop.close();
        for (CompletableFuture<Integer> f : concat(started, queued)) {
            assertThat(f).isDone();
            try {
                f.get(0, TimeUnit.SECONDS);
                throw new AssertionError("completed normally: " + f);
            } catch (ExecutionException e) {
                assertThat(e.getCause())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("vent loop is closed");
            }
        }
    }

    @Test
    void callSoonThreadsafeRacingCloseEitherRunsOrThrows() throws Exception {
        int rounds = 1_000;
        int threads = 8;
        AtomicReference<EventLoop> current = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong accepted = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong ran = new AtomicLong();
        List<Thread> submitters = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            submitters.add(Thread.ofPlatform().daemon(true).start(() -> {
                EventLoop last = null;
                while (!done.get()) {
                    EventLoop loop = current.get();
                    if (loop == null || loop == last) {
                        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                        continue;
                    }
                    last = loop;
                    // A bounded burst per loop, racing its close; then wait for the next loop.
                    for (int n = 0; n < PER_LOOP; n++) {
                        try {
                            loop.callSoonThreadsafe(ran::incrementAndGet);
                            accepted.incrementAndGet();
                        } catch (IllegalStateException closed) {
                            rejected.incrementAndGet();
                            break;
                        }
                    }
                }
            }));
        }
        for (int r = 0; r < rounds; r++) {
            EventLoop loop = EventLoop.newEventLoop();
            current.set(loop);
            if (r % 2 == 0) {
                loop.runUntilComplete(() -> {
                    Aio.sleep(Duration.ZERO);
                    return null;
                });
            }
            loop.close();
        }
        done.set(true);
        for (Thread t : submitters) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(t.isAlive()).isFalse();
        }
        // Every loop is closed now: whatever was accepted has run.
        assertThat(ran.get())
                .as("accepted %d, rejected %d", accepted.get(), rejected.get())
                .isEqualTo(accepted.get());
        assertThat(rejected.get()).isPositive();
    }

    @Test
    void aioRunCancelsTasksCreatedWhileItShutsDown() {
        List<Task<?>> spawned = new ArrayList<>();
        TestSupport.runReal(() -> {
            spawnOnCancel(spawned, 20);
            Aio.sleep(Duration.ZERO);
            return null;
        });
        assertThat(spawned).hasSize(21);
        for (Task<?> t : spawned) {
            assertThat(t.cancelled()).as("%s", t).isTrue();
        }
    }

    /** A task that, when cancelled, starts another such task (down to {@code depth} more). */
    private static void spawnOnCancel(List<Task<?>> spawned, int depth) {
        spawned.add(Aio.createTask(() -> {
            try {
                Aio.sleep(Duration.ofHours(1));
            } finally {
                if (depth > 0) {
                    spawnOnCancel(spawned, depth - 1);
                }
            }
        }));
    }

    @Test
    void noRunCoroutineThreadsafeFutureIsStrandedWhenAioRunReturnsUnderAFlood() throws Exception {
        int threads = 4;
        int rounds = LONG ? 200 : 20;
        AtomicLong stranded = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        for (int r = 0; r < rounds; r++) {
            AtomicReference<EventLoop> loopRef = new AtomicReference<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<CompletableFuture<Integer>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> flooders = new ArrayList<>();
            TestSupport.runReal(() -> {
                loopRef.set(Aio.getRunningLoop());
                for (int i = 0; i < threads; i++) {
                    flooders.add(Thread.ofPlatform().daemon(true).start(() -> {
                        EventLoop loop = loopRef.get();
                        // Paced and bounded, so that submissions go on through Aio.run's shutdown.
                        for (int n = 0; n < 5_000 && !stop.get(); n++) {
                            java.util.concurrent.locks.LockSupport.parkNanos(2_000);
                            try {
                                futures.add(Aio.runCoroutineThreadsafe(loop, () -> {
                                    Aio.sleep(Duration.ofMillis(50));
                                    return 1;
                                }));
                            } catch (IllegalStateException closed) {
                                return;
                            }
                        }
                    }));
                }
                Aio.sleep(Duration.ofMillis(5));
                return null;
            });
            stop.set(true);
            for (Thread t : flooders) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            for (CompletableFuture<Integer> f : futures) {
                accepted.incrementAndGet();
                if (!f.isDone()) {
                    stranded.incrementAndGet();
                }
            }
        }
        assertThat(stranded.get()).as("stranded of %d accepted", accepted.get()).isZero();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
