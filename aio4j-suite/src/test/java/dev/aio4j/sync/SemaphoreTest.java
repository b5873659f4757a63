package dev.aio4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.OtherLoop;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.test.AioTest;
import dev.aio4j.test.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class SemaphoreTest {

    @Test
    void negativeInitialValueIsRefused() { // test_initial_value_zero / ValueError
        assertThatThrownBy(() -> new Semaphore(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value < 0: -1");
        assertThat(new Semaphore(0).locked()).isTrue();
        assertThat(new Semaphore().value()).isEqualTo(1);
    }

    @Test
    void acquireTakesPermitsUntilNoneIsLeft(TestClock clock) { // test_acquire
        Semaphore sem = new Semaphore(3);
        sem.acquire();
        sem.acquire();
        assertThat(sem.value()).isEqualTo(1);
        assertThat(sem.locked()).isFalse();
        sem.acquire();
        assertThat(sem.locked()).isTrue();
        List<Integer> got = new ArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int k = i;
            tasks.add(Aio.createTask(() -> {
                sem.acquire();
                got.add(k);
            }));
        }
        clock.waitAllTasksBlocked();
        assertThat(got).isEmpty();
        sem.release();
        sem.release();
        clock.waitAllTasksBlocked();
        assertThat(got).containsExactly(1, 2);
        sem.release();
        tasks.get(2).await();
        assertThat(got).containsExactly(1, 2, 3);
        assertThat(sem.value()).isZero();
    }

    @Test
    void waitersAreServedFirstInFirstOut(TestClock clock) { // test_acquire_fifo_order, _2, _3
        Semaphore sem = new Semaphore(1);
        List<String> result = new ArrayList<>();
        sem.acquire();
        List<Task<Void>> tasks = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            tasks.add(Aio.createTask(() -> {
                try (var held = sem.acquire()) {
                    result.add(name);
                    Aio.sleep(Duration.ZERO);
                }
            }));
        }
        clock.waitAllTasksBlocked();
        sem.release();
        for (Task<Void> t : tasks) {
            t.await();
        }
        assertThat(result).containsExactly("a", "b", "c");
    }

    @Test
    void lockedIsTrueWhileALiveTaskWaitsEvenWithPermitsFree(TestClock clock) { // 3.11+ locked() semantics
        Semaphore sem = new Semaphore(1);
        sem.acquire();
        Task<Held> waiter = Aio.createTask(sem::acquire);
        clock.waitAllTasksBlocked();
        sem.release(); // hands the permit to the waiter at once
        assertThat(sem.value()).isZero();
        assertThat(sem.locked()).isTrue();
        assertThat(sem.tryAcquire()).as("a newcomer does not barge").isNull();
        waiter.await();
        assertThat(sem.locked()).isTrue();
    }

    @Test
    void waiterCancelledBeforeBeingWokenTakesNoPermit(TestClock clock) { // test_acquire_cancel_before_awoken
        Semaphore sem = new Semaphore(0);
        Task<Held> t1 = Aio.createTask(sem::acquire);
        Task<Held> t2 = Aio.createTask(sem::acquire);
        Task<Held> t3 = Aio.createTask(sem::acquire);
        Task<Held> t4 = Aio.createTask(sem::acquire);
        clock.waitAllTasksBlocked();
        t1.cancel();
        t2.cancel();
        sem.release();
        clock.waitAllTasksBlocked();
        assertThat(t3.done()).isTrue();
        assertThat(t4.done()).isFalse();
        assertThat(sem.value()).isZero();
        t4.cancel();
        clock.waitAllTasksBlocked();
        assertThat(sem.waiters()).isZero();
    }

    @Test
    void wokenWaiterCancelledBeforeResumingGivesThePermitToTheNext(
            TestClock clock) { // test_acquire_cancel_after_awoken / test_acquire_hang
        Semaphore sem = new Semaphore(0);
        Task<Held> t1 = Aio.createTask(sem::acquire);
        Task<Held> t2 = Aio.createTask(sem::acquire);
        clock.waitAllTasksBlocked();
        sem.release(); // wakes t1
        t1.cancel(); // before it resumes
        assertThatThrownBy(t1::await).isInstanceOf(CancelledError.class);
        t2.await();
        assertThat(sem.value()).isZero();
        assertThat(sem.waiters()).isZero();
    }

    @Test
    void releaseAboveTheInitialValueIsAllowed() { // test_release_no_waiters
        Semaphore sem = new Semaphore(1);
        sem.release();
        assertThat(sem.value()).isEqualTo(2);
    }

    @Test
    void timedOutWaiterLeavesNoTraceAndLosesNoPermit() {
        Semaphore sem = new Semaphore(0);
        boolean acquired = Timeout.moveOnAfter(Duration.ofSeconds(1), () -> {
            sem.acquire();
        });
        assertThat(acquired).isFalse();
        assertThat(sem.waiters()).isZero();
        sem.release();
        assertThat(sem.value()).isEqualTo(1);
        assertThat(sem.locked()).isFalse();
    }

    @Test
    void useFromAnotherLoopIsRefused() {
        Semaphore sem = new Semaphore(2);
        sem.acquire().close();
        assertThat(OtherLoop.failureOn(sem::acquire))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bound to a different event loop");
        assertThat(OtherLoop.failureOffLoop(sem::release)).isInstanceOf(WrongThreadException.class);
        assertThat(sem.value()).isEqualTo(2);
    }

    @Test
    void toStringShowsStateValueAndWaiters(TestClock clock) {
        Semaphore sem = new Semaphore(1);
        assertThat(sem).hasToString("Semaphore[unlocked, value=1, waiters=0]");
        sem.acquire();
        Task<Held> t = Aio.createTask(sem::acquire);
        clock.waitAllTasksBlocked();
        assertThat(sem).hasToString("Semaphore[locked, value=0, waiters=1]");
        t.cancel();
        clock.waitAllTasksBlocked();
    }
}
