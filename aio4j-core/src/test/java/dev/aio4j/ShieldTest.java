package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShieldTest {

    private static <T> T run(Callable<T> body) {
        return Aio.run(body, RunOptions.defaults().withClock(VirtualClock.autojump()).withSigintHandling(false));
    }

    @Test
    void aDoneInnerIsReturnedAsItIs() {
        // test_shield_result (done case)
        run(() -> {
            Future<Integer> inner = Aio.getRunningLoop().createFuture();
            inner.setResult(42);
            assertThat(Aio.shield(inner)).isSameAs(inner);
            return null;
        });
    }

    @Test
    void theOuterFollowsTheInnersResultAndException() {
        // test_shield_result, test_shield_exception
        run(() -> {
            Future<Integer> ok = Aio.getRunningLoop().createFuture();
            Future<Integer> outerOk = Aio.shield(ok);
            ok.setResult(42);
            assertThat(outerOk.await()).isEqualTo(42);
            Future<Integer> bad = Aio.getRunningLoop().createFuture();
            Future<Integer> outerBad = Aio.shield(bad);
            bad.setException(new ArithmeticException("x"));
            assertThatThrownBy(outerBad::await).isInstanceOf(ArithmeticException.class);
            return null;
        });
    }

    @Test
    void cancellingTheInnerCancelsTheOuter() {
        // test_shield_cancel_inner
        run(() -> {
            Future<Integer> inner = Aio.getRunningLoop().createFuture();
            Future<Integer> outer = Aio.shield(inner);
            inner.cancel();
            assertThatThrownBy(outer::await).isInstanceOf(CancelledError.class);
            assertThat(outer.cancelled()).isTrue();
            return null;
        });
    }

    @Test
    void cancellingTheOuterLeavesTheInnerAlone() {
        // test_shield_cancel_outer
        run(() -> {
            Future<Integer> inner = Aio.getRunningLoop().createFuture();
            Future<Integer> outer = Aio.shield(inner);
            assertThat(outer.cancel()).isTrue();
            Aio.sleep(Duration.ZERO);
            assertThat(inner.cancelled()).isFalse();
            inner.setException(new ArithmeticException("nobody listens"));
            Aio.sleep(Duration.ZERO);
            assertThat(outer.cancelled()).isTrue();
            return null;
        });
    }

    @Test
    void theAwaitingTaskIsCancelledWhileTheInnerTaskRunsOn() {
        // test_shield_effect
        run(() -> {
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
            return null;
        });
    }

    @Test
    void shieldedChildrenOfACancelledGatherKeepRunning() {
        // test_gather_shield
        run(() -> {
            Task<Integer> a = Aio.createTask(() -> Aio.sleep(Duration.ofMillis(100), 1));
            Task<Integer> b = Aio.createTask(() -> Aio.sleep(Duration.ofMillis(200), 2));
            Future<List<Integer>> g = Aio.gather(Aio.shield(a), Aio.shield(b));
            Aio.sleep(Duration.ofMillis(10));
            assertThat(g.cancel()).isTrue();
            assertThatThrownBy(g::await).isInstanceOf(CancelledError.class);
            assertThat(a.cancelled()).isFalse();
            assertThat(b.cancelled()).isFalse();
            assertThat(a.await() + b.await()).isEqualTo(3);
            return null;
        });
    }

    @Test
    void aShieldedCallableRunsAsItsOwnTask() {
        run(() -> {
            Task<?> me = Aio.currentTask();
            Future<Task<?>> f = Aio.shield(() -> Aio.currentTask());
            assertThat(f.await()).isNotSameAs(me).isNotNull();
            return null;
        });
    }

    @Test
    void aShieldedTaskSurvivesATimeoutAroundItsAwait() {
        run(() -> {
            Task<String> inner = Aio.createTask(() -> Aio.sleep(Duration.ofSeconds(1), "done"));
            assertThatThrownBy(() -> Timeout.after(Duration.ofMillis(10), () -> Aio.shield(inner).await()))
                    .isInstanceOf(TimeoutError.class);
            assertThat(inner.await()).isEqualTo("done");
            return null;
        });
    }
}
