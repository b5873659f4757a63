package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.test.AioTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class ShieldTest {

    @Test
    void aDoneInnerIsReturnedAsItIs() {
        // test_shield_result (done case)
        Future<Integer> inner = Aio.getRunningLoop().createFuture();
        inner.setResult(42);
        assertThat(Aio.shield(inner)).isSameAs(inner);
    }

    @Test
    void theOuterFollowsTheInnersResultAndException() {
        // test_shield_result, test_shield_exception
        Future<Integer> ok = Aio.getRunningLoop().createFuture();
        Future<Integer> outerOk = Aio.shield(ok);
        ok.setResult(42);
        assertThat(outerOk.await()).isEqualTo(42);
        Future<Integer> bad = Aio.getRunningLoop().createFuture();
        Future<Integer> outerBad = Aio.shield(bad);
        bad.setException(new ArithmeticException("x"));
        assertThatThrownBy(outerBad::await).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void cancellingTheInnerCancelsTheOuter() {
        // test_shield_cancel_inner
        Future<Integer> inner = Aio.getRunningLoop().createFuture();
        Future<Integer> outer = Aio.shield(inner);
        inner.cancel();
        assertThatThrownBy(outer::await).isInstanceOf(CancelledError.class);
        assertThat(outer.cancelled()).isTrue();
    }

    @Test
    void cancellingTheOuterLeavesTheInnerAlone() {
        // test_shield_cancel_outer
        Future<Integer> inner = Aio.getRunningLoop().createFuture();
        Future<Integer> outer = Aio.shield(inner);
        assertThat(outer.cancel()).isTrue();
        Aio.sleep(Duration.ZERO);
        assertThat(inner.cancelled()).isFalse();
        inner.setException(new ArithmeticException("nobody listens"));
        Aio.sleep(Duration.ZERO);
        assertThat(outer.cancelled()).isTrue();
    }

    @Test
    void theAwaitingTaskIsCancelledWhileTheInnerTaskRunsOn() {
        // test_shield_effect
        AtomicInteger proof = new AtomicInteger();
        Task<Integer> inner = Aio.createTask(() -> {
            Aio.sleep(Duration.ofMillis(100));
            proof.incrementAndGet();
            return 5;
        });
        Task<Integer> outer = Aio.createTask(() -> {
            int r = Aio.shield(inner).await();
            proof.addAndGet(100);
            return r;
        });
        Aio.sleep(Duration.ofMillis(10));
        outer.cancel();
        assertThatThrownBy(outer::await).isInstanceOf(CancelledError.class);
        assertThat(inner.done()).isFalse();
        assertThat(inner.await()).isEqualTo(5);
        assertThat(proof).hasValue(1);
    }

    @Test
    void shieldedChildrenOfACancelledGatherKeepRunning() {
        // test_gather_shield
        Task<Integer> a = Aio.createTask(() -> Aio.sleep(Duration.ofMillis(100), 1));
        Task<Integer> b = Aio.createTask(() -> Aio.sleep(Duration.ofMillis(200), 2));
        Future<List<Integer>> g = Aio.gather(Aio.shield(a), Aio.shield(b));
        Aio.sleep(Duration.ofMillis(10));
        assertThat(g.cancel()).isTrue();
        assertThatThrownBy(g::await).isInstanceOf(CancelledError.class);
        assertThat(a.cancelled()).isFalse();
        assertThat(b.cancelled()).isFalse();
        assertThat(a.await() + b.await()).isEqualTo(3);
    }

    @Test
    void aShieldedCallableRunsAsItsOwnTask() {
        Task<?> me = Aio.currentTask();
        Future<Task<?>> f = Aio.shield(() -> Aio.currentTask());
        assertThat(f.await()).isNotSameAs(me).isNotNull();
    }

    @Test
    void aShieldedTaskSurvivesATimeoutAroundItsAwait() {
        Task<String> inner = Aio.createTask(() -> Aio.sleep(Duration.ofSeconds(1), "done"));
        assertThatThrownBy(() -> Timeout.after(
                        Duration.ofMillis(10), () -> Aio.shield(inner).await()))
                .isInstanceOf(TimeoutError.class);
        assertThat(inner.await()).isEqualTo("done");
    }
}
