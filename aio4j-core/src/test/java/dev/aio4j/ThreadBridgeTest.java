package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Work crossing between the loop and other threads. */
class ThreadBridgeTest {

    @Test
    void toThreadRunsOffTheLoopWhileOtherTasksRun() {
        runReal(() -> {
            Thread loopThread = Thread.currentThread();
            CountDownLatch otherTaskRan = new CountDownLatch(1);
            Task<Void> other = Aio.createTask(() -> {
                otherTaskRan.countDown();
            });
            Thread worker = Aio.toThread(() -> {
                // Blocks this platform thread until the loop has run the other task.
                assertThat(otherTaskRan.await(10, TimeUnit.SECONDS)).isTrue();
                return Thread.currentThread();
            });
            assertThat(worker).isNotSameAs(loopThread);
            assertThat(worker.isVirtual()).isFalse();
            other.await();
            return null;
        });
    }

    @Test
    void inLoopHoldsOnTheLoopAndWhileItDoesNotRunButNotOnAnotherThreadWhileItRuns() {
        EventLoop idle = EventLoop.newEventLoop();
        try {
            assertThat(Aio.inLoop(idle)).as("a loop that does not run").isTrue();
        } finally {
            idle.close();
        }
        runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            assertThat(Aio.inLoop(loop)).as("a task").isTrue();
            assertThat(Aio.toThread(() -> Aio.inLoop(loop)))
                    .as("a thread of the executor")
                    .isFalse();
            Future<Boolean> inCallback = loop.createFuture();
            loop.callSoon(() -> inCallback.setResult(Aio.inLoop(loop)));
            assertThat(inCallback.await()).as("a callback").isTrue();
            return null;
        });
    }

    @Test
    void toThreadPropagatesTheException() {
        runReal(() -> {
            assertThatThrownBy(() -> Aio.toThread(() -> {
                        throw new IllegalArgumentException("off loop");
                    }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("off loop");
            return null;
        });
    }

    @Test
    void runInExecutorUsesTheGivenExecutor() {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "custom-pool"));
        try {
            String name = runReal(
                    () -> Aio.runInExecutor(pool, () -> Thread.currentThread().getName()));
            assertThat(name).isEqualTo("custom-pool");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theDefaultExecutorIsBounded() {
        int expected = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        int peak = runReal(() -> {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            CountDownLatch allStarted = new CountDownLatch(expected);
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < expected * 3; i++) {
                tasks.add(Aio.createTask(() -> {
                    Aio.toThread(() -> {
                        max.accumulateAndGet(running.incrementAndGet(), Math::max);
                        allStarted.countDown();
                        allStarted.await(10, TimeUnit.SECONDS); // the first `expected` meet here
                        running.decrementAndGet();
                        return null;
                    });
                }));
            }
            for (Task<Void> t : tasks) {
                t.await();
            }
            return max.get();
        });
        assertThat(peak).isEqualTo(expected);
    }

    @Test
    void awaitingACompletableFutureCompletedByAnotherThreadSuspendsOnlyTheTask() {
        runReal(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            AtomicInteger ticks = new AtomicInteger();
            Task<Void> ticker = Aio.createTask(() -> {
                while (!cf.isDone()) {
                    ticks.incrementAndGet();
                    Aio.sleep(Duration.ofMillis(1));
                }
            });
            Thread.ofPlatform().start(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (ticks.get() < 3 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                cf.complete("done");
            });
            assertThat(Aio.await(cf)).isEqualTo("done");
            assertThat(ticks.get()).isGreaterThanOrEqualTo(3);
            ticker.await();
            return null;
        });
    }

    @Test
    void awaitingAFailedCompletableFutureThrowsItsCause() {
        runReal(() -> {
            CompletableFuture<String> cf = CompletableFuture.supplyAsync(() -> {
                throw new IllegalStateException("async failure");
            });
            assertThatThrownBy(() -> Aio.await(cf))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("async failure");
            return null;
        });
    }

    @Test
    void cancellingATaskThatAwaitsACompletableFutureCancelsIt() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        runReal(() -> {
            Task<String> t = Aio.createTask(() -> Aio.await(cf));
            Aio.sleep(Duration.ZERO);
            t.cancel();
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
            return null;
        });
        assertThat(cf.isCancelled()).isTrue();
    }

    @Test
    void runCoroutineThreadsafeRunsATaskOnTheLoopFromAnotherThread() throws Exception {
        try (EventLoop loop = EventLoop.newEventLoop()) {
            Thread runner = Thread.ofPlatform().start(loop::runForever);
            CompletableFuture<String> cf = Aio.runCoroutineThreadsafe(loop, () -> {
                Aio.sleep(Duration.ofMillis(1));
                return Aio.currentTask().getName().startsWith("Task-") ? "ran as a task" : "?";
            });
            assertThat(cf.get(10, TimeUnit.SECONDS)).isEqualTo("ran as a task");

            CompletableFuture<String> slow = Aio.runCoroutineThreadsafe(loop, () -> {
                Aio.sleep(Duration.ofHours(1));
                return "never";
            });
            CompletableFuture<Boolean> cancelledSeen = new CompletableFuture<>();
            Aio.runCoroutineThreadsafe(loop, () -> {
                        while (Aio.allTasks().size() < 2) {
                            Aio.sleep(Duration.ofMillis(1));
                        }
                        return null;
                    })
                    .get(10, TimeUnit.SECONDS);
            slow.cancel(true);
            Aio.runCoroutineThreadsafe(loop, () -> {
                while (Aio.allTasks().size() > 1) {
                    Aio.sleep(Duration.ofMillis(1));
                }
                cancelledSeen.complete(true);
                return null;
            });
            assertThat(cancelledSeen.get(10, TimeUnit.SECONDS)).isTrue();
            loop.callSoonThreadsafe(loop::stop);
            runner.join();
        }
    }

    @Test
    void crossThreadWakeupsAreNeverLost() throws Exception {
        // Many threads submit while the loop idles between bursts: every callback must run.
        int threads = 8, perThread = 20_000;
        AtomicInteger ran = new AtomicInteger();
        try (EventLoop loop = EventLoop.newEventLoop()) {
            Future<Void> all = loop.createFuture();
            Thread runner = Thread.ofPlatform().start(() -> loop.runUntilComplete(all));
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                submitters.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        loop.callSoonThreadsafe(() -> {
                            if (ran.incrementAndGet() == threads * perThread) {
                                all.setResult(null);
                            }
                        });
                        if ((i + seed) % 97 == 0) {
                            Thread.yield(); // let the loop go idle now and then
                        }
                    }
                }));
            }
            for (Thread s : submitters) {
                s.join();
            }
            runner.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(runner.isAlive())
                    .as("loop finished: every wake-up arrived")
                    .isFalse();
        }
        assertThat(ran.get()).isEqualTo(threads * perThread);
    }

    @Test
    void wakeupsOfAnIdleLoopFromOtherThreadsArriveOneByOne() throws Exception {
        // Ping-pong: each submission finds the loop idle (it parked after the previous one).
        int rounds = 2_000;
        try (EventLoop loop = EventLoop.newEventLoop()) {
            Thread runner = Thread.ofPlatform().start(loop::runForever);
            for (int i = 0; i < rounds; i++) {
                CompletableFuture<Integer> echoed = new CompletableFuture<>();
                int k = i;
                loop.callSoonThreadsafe(() -> echoed.complete(k));
                assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo(k);
            }
            loop.callSoonThreadsafe(loop::stop);
            runner.join();
        }
    }
}
