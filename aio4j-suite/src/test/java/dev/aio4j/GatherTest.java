package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.test.AioTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class GatherTest {

    private static Callable<Integer> after(int millis, int value) {
        return () -> {
            Aio.sleep(Duration.ofMillis(millis));
            return value;
        };
    }

    // ---------------------------------------------------------------- results

    @Test
    void resultsComeInArgumentOrderNotCompletionOrder() {
        List<Integer> r = Aio.gather(after(30, 1), after(20, 2), after(10, 3)).await();
        assertThat(r).containsExactly(1, 2, 3);
    }

    @Test
    void anArgumentGivenTwiceRunsOnceAndAppearsTwice() {
        // test_duplicate_coroutines
        AtomicInteger runs = new AtomicInteger();
        Callable<Integer> body = () -> {
            runs.incrementAndGet();
            return 7;
        };
        List<Integer> r = Aio.gather(body, body, after(1, 8)).await();
        assertThat(r).containsExactly(7, 7, 8);
        assertThat(runs).hasValue(1);
    }

    @Test
    void gatherOfNothingIsADoneFutureOfAnEmptyList() {
        Future<List<Object>> f = Aio.gather(List.of());
        assertThat(f.done()).isTrue();
        assertThat(f.result()).isEmpty();
    }

    @Test
    void gatherOverChildrenAlreadyDoneCompletesInsideTheCall() {
        EventLoop loop = Aio.getRunningLoop();
        Future<String> a = loop.createFuture();
        Future<String> b = loop.createFuture();
        a.setResult("a");
        b.setResult("b");
        Future<List<String>> outer = Aio.gather(a, b);
        assertThat(outer.done()).isTrue();
        assertThat(outer.result()).containsExactly("a", "b");
    }

    @Test
    void mixedFuturesCallablesAndRunnablesAreAccepted() {
        Future<String> f = Aio.getRunningLoop().createFuture();
        Aio.getRunningLoop().callSoon(() -> f.setResult("future"));
        CheckedRunnable nothing = () -> Aio.sleep(Duration.ofMillis(1));
        List<Object> r = Aio.gatherMixed(List.of(f, (Callable<String>) () -> "callable", nothing))
                .await();
        assertThat(r).containsExactly("future", "callable", null);
    }

    @Test
    void futuresOfAnotherLoopAreRejected() {
        try (EventLoop other = EventLoop.newEventLoop()) {
            Future<Integer> foreign = other.createFuture();
            Future<Integer> mine = Aio.getRunningLoop().createFuture();
            assertThatThrownBy(() -> Aio.gather(mine, foreign))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("future of another loop than EventLoop");
        }
    }

    // ---------------------------------------------------------------- failures

    @Test
    void firstFailureReachesTheAwaiterAtOnceAndSiblingsKeepRunning() {
        EventLoop loop = Aio.getRunningLoop();
        Task<Integer> slow = Aio.createTask(after(100, 1));
        Task<Integer> failing = Aio.createTask(() -> {
            Aio.sleep(Duration.ofMillis(10));
            throw new IllegalStateException("boom");
        });
        double start = loop.time();
        assertThatThrownBy(() -> Aio.gather(slow, failing).await())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("boom");
        assertThat(loop.time() - start).isCloseTo(0.010, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(slow.done()).isFalse(); // not cancelled: TaskGroup is the fail-fast tool
        assertThat(slow.await()).isEqualTo(1);
    }

    @Test
    void aCancelledChildFailsTheOuterWithCancelledErrorWithoutCancellingIt() {
        // test_one_cancellation
        Task<Integer> a = Aio.createTask(after(10, 1));
        Task<Integer> b = Aio.createTask(after(50, 2));
        Future<List<Integer>> outer = Aio.gather(a, b);
        Aio.sleep(Duration.ofMillis(1));
        a.cancel("stop a");
        assertThatThrownBy(outer::await).isInstanceOf(CancelledError.class);
        assertThat(outer.done()).isTrue();
        assertThat(outer.cancelled()).isFalse();
        assertThat(outer.exception()).isInstanceOf(CancelledError.class);
        assertThat(b.done()).isFalse();
        assertThat(b.await()).isEqualTo(2);
    }

    @Test
    void returnExceptionsPutsErrorsAndCancellationsInTheList() {
        // test_return_exceptions, test_result_exception_one_cancellation
        Task<Integer> ok = Aio.createTask(after(10, 1));
        Task<Integer> bad = Aio.createTask(() -> {
            throw new ArithmeticException("zero");
        });
        Task<Integer> cancelled = Aio.createTask(after(50, 3));
        Future<List<Object>> outer = Aio.gatherReturnExceptions(ok, bad, cancelled);
        Aio.sleep(Duration.ofMillis(1));
        cancelled.cancel("msg");
        List<Object> r = outer.await();
        assertThat(r.get(0)).isEqualTo(1);
        assertThat(r.get(1)).isInstanceOf(ArithmeticException.class);
        assertThat(r.get(2)).isInstanceOf(CancelledError.class);
        assertThat(((CancelledError) r.get(2)).getMessage()).isEqualTo("msg");
    }

    @Test
    void checkedExceptionsOfChildrenAreWrappedByAwait() {
        Callable<Integer> io = () -> {
            throw new java.io.IOException("disk");
        };
        assertThatThrownBy(() -> Aio.gather(io).await())
                .isInstanceOf(java.util.concurrent.CompletionException.class)
                .hasCauseInstanceOf(java.io.IOException.class);
    }

    // ---------------------------------------------------------------- cancelling the gather

    @Test
    void cancellingTheOuterCancelsEveryUnfinishedChildAndEndsWithCancelledErrorEvenWithReturnExceptions() {
        // test_cancel_gather_2, §18.7: outer.cancel() overrides return_exceptions
        Task<Integer> done = Aio.createTask(() -> 0);
        Task<Integer> a = Aio.createTask(after(10, 1));
        Task<Integer> b = Aio.createTask(after(20, 2));
        Aio.sleep(Duration.ZERO);
        Future<List<Object>> outer = Aio.gatherReturnExceptions(done, a, b);
        assertThat(outer.cancel("enough")).isTrue();
        assertThat(outer.done()).isFalse(); // like Task.cancel(): a request
        CancelledError e = org.junit.jupiter.api.Assertions.assertThrows(CancelledError.class, outer::await);
        assertThat(e.getMessage()).isEqualTo("enough");
        assertThat(a.cancelled()).isTrue();
        assertThat(b.cancelled()).isTrue();
        assertThat(outer.cancelled()).isFalse();
    }

    @Test
    void cancellingAGatherThatIsAlreadyDoneCancelsNothing() {
        // §18.7: after the first error the outer is done; cancel() returns false, siblings live on
        Task<Integer> slow = Aio.createTask(after(100, 1));
        Task<Integer> failing = Aio.createTask(() -> {
            throw new IllegalStateException("boom");
        });
        Future<List<Integer>> outer = Aio.gather(slow, failing);
        assertThatThrownBy(outer::await).isInstanceOf(IllegalStateException.class);
        assertThat(outer.cancel()).isFalse();
        assertThat(slow.cancelled()).isFalse();
        assertThat(slow.await()).isEqualTo(1);
    }

    @Test
    void cancellingTheAwaitingTaskBroadcastsToEveryChild() {
        // test_cancellation_broadcast
        List<Task<Integer>> children = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            children.add(Aio.createTask(after(1000, i)));
        }
        Task<List<Integer>> waiter = Aio.createTask(() ->
                Aio.gather(children.get(0), children.get(1), children.get(2)).await());
        Aio.sleep(Duration.ofMillis(10));
        waiter.cancel();
        assertThatThrownBy(waiter::await).isInstanceOf(CancelledError.class);
        assertThat(waiter.cancelled()).isTrue();
        assertThat(children).allMatch(Future::cancelled);
    }

    @Test
    void childThatSuppressesTheBroadcastStillEndsTheOuterWithCancelledError() {
        Task<Integer> stubborn = Aio.createTask(() -> {
            try {
                Aio.sleep(Duration.ofSeconds(1));
            } catch (CancelledError e) {
                Aio.currentTask().uncancel();
            }
            return 5;
        });
        Aio.sleep(Duration.ZERO);
        Future<List<Integer>> outer = Aio.gather(stubborn);
        assertThat(outer.cancel()).isTrue();
        assertThatThrownBy(outer::await).isInstanceOf(CancelledError.class);
        assertThat(stubborn.result()).isEqualTo(5);
    }
}
