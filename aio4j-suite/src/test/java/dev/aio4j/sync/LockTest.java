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
class LockTest {

    // ------------------------------------------------------------------ acquire and release

    @Test
    void acquireLocksAndReleaseUnlocks() { // test_lock
        Lock lock = new Lock();
        assertThat(lock.locked()).isFalse();
        Held held = lock.acquire();
        assertThat(lock.locked()).isTrue();
        held.close();
        assertThat(lock.locked()).isFalse();
    }

    @Test
    void tryWithResourcesReleasesOnNormalExitAndOnException() {
        Lock lock = new Lock();
        try (var held = lock.acquire()) {
            assertThat(lock.locked()).isTrue();
        }
        assertThat(lock.locked()).isFalse();
        assertThatThrownBy(() -> {
                    try (var held = lock.acquire()) {
                        throw new IllegalArgumentException("boom");
                    }
                })
                .hasMessage("boom");
        assertThat(lock.locked()).isFalse();
    }

    @Test
    void closingAHoldTwiceReleasesOnce() {
        Lock lock = new Lock();
        Held first = lock.acquire();
        first.close();
        Held second = lock.acquire();
        first.close(); // must not release the second hold
        assertThat(lock.locked()).isTrue();
        second.close();
        assertThat(lock.locked()).isFalse();
    }

    @Test
    void releasingAnUnlockedLockIsAClearError() { // test_release_not_acquired
        Lock lock = new Lock();
        assertThatThrownBy(lock::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("release() called on an unlocked Lock[unlocked, waiters=0]");
    }

    @Test
    void anyTaskMayReleaseTheLock() { // not owned, as in asyncio
        Lock lock = new Lock();
        lock.acquire();
        Aio.createTask(lock::release).await();
        assertThat(lock.locked()).isFalse();
    }

    @Test
    void tryAcquireTakesAFreeLockAndRefusesAHeldOne() {
        Lock lock = new Lock();
        Held held = lock.tryAcquire();
        assertThat(held).isNotNull();
        assertThat(lock.tryAcquire()).isNull();
        held.close();
        assertThat(lock.locked()).isFalse();
    }

    // ------------------------------------------------------------------ order

    @Test
    void waitersAcquireInTheOrderTheyCameIn(TestClock clock) { // test_acquire
        Lock lock = new Lock();
        List<Integer> result = new ArrayList<>();
        lock.acquire();
        List<Task<Void>> tasks = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int k = i;
            tasks.add(Aio.createTask(() -> {
                try (var held = lock.acquire()) {
                    result.add(k);
                }
            }));
        }
        clock.waitAllTasksBlocked();
        assertThat(result).isEmpty();
        lock.release();
        for (Task<Void> t : tasks) {
            t.await();
        }
        assertThat(result).containsExactly(1, 2, 3);
    }

    @Test
    void newcomerQueuesBehindAWokenWaiterThatHasNotResumed(TestClock clock) { // no barging
        Lock lock = new Lock();
        List<String> result = new ArrayList<>();
        lock.acquire();
        Task<Void> woken = Aio.createTask(() -> {
            try (var held = lock.acquire()) {
                result.add("woken");
            }
        });
        clock.waitAllTasksBlocked();
        lock.release(); // wakes `woken`, which has not run yet
        assertThat(lock.locked()).isFalse();
        assertThat(lock.tryAcquire())
                .as("the fast path refuses while a woken waiter is pending")
                .isNull();
        Task<Void> newcomer = Aio.createTask(() -> {
            try (var held = lock.acquire()) {
                result.add("newcomer");
            }
        });
        woken.await();
        newcomer.await();
        assertThat(result).containsExactly("woken", "newcomer");
    }

    // ------------------------------------------------------------------ cancellation

    @Test
    void cancelledWaiterNeverReceivesTheLock(TestClock clock) { // test_acquire_cancel
        Lock lock = new Lock();
        lock.acquire();
        Task<Held> waiter = Aio.createTask(lock::acquire);
        clock.waitAllTasksBlocked();
        assertThat(lock.waiters()).isEqualTo(1);
        waiter.cancel();
        assertThatThrownBy(waiter::await).isInstanceOf(CancelledError.class);
        assertThat(lock.waiters()).isZero();
        lock.release();
        assertThat(lock.locked()).isFalse();
    }

    @Test
    void cancellingAQueuedWaiterLetsTheNextOneIn(TestClock clock) { // test_cancel_race
        Lock lock = new Lock();
        lock.acquire();
        Task<Held> a = Aio.createTask(lock::acquire);
        clock.waitAllTasksBlocked();
        List<String> got = new ArrayList<>();
        Task<Void> b = Aio.createTask(() -> {
            lock.acquire();
            got.add("b");
        });
        clock.waitAllTasksBlocked();
        a.cancel();
        lock.release();
        b.await();
        assertThat(a.cancelled()).isTrue();
        assertThat(got).containsExactly("b");
        assertThat(lock.locked()).isTrue();
        assertThat(lock.waiters()).isZero();
    }

    @Test
    void wokenWaiterCancelledBeforeResumingPassesTheWakeUpOn(
            TestClock clock) { // test_cancel_release_race, test_finished_waiter_cancelled
        Lock lock = new Lock();
        lock.acquire();
        Task<Held> a = Aio.createTask(lock::acquire);
        Task<Held> b = Aio.createTask(lock::acquire);
        clock.waitAllTasksBlocked();
        lock.release(); // wakes a
        a.cancel(); // before a resumes
        assertThatThrownBy(a::await).isInstanceOf(CancelledError.class);
        b.await();
        assertThat(lock.locked()).isTrue();
        assertThat(lock.waiters()).isZero();
    }

    @Test
    void timedOutWaiterLeavesNoTrace() {
        Lock lock = new Lock();
        lock.acquire();
        boolean finished = Timeout.moveOnAfter(Duration.ofSeconds(1), () -> {
            lock.acquire();
        });
        assertThat(finished).isFalse();
        assertThat(lock.waiters()).isZero();
        lock.release();
        assertThat(lock.locked()).isFalse();
        assertThat(Timeout.moveOnAfter(
                        Duration.ofSeconds(1), () -> lock.acquire().close()))
                .isTrue();
    }

    // ------------------------------------------------------------------ loop binding and state

    @Test
    void useFromASecondLoopIsRefused() {
        Lock lock = new Lock();
        lock.acquire().close();
        assertThat(OtherLoop.failureOn(lock::acquire))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bound to a different event loop");
        assertThat(lock.locked()).isFalse();
    }

    @Test
    void useFromAThreadThatRunsNoLoopIsRefused() throws Exception {
        Lock lock = new Lock();
        assertThat(OtherLoop.failureOffLoop(lock::acquire))
                .isInstanceOf(WrongThreadException.class)
                .hasMessageContaining("runs no event loop");
        lock.acquire();
        assertThat(OtherLoop.failureOffLoop(lock::release)).isInstanceOf(WrongThreadException.class);
        assertThat(lock.locked()).isTrue();
        lock.release();
    }

    @Test
    void toStringShowsStateAndWaiters(TestClock clock) {
        Lock lock = new Lock();
        assertThat(lock).hasToString("Lock[unlocked, waiters=0]");
        lock.acquire();
        Task<Held> t = Aio.createTask(lock::acquire);
        clock.waitAllTasksBlocked();
        assertThat(lock).hasToString("Lock[locked, waiters=1]");
        t.cancel();
        clock.waitAllTasksBlocked();
        lock.release();
    }
}
