package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.test.AioTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class AsCompletedTest {

    private static Task<Integer> sleeper(int millis) {
        return Aio.createTask(() -> Aio.sleep(Duration.ofMillis(millis), millis));
    }

    @Test
    void yieldsTheOriginalFuturesInCompletionOrder() {
        // test_as_completed_same_tasks_in_as_out
        Task<Integer> a = sleeper(30);
        Task<Integer> b = sleeper(10);
        Task<Integer> c = sleeper(20);
        List<Future<Integer>> order = new ArrayList<>();
        for (Future<Integer> f : Aio.asCompleted(List.of(a, b, c))) {
            assertThat(f.done()).isTrue();
            order.add(f);
        }
        assertThat(order).containsExactly(b, c, a);
    }

    @Test
    void resultsYieldsValuesInCompletionOrderAndThrowsFailures() {
        // test_as_completed, test_as_completed_reverse_wait (values tied to completion, not input)
        Task<Integer> a = sleeper(30);
        Task<Integer> b = Aio.createTask(() -> {
            Aio.sleep(Duration.ofMillis(20));
            throw new ArithmeticException("b");
        });
        Task<Integer> c = sleeper(10);
        Iterator<Integer> it = Aio.asCompleted(List.of(a, b, c)).results().iterator();
        assertThat(it.next()).isEqualTo(10);
        assertThatThrownBy(it::next).isInstanceOf(ArithmeticException.class);
        assertThat(it.next()).isEqualTo(30);
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    @AioTest(allowPendingTasks = true) // asCompleted() leaves what is pending running
    void afterTheTimeoutEveryStepRaisesTimeoutErrorAndNothingIsCancelled() {
        // test_as_completed_with_timeout
        Task<Integer> quick = sleeper(10);
        Task<Integer> slow = sleeper(1000);
        Task<Integer> slower = sleeper(2000);
        AsCompleted<Integer> ac = Aio.asCompleted(List.of(quick, slow, slower), Duration.ofMillis(100));
        Iterator<Future<Integer>> it = ac.iterator();
        assertThat(it.next()).isSameAs(quick);
        assertThatThrownBy(it::next).isInstanceOf(TimeoutError.class);
        assertThat(Aio.getRunningLoop().time()).isCloseTo(0.1, Offset.offset(1e-6));
        assertThatThrownBy(it::next).isInstanceOf(TimeoutError.class);
        assertThat(it.hasNext()).isFalse();
        assertThat(slow.cancelled()).isFalse();
        assertThat(slower.cancelled()).isFalse();
        assertThat(slow.await()).isEqualTo(1000);
    }

    @Test
    @AioTest(allowPendingTasks = true) // asCompleted() leaves what is pending running
    void theTimeoutClockStartsAtTheCallNotAtIteration() {
        Task<Integer> slow = sleeper(1000);
        AsCompleted<Integer> ac = Aio.asCompleted(List.of(slow), Duration.ofMillis(100));
        Aio.sleep(Duration.ofMillis(150));
        assertThatThrownBy(() -> ac.iterator().next()).isInstanceOf(TimeoutError.class);
        assertThat(Aio.getRunningLoop().time()).isCloseTo(0.15, Offset.offset(1e-6));
    }

    @Test
    void iterationIsResumableWithEitherView() {
        // test_as_completed_resume_iterator
        AsCompleted<Integer> ac = Aio.asCompleted(List.of(sleeper(10), sleeper(20), sleeper(30)));
        Iterator<Future<Integer>> futures = ac.iterator();
        assertThat(futures.next().result()).isEqualTo(10);
        assertThat(ac.remaining()).isEqualTo(2);
        List<Integer> rest = new ArrayList<>();
        for (int v : ac.results()) {
            rest.add(v);
        }
        assertThat(rest).containsExactly(20, 30);
        assertThat(futures.hasNext()).isFalse();
    }

    @Test
    void duplicatesAreYieldedOnce() {
        Task<Integer> a = sleeper(10);
        int n = 0;
        for (Future<Integer> f : Aio.asCompleted(List.of(a, a))) {
            n++;
        }
        assertThat(n).isEqualTo(1);
    }

    @Test
    void anEmptyCollectionYieldsNothing() {
        assertThat(Aio.asCompleted(List.<Future<Integer>>of(), Duration.ofMillis(1))
                        .iterator()
                        .hasNext())
                .isFalse();
    }

    @Test
    void twoTasksIteratingTogetherShareTheFutures() {
        AsCompleted<Integer> ac = Aio.asCompleted(List.of(sleeper(10), sleeper(20)));
        Task<Integer> first = Aio.createTask(() -> ac.iterator().next().result());
        Task<Integer> second = Aio.createTask(() -> ac.iterator().next().result());
        assertThat(List.of(first.await(), second.await())).containsExactlyInAnyOrder(10, 20);
    }

    @Test
    @AioTest(allowPendingTasks = true) // asCompleted() leaves what is pending running
    void anIteratorCancelledAfterBeingWokenPassesItsWakeUpOn() {
        EventLoop loop = Aio.getRunningLoop();
        Future<Integer> f = loop.createFuture();
        AsCompleted<Integer> ac = Aio.asCompleted(List.of(f, sleeper(1000)));
        Task<Integer> woken = Aio.createTask(() -> ac.iterator().next().result());
        Task<Integer> survivor = Aio.createTask(() -> ac.iterator().next().result());
        Aio.sleep(Duration.ofMillis(5)); // both wait
        loop.callSoon(() -> {
            f.setResult(1); // its completion callback wakes the first waiter...
            loop.callSoon(() -> woken.cancel()); // ...which is cancelled before it resumes
        });
        assertThat(survivor.await()).isEqualTo(1);
        assertThatThrownBy(woken::await).isInstanceOf(CancelledError.class);
        assertThat(Aio.getRunningLoop().time()).isCloseTo(0.005, Offset.offset(1e-6));
    }
}
