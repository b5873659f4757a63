package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.test.AioTest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class WaitForTest {

    private static double now() {
        return Aio.getRunningLoop().time();
    }

    @Test
    void returnsTheResultWhenInTime() {
        int r = Aio.waitFor(
                () -> {
                    Aio.sleep(Duration.ofMillis(10));
                    return 7;
                },
                Duration.ofSeconds(1));
        assertThat(r).isEqualTo(7);
    }

    @Test
    void aCallableRunsInlineInTheCallersTask() {
        Task<?> me = Aio.currentTask();
        int tasksBefore = Aio.allTasks().size();
        Task<?> inside = Aio.waitFor(
                () -> {
                    assertThat(Aio.allTasks()).hasSize(tasksBefore);
                    return Aio.currentTask();
                },
                Duration.ofSeconds(1));
        assertThat(inside).isSameAs(me);
    }

    @Test
    void timeoutRaisesTimeoutErrorCausedByTheCancellation() {
        // test_asyncio_wait_for_timeout
        TimeoutError e = org.junit.jupiter.api.Assertions.assertThrows(
                TimeoutError.class, () -> Aio.waitFor(() -> Aio.sleep(Duration.ofSeconds(10)), Duration.ofMillis(100)));
        assertThat(e).hasCauseInstanceOf(CancelledError.class);
        assertThat(now()).isCloseTo(0.1, Offset.offset(1e-6));
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @Test
    void aTimedOutTaskIsCancelledAndWaitedFor() {
        // test_wait_for_waits_for_task_cancellation: the call outlasts its timeout
        AtomicBoolean cleanedUp = new AtomicBoolean();
        Task<Void> inner = Aio.createTask(() -> {
            try {
                Aio.sleep(Duration.ofSeconds(10));
            } finally {
                Aio.sleep(Duration.ofMillis(500));
                cleanedUp.set(true);
            }
        });
        assertThatThrownBy(() -> Aio.waitFor(inner, Duration.ofMillis(100))).isInstanceOf(TimeoutError.class);
        assertThat(cleanedUp).isTrue();
        assertThat(inner.cancelled()).isTrue();
        assertThat(now()).isCloseTo(0.6, Offset.offset(1e-6));
    }

    @Test
    void aValueReturnedByAnInnerThatSuppressedTheCancellationIsReturned() {
        // test_wait_for_cancel_suppressed
        int r = Aio.waitFor(
                () -> {
                    try {
                        Aio.sleep(Duration.ofSeconds(10));
                        return 0;
                    } catch (CancelledError e) {
                        return 42;
                    }
                },
                Duration.ofMillis(100));
        assertThat(r).isEqualTo(42);
    }

    @Test
    void anotherExceptionRaisedDuringTheCancellationPassesThrough() {
        // test_wait_for_reraises_exception_during_cancellation
        Task<Void> inner = Aio.createTask(() -> {
            try {
                Aio.sleep(Duration.ofMillis(200));
            } finally {
                throw new IllegalStateException("foo");
            }
        });
        assertThatThrownBy(() -> Aio.waitFor(inner, Duration.ofMillis(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("foo");
    }

    @Test
    void zeroTimeoutOnADoneFutureReturnsItsResult() {
        // test_wait_for_timeout_less_then_0_or_0_future_done
        Future<String> f = Aio.getRunningLoop().createFuture();
        f.setResult("done");
        assertThat(Aio.waitFor(f, Duration.ZERO)).isEqualTo("done");
        assertThat(Aio.waitFor(f, Duration.ofSeconds(-1))).isEqualTo("done");
    }

    @Test
    void zeroTimeoutOnACallableNeverStartsIt() {
        // test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
        AtomicBoolean started = new AtomicBoolean();
        assertThatThrownBy(() -> Aio.waitFor(
                        () -> {
                            started.set(true);
                            return 1;
                        },
                        Duration.ZERO))
                .isInstanceOf(TimeoutError.class);
        assertThat(started).isFalse();
    }

    @Test
    void zeroTimeoutOnARunningTaskCancelsAndWaitsForIt() {
        // test_wait_for_waits_for_task_cancellation_w_timeout_0
        Task<Integer> t = Aio.createTask(() -> {
            try {
                Aio.sleep(Duration.ofSeconds(10));
            } finally {
                Aio.sleep(Duration.ofMillis(50));
            }
            return 1;
        });
        Aio.sleep(Duration.ZERO);
        assertThatThrownBy(() -> Aio.waitFor(t, Duration.ZERO)).isInstanceOf(TimeoutError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(now()).isCloseTo(0.05, Offset.offset(1e-6));
    }

    @Test
    void noTimeoutWaitsAsLongAsItTakes() {
        // test_none_timeout
        int r = Aio.waitFor(() -> Aio.sleep(Duration.ofHours(1), 3), null);
        assertThat(r).isEqualTo(3);
    }

    @Test
    void externalCancellationCancelsTheInnerAndStaysACancelledError() {
        // test_cancel_wait_for, test_cancel_blocking_wait_for
        Task<Void> inner = Aio.createTask(() -> {
            Aio.getRunningLoop().createFuture().await();
        });
        Task<Void> waiting = Aio.createTask(() -> Aio.waitFor(inner, Duration.ofSeconds(10)));
        Aio.sleep(Duration.ZERO); // both tasks start and wait
        Aio.getRunningLoop().callSoon(() -> waiting.cancel());
        assertThatThrownBy(waiting::await).isInstanceOf(CancelledError.class).isNotInstanceOf(TimeoutError.class);
        assertThat(inner.cancelled()).isTrue();
        assertThat(now()).isZero();
    }

    @Test
    void aResultArrivingBeforeTheDeadlineWins() {
        // test_wait_for_race_condition
        Future<String> f = Aio.getRunningLoop().createFuture();
        Aio.getRunningLoop().callSoon(() -> f.setResult("ok"));
        assertThat(Aio.waitFor(f, Duration.ofMillis(200))).isEqualTo("ok");
    }

    @Test
    void aShieldedTaskSurvivesTheTimeout() {
        // test_shielded_timeout
        Task<String> t = Aio.createTask(() -> Aio.sleep(Duration.ofMillis(100), "done"));
        assertThatThrownBy(() -> Aio.waitFor(Aio.shield(t), Duration.ofMillis(10)))
                .isInstanceOf(TimeoutError.class);
        assertThat(t.done()).isFalse();
        assertThat(t.await()).isEqualTo("done");
    }
}
