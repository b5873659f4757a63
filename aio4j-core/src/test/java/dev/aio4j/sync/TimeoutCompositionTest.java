package dev.aio4j.sync;

import static dev.aio4j.sync.SyncTesting.runVirtual;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.TimeoutError;
import dev.aio4j.queue.Queue;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** Every waiting call under {@code Timeout.after}: a timed-out waiter leaves no trace. */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD) // a broken primitive hangs rather than fails
class TimeoutCompositionTest {

    private static final Duration SHORT = Duration.ofMillis(50);

    @Test
    void lockAcquireTimesOutAndTheLockStillHandsOff() {
        runVirtual(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Task<Void> next = Aio.createTask(() -> lock.acquire().close());
            assertThatThrownBy(() -> Timeout.after(SHORT, lock::acquire)).isInstanceOf(TimeoutError.class);
            assertThat(lock.waiters()).isEqualTo(1);
            lock.release();
            next.await();
            assertThat(lock.locked()).isFalse();
            assertThat(lock.waiters()).isZero();
        });
    }

    @Test
    void semaphoreAcquireTimesOutWithoutTakingAPermit() {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(0);
            assertThatThrownBy(() -> Timeout.after(SHORT, sem::acquire)).isInstanceOf(TimeoutError.class);
            sem.release();
            assertThat(sem.value()).isEqualTo(1);
            assertThat(sem.waiters()).isZero();
        });
    }

    @Test
    void eventAwaitTimesOut() {
        runVirtual(() -> {
            Event ev = new Event();
            assertThatThrownBy(() -> Timeout.after(SHORT, ev::await)).isInstanceOf(TimeoutError.class);
            assertThat(ev.waiters()).isZero();
        });
    }

    @Test
    void conditionAwaitTimesOutWithTheLockHeld() {
        runVirtual(() -> {
            Condition cond = new Condition();
            try (var held = cond.acquire()) {
                assertThatThrownBy(() -> Timeout.after(SHORT, cond::await)).isInstanceOf(TimeoutError.class);
                assertThat(cond.locked()).isTrue();
            }
            assertThat(cond.locked()).isFalse();
            assertThat(cond.waiters()).isZero();
        });
    }

    @Test
    void barrierAwaitTimesOutAndLeavesTheCount() {
        runVirtual(() -> {
            Barrier barrier = new Barrier(2);
            assertThatThrownBy(() -> Timeout.after(SHORT, barrier::await)).isInstanceOf(TimeoutError.class);
            assertThat(barrier.waiting()).isZero();
        });
    }

    @Test
    void queueGetAndPutTimeOutWithoutLosingOrAddingAnItem() {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(1);
            assertThatThrownBy(() -> Timeout.after(SHORT, q::get)).isInstanceOf(TimeoutError.class);
            q.put(1);
            assertThatThrownBy(() -> Timeout.after(SHORT, () -> q.put(2))).isInstanceOf(TimeoutError.class);
            assertThat(q.getters()).isZero();
            assertThat(q.putters()).isZero();
            assertThat(q.getNowait()).isEqualTo(1);
            assertThat(q.empty()).isTrue();
            assertThat(q.unfinished()).isEqualTo(1);
            q.taskDone();
            Timeout.after(SHORT, q::join);
        });
    }
}
