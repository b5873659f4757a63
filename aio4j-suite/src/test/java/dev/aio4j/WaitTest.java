package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.test.AioTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class WaitTest {

    private static Task<Integer> sleeper(int millis, int value) {
        return Aio.createTask(() -> {
            Aio.sleep(Duration.ofMillis(millis));
            return value;
        });
    }

    private static Task<Integer> failer(int millis) {
        return Aio.createTask(() -> {
            Aio.sleep(Duration.ofMillis(millis));
            throw new ArithmeticException("err");
        });
    }

    // ---------------------------------------------------------------- return conditions

    @Test
    void allCompletedWaitsForEveryFuture() {
        Task<Integer> a = sleeper(10, 1);
        Task<Integer> b = failer(20);
        DoneAndPending<Task<Integer>> r = Aio.wait(List.of(a, b));
        assertThat(r.done()).containsExactly(a, b);
        assertThat(r.pending()).isEmpty();
        assertThat(b.exception()).isInstanceOf(ArithmeticException.class);
        assertThat(Aio.getRunningLoop().time()).isCloseTo(0.020, Offset.offset(1e-6));
    }

    @Test
    @AioTest(allowPendingTasks = true) // wait() leaves what is pending running
    void firstCompletedReturnsWhenAnyFutureIsDone() {
        Task<Integer> a = sleeper(10, 1);
        Task<Integer> b = sleeper(1000, 2);
        DoneAndPending<Task<Integer>> r = Aio.wait(List.of(b, a), ReturnWhen.FIRST_COMPLETED);
        assertThat(r.done()).containsExactly(a);
        assertThat(r.pending()).containsExactly(b);
        assertThat(b.cancelled()).isFalse();
    }

    @Test
    @AioTest(allowPendingTasks = true) // wait() leaves what is pending running
    void firstCompletedCountsACancellation() {
        Task<Integer> a = sleeper(1000, 1);
        Task<Integer> b = sleeper(1000, 2);
        Aio.getRunningLoop().callLater(Duration.ofMillis(5), () -> a.cancel());
        DoneAndPending<Task<Integer>> r = Aio.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED);
        assertThat(r.done()).containsExactly(a);
    }

    @Test
    @AioTest(allowPendingTasks = true) // wait() leaves what is pending running
    void firstExceptionReturnsWhenAFutureFails() {
        // test_wait_first_exception_in_wait
        Task<Integer> a = sleeper(10_000, 1);
        Task<Integer> b = failer(10);
        DoneAndPending<Task<Integer>> r = Aio.wait(List.of(b, a), ReturnWhen.FIRST_EXCEPTION);
        assertThat(r.done()).containsExactly(b);
        assertThat(r.pending()).containsExactly(a);
        assertThat(Aio.getRunningLoop().time()).isCloseTo(0.010, Offset.offset(1e-6));
    }

    @Test
    @AioTest(allowPendingTasks = true) // wait() leaves what is pending running
    void firstExceptionWithAFailureAlreadyDoneReturnsAtOnce() {
        // test_wait_first_exception
        Task<Integer> a = sleeper(10_000, 1);
        Future<Integer> b = Aio.getRunningLoop().createFuture();
        b.setException(new ArithmeticException("err"));
        DoneAndPending<Future<Integer>> r = Aio.wait(List.of(b, a), ReturnWhen.FIRST_EXCEPTION);
        assertThat(r.done()).containsExactly(b);
        assertThat(Aio.getRunningLoop().time()).isZero();
    }

    @Test
    void firstExceptionIgnoresCancellationsAndSuccesses() {
        Task<Integer> cancelled = sleeper(1000, 1);
        Task<Integer> ok = sleeper(10, 2);
        Task<Integer> slow = sleeper(50, 3);
        Aio.getRunningLoop().callLater(Duration.ofMillis(5), () -> cancelled.cancel());
        DoneAndPending<Task<Integer>> r = Aio.wait(List.of(cancelled, ok, slow), ReturnWhen.FIRST_EXCEPTION);
        assertThat(r.done()).containsExactly(cancelled, ok, slow);
        assertThat(Aio.getRunningLoop().time()).isCloseTo(0.050, Offset.offset(1e-6));
    }

    // ---------------------------------------------------------------- timeout

    @Test
    void timeoutReturnsThePendingFuturesWithoutRaisingOrCancelling() {
        Task<Integer> a = sleeper(10, 1);
        Task<Integer> b = sleeper(1000, 2);
        DoneAndPending<Task<Integer>> r = Aio.wait(List.of(a, b), Duration.ofMillis(100), ReturnWhen.ALL_COMPLETED);
        assertThat(r.done()).containsExactly(a);
        assertThat(r.pending()).containsExactly(b);
        assertThat(Aio.getRunningLoop().time()).isCloseTo(0.100, Offset.offset(1e-6));
        assertThat(b.cancelled()).isFalse();
        assertThat(b.await()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- scheduling and arguments

    @Test
    void alwaysLetsTheLoopRunEvenWhenEveryFutureIsDone() {
        Future<Integer> f = Aio.getRunningLoop().createFuture();
        f.setResult(1);
        AtomicBoolean ran = new AtomicBoolean();
        Aio.getRunningLoop().callSoon(() -> ran.set(true));
        DoneAndPending<Future<Integer>> r = Aio.wait(List.of(f));
        assertThat(r.done()).containsExactly(f);
        assertThat(ran).isTrue();
    }

    @Test
    void futuresReportedDoneAreReallyDone() {
        // test_wait_really_done
        Task<Void> a = Aio.createTask(() -> Aio.sleep(Duration.ZERO));
        Task<Void> b = Aio.createTask(() -> {
            Aio.sleep(Duration.ZERO);
            Aio.sleep(Duration.ZERO);
        });
        DoneAndPending<Task<Void>> r = Aio.wait(List.of(b, a), ReturnWhen.FIRST_COMPLETED);
        for (Task<Void> t : r.done()) {
            assertThat(t.done()).isTrue();
        }
        for (Task<Void> t : r.pending()) {
            assertThat(t.done()).isFalse();
        }
        assertThat(r.done()).contains(a);
    }

    @Test
    void duplicatesCollapse() {
        Task<Integer> a = sleeper(1, 1);
        DoneAndPending<Task<Integer>> r = Aio.wait(List.of(a, a, a));
        assertThat(r.done()).hasSize(1);
    }

    @Test
    void anEmptyCollectionIsRejected() {
        // test_wait_errors
        assertThatThrownBy(() -> Aio.wait(List.<Future<?>>of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("futures is empty");
        Task<Integer> sleeper = sleeper(1, 1);
        assertThatThrownBy(() -> Aio.wait(List.of(sleeper), null)).isInstanceOf(NullPointerException.class);
        sleeper.await();
    }

    @Test
    void cancellingTheWaiterLeavesTheFuturesRunning() {
        Task<Integer> a = sleeper(1000, 1);
        Task<DoneAndPending<Task<Integer>>> waiter = Aio.createTask(() -> Aio.wait(List.of(a)));
        Aio.sleep(Duration.ofMillis(10));
        waiter.cancel();
        assertThatThrownBy(waiter::await).isInstanceOf(CancelledError.class);
        assertThat(a.cancelled()).isFalse();
        assertThat(a.await()).isEqualTo(1);
    }

    @Test
    void mustBeCalledFromATask() {
        try (EventLoop loop = EventLoop.newEventLoop()) {
            Future<Integer> f = loop.createFuture();
            assertThat(OtherLoop.failureOffLoop(() -> Aio.wait(List.of(f)))).isInstanceOf(IllegalStateException.class);
        }
    }
}
