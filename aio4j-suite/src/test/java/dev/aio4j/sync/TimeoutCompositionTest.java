package dev.aio4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.TimeoutError;
import dev.aio4j.queue.Queue;
import dev.aio4j.test.AioTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every waiting call under {@code Timeout.after}: a timed-out waiter leaves no trace. */
@AioTest(virtualTime = true)
class TimeoutCompositionTest {

    private static final Duration SHORT = Duration.ofMillis(50);

    @Test
    void lockAcquireTimesOutAndTheLockStillHandsOff() {
        Lock lock = new Lock();
        lock.acquire();
        Task<Void> next = Aio.createTask(() -> lock.acquire().close());
        assertThatThrownBy(() -> Timeout.after(SHORT, lock::acquire)).isInstanceOf(TimeoutError.class);
        assertThat(lock.waiters()).isEqualTo(1);
        lock.release();
        next.await();
        assertThat(lock.locked()).isFalse();
        assertThat(lock.waiters()).isZero();
    }

    @Test
    void semaphoreAcquireTimesOutWithoutTakingAPermit() {
        Semaphore sem = new Semaphore(0);
        assertThatThrownBy(() -> Timeout.after(SHORT, sem::acquire)).isInstanceOf(TimeoutError.class);
        sem.release();
        assertThat(sem.value()).isEqualTo(1);
        assertThat(sem.waiters()).isZero();
    }

    @Test
    void eventAwaitTimesOut() {
        Event ev = new Event();
        assertThatThrownBy(() -> Timeout.after(SHORT, ev::await)).isInstanceOf(TimeoutError.class);
        assertThat(ev.waiters()).isZero();
    }

    @Test
    void conditionAwaitTimesOutWithTheLockHeld() {
        Condition cond = new Condition();
        try (var held = cond.acquire()) {
            assertThatThrownBy(() -> Timeout.after(SHORT, cond::await)).isInstanceOf(TimeoutError.class);
            assertThat(cond.locked()).isTrue();
        }
        assertThat(cond.locked()).isFalse();
        assertThat(cond.waiters()).isZero();
    }

    @Test
    void barrierAwaitTimesOutAndLeavesTheCount() {
        Barrier barrier = new Barrier(2);
        assertThatThrownBy(() -> Timeout.after(SHORT, barrier::await)).isInstanceOf(TimeoutError.class);
        assertThat(barrier.waiting()).isZero();
    }

    @Test
    void queueGetAndPutTimeOutWithoutLosingOrAddingAnItem() {
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
    }
}
