package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static dev.aio4j.TestSupport.runVirtual;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The forms a Java user reaches for first: {@code Aio.sleep(amount, unit)} and
 * {@code future.awaitWithin(timeout)}.
 */
class JavaFormsTest {

    private static double now() {
        return Aio.getRunningLoop().time();
    }

    // ---------------------------------------------------------------- Aio.sleep(long, TimeUnit)

    @Test
    void sleepWithATimeUnitSleepsThatLongInLoopTime() {
        runVirtual(() -> {
            Aio.sleep(250, TimeUnit.MILLISECONDS);
            assertThat(now()).isCloseTo(0.25, Offset.offset(1e-6));
            Aio.sleep(2, TimeUnit.SECONDS);
            assertThat(now()).isCloseTo(2.25, Offset.offset(1e-6));
            return null;
        });
    }

    @Test
    void sleepWithANullUnitIsRejected() {
        runVirtual(() -> {
            assertThatThrownBy(() -> Aio.sleep(1, null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("unit");
            return null;
        });
    }

    // ---------------------------------------------------------------- Future.awaitWithin(Duration)

    @Test
    void awaitWithATimeoutReturnsTheResultInTime() {
        int r = runVirtual(() -> {
            Task<Integer> t = Aio.createTask(() -> Aio.sleep(Duration.ofMillis(100), 7));
            return t.awaitWithin(Duration.ofSeconds(1));
        });
        assertThat(r).isEqualTo(7);
    }

    @Test
    void awaitWithATimeoutThrowsTimeoutErrorAndLeavesTheTaskRunning() {
        runVirtual(() -> {
            Task<String> t = Aio.createTask(() -> Aio.sleep(Duration.ofSeconds(5), "late"));
            TimeoutError e = org.junit.jupiter.api.Assertions.assertThrows(
                    TimeoutError.class, () -> t.awaitWithin(Duration.ofMillis(100)));
            assertThat(e.getMessage()).contains("PT0.1S");
            assertThat(now()).isCloseTo(0.1, Offset.offset(1e-6));
            assertThat(t.done()).isFalse();
            assertThat(t.cancelled()).isFalse();
            assertThat(Aio.currentTask().cancelling()).isZero();
            // Unlike Aio.waitFor, the task is still there to be awaited again.
            assertThat(t.awaitWithin(Duration.ofSeconds(10))).isEqualTo("late");
            assertThat(now()).isCloseTo(5.0, Offset.offset(1e-6));
            return null;
        });
    }

    @Test
    void aDoneFutureReturnsAtOnceWhateverTheTimeout() {
        runVirtual(() -> {
            Future<String> f = Aio.getRunningLoop().createFuture();
            f.complete("ready");
            assertThat(f.awaitWithin(Duration.ZERO)).isEqualTo("ready");
            assertThat(f.awaitWithin(Duration.ofMillis(-5))).isEqualTo("ready");
            assertThat(now()).isZero();
            return null;
        });
    }

    @Test
    void aZeroTimeoutOnAPendingFutureThrowsAfterOneLoopTurn() {
        runVirtual(() -> {
            Future<String> f = Aio.getRunningLoop().createFuture();
            Aio.getRunningLoop().callSoon(() -> f.complete("soon"));
            // The callback scheduled before the wait runs in the turn the wait lets through.
            assertThat(f.awaitWithin(Duration.ZERO)).isEqualTo("soon");
            Future<String> never = Aio.getRunningLoop().createFuture();
            assertThatThrownBy(() -> never.awaitWithin(Duration.ZERO)).isInstanceOf(TimeoutError.class);
            assertThat(never.done()).isFalse();
            return null;
        });
    }

    @Test
    void aFailedOrCancelledFutureRaisesAsAwaitDoes() {
        runVirtual(() -> {
            Task<Integer> failing = Aio.createTask(() -> {
                Aio.sleep(Duration.ofMillis(10));
                throw new ArithmeticException("boom");
            });
            assertThatThrownBy(() -> failing.awaitWithin(Duration.ofSeconds(1)))
                    .isInstanceOf(ArithmeticException.class)
                    .hasMessage("boom");
            Task<Integer> cancelled = Aio.createTask(() -> Aio.sleep(Duration.ofSeconds(10), 1));
            Aio.getRunningLoop().callLater(Duration.ofMillis(10), () -> cancelled.cancel());
            assertThatThrownBy(() -> cancelled.awaitWithin(Duration.ofSeconds(1)))
                    .isInstanceOf(CancelledError.class);
            return null;
        });
    }

    @Test
    void cancellingTheWaiterLeavesTheFutureAlone() {
        runVirtual(() -> {
            Future<String> f = Aio.getRunningLoop().createFuture();
            Task<String> waiter = Aio.createTask(() -> f.awaitWithin(Duration.ofSeconds(10)));
            Aio.sleep(Duration.ofMillis(10));
            waiter.cancel();
            assertThatThrownBy(waiter::await).isInstanceOf(CancelledError.class);
            assertThat(f.done()).isFalse();
            f.complete("still usable");
            assertThat(f.awaitWithin(Duration.ZERO)).isEqualTo("still usable");
            return null;
        });
    }

    @Test
    void awaitWithATimeoutOutsideATaskIsRejected() {
        Future<String> f = runVirtual(() -> Aio.getRunningLoop().createFuture());
        assertThatThrownBy(() -> f.awaitWithin(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void manyTimedAwaitsSuspendOnlyTheirTasks() {
        // Real time: 50 tasks each time out after 200 ms at once, while a heartbeat ticks every 10 ms.
        runReal(() -> {
            Future<Void> never = Aio.getRunningLoop().createFuture();
            long start = System.nanoTime();
            List<Task<Boolean>> waiters = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                waiters.add(Aio.createTask(() -> {
                    try {
                        never.awaitWithin(Duration.ofMillis(200));
                        return false;
                    } catch (TimeoutError e) {
                        return true;
                    }
                }));
            }
            double[] worstLateness = {0};
            Task<Void> heartbeat = Aio.createTask(() -> {
                for (int beat = 0; beat < 1_000; beat++) {
                    double before = now();
                    Aio.sleep(10, TimeUnit.MILLISECONDS);
                    worstLateness[0] = Math.max(worstLateness[0], now() - before - 0.010);
                }
                return null;
            });
            for (Task<Boolean> w : waiters) {
                assertThat(w.await()).isTrue();
            }
            heartbeat.cancel();
            double elapsed = (System.nanoTime() - start) / 1e9;
            assertThat(elapsed).isLessThan(3.0); // one 200 ms timeout, not 50 in a row (10 s)
            assertThat(worstLateness[0]).isLessThan(1.0);
            assertThat(never.done()).isFalse();
            return null;
        });
    }

    // ---------------------------------------------------------------- typed gather over collections

    @Test
    void gatherOverACollectionOfTasksKeepsTheirResultType() {
        List<String> r = runVirtual(() -> {
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int k = i;
                tasks.add(Aio.createTask(() -> Aio.sleep(Duration.ofMillis(30 - 10 * k), "page" + k)));
            }
            List<String> pages = Aio.gather(tasks).await(); // compiles: List<String>, not List<Object>
            return pages;
        });
        assertThat(r).containsExactly("page0", "page1", "page2");
    }

    @Test
    void gatherCallablesRunsEachAsATaskAndKeepsTheType() {
        List<Integer> r = runVirtual(() -> {
            List<java.util.concurrent.Callable<Integer>> bodies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int k = i;
                bodies.add(() -> {
                    assertThat(Aio.currentTask()).isNotNull();
                    return Aio.sleep(Duration.ofMillis(10), k * k);
                });
            }
            List<Integer> squares = Aio.gatherCallables(bodies).await();
            return squares;
        });
        assertThat(r).containsExactly(0, 1, 4);
    }

    @Test
    void gatherOverAnEmptyCollectionIsDoneWithAnEmptyList() {
        runVirtual(() -> {
            List<Task<String>> none = List.of();
            Future<List<String>> g = Aio.gather(none);
            assertThat(g.done()).isTrue();
            assertThat(g.await()).isEmpty();
            return null;
        });
    }
}
