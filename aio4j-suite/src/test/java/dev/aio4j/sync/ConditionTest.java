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
class ConditionTest {

    /** A task that waits on {@code cond} once and records {@code name} when it returns. */
    private static Task<Void> waiter(Condition cond, List<String> log, String name) {
        return Aio.createTask(() -> {
            try (var held = cond.acquire()) {
                cond.await();
                log.add(name);
            }
        });
    }

    @Test
    void signalWakesWaitersOneAtATimeInOrder(TestClock clock) { // test_wait, test_notify
        Condition cond = new Condition();
        List<String> log = new ArrayList<>();
        Task<Void> a = waiter(cond, log, "a");
        Task<Void> b = waiter(cond, log, "b");
        Task<Void> c = waiter(cond, log, "c");
        clock.waitAllTasksBlocked();
        assertThat(cond.waiters()).isEqualTo(3);
        try (var held = cond.acquire()) {
            cond.signal(1);
            clock.waitAllTasksBlocked();
            assertThat(log).as("the signalled task needs the lock first").isEmpty();
        }
        clock.waitAllTasksBlocked();
        assertThat(log).containsExactly("a");
        try (var held = cond.acquire()) {
            cond.signal(2);
        }
        clock.waitAllTasksBlocked();
        assertThat(log).containsExactly("a", "b", "c");
        a.await();
        b.await();
        c.await();
    }

    @Test
    void signalAllWakesEveryWaiter(TestClock clock) { // test_notify_all
        Condition cond = new Condition();
        List<String> log = new ArrayList<>();
        List<Task<Void>> tasks = List.of(waiter(cond, log, "a"), waiter(cond, log, "b"));
        clock.waitAllTasksBlocked();
        try (var held = cond.acquire()) {
            cond.signalAll();
        }
        for (Task<Void> t : tasks) {
            t.await();
        }
        assertThat(log).containsExactly("a", "b");
    }

    @Test
    void awaitAndSignalWithoutTheLockAreErrors() { // test_wait_unacquired, test_notify_unacquired
        Condition cond = new Condition();
        assertThatThrownBy(cond::await)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("await() called without holding the lock of Condition[unlocked, waiters=0]");
        assertThatThrownBy(cond::signal).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(cond::signalAll).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cond.signal(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n < 0: -1");
    }

    @Test
    void waitForReturnsOnceThePredicateHolds(TestClock clock) { // test_wait_for
        Condition cond = new Condition();
        int[] state = {0};
        int[] checks = {0};
        Task<Void> t = Aio.createTask(() -> {
            try (var held = cond.acquire()) {
                cond.waitFor(() -> {
                    checks[0]++;
                    return state[0] == 2;
                });
                assertThat(cond.locked()).isTrue();
            }
        });
        clock.waitAllTasksBlocked();
        for (int i = 1; i <= 2; i++) {
            try (var held = cond.acquire()) {
                state[0] = i;
                cond.signal();
            }
            clock.waitAllTasksBlocked();
        }
        t.await();
        assertThat(checks[0]).isEqualTo(3);
    }

    @Test
    void cancelledAwaitThrowsWithTheLockHeld(TestClock clock) { // test_wait_cancel, test_cancelled_error_re_aquire
        Condition cond = new Condition();
        boolean[] heldOnExit = {false};
        Task<Void> t = Aio.createTask(() -> {
            cond.acquire();
            try {
                cond.await();
            } finally {
                heldOnExit[0] = cond.locked();
                cond.release();
            }
        });
        clock.waitAllTasksBlocked();
        Held mine = cond.acquire(); // the waiter, once cancelled, must wait for this
        t.cancel();
        clock.waitAllTasksBlocked();
        assertThat(t.done()).as("re-acquire waits for the lock").isFalse();
        t.cancel(); // a second cancellation during re-acquire is swallowed until the lock is held
        clock.waitAllTasksBlocked();
        assertThat(t.done()).isFalse();
        mine.close();
        assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
        assertThat(heldOnExit[0]).isTrue();
        assertThat(cond.locked()).isFalse();
        assertThat(cond.waiters()).isZero();
    }

    @Test
    void signalTakenByAWaiterThatIsThenCancelledPassesToAnother(TestClock clock) { // test_cancelled_error_wakeup (3.13)
        Condition cond = new Condition();
        List<String> log = new ArrayList<>();
        Task<Void> a = waiter(cond, log, "a");
        Task<Void> b = waiter(cond, log, "b");
        clock.waitAllTasksBlocked();
        try (var held = cond.acquire()) {
            cond.signal(1); // a is signalled
            a.cancel(); // and cancelled before it could resume
        }
        assertThatThrownBy(a::await).isInstanceOf(CancelledError.class);
        b.await();
        assertThat(log).containsExactly("b");
    }

    @Test
    void timeoutWhileWaitingReturnsWithTheLockHeld() { // test_timeout_in_block
        Condition cond = new Condition();
        boolean[] held = {false};
        boolean finished = Timeout.moveOnAfter(Duration.ofSeconds(1), () -> {
            cond.acquire();
            try {
                cond.await();
            } finally {
                held[0] = cond.locked();
                cond.release();
            }
        });
        assertThat(finished).isFalse();
        assertThat(held[0]).isTrue();
        assertThat(cond.locked()).isFalse();
        assertThat(cond.waiters()).isZero();
    }

    @Test
    void conditionsMayShareALock() { // test_explicit_lock
        Lock lock = new Lock();
        Condition c1 = new Condition(lock);
        Condition c2 = new Condition(lock);
        c1.acquire();
        assertThat(lock.locked()).isTrue();
        assertThat(c2.locked()).isTrue();
        assertThat(c2.lock()).isSameAs(lock);
        c2.release();
        assertThat(c1.locked()).isFalse();
    }

    @Test
    void useFromAnotherLoopIsRefused() {
        Condition cond = new Condition();
        cond.acquire().close();
        assertThat(OtherLoop.failureOn(cond::acquire))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bound to a different event loop");
    }

    @Test
    void toStringShowsStateAndWaiters(TestClock clock) {
        Condition cond = new Condition();
        Task<Void> t = waiter(cond, new ArrayList<>(), "a");
        clock.waitAllTasksBlocked();
        assertThat(cond).hasToString("Condition[unlocked, waiters=1]");
        t.cancel();
        clock.waitAllTasksBlocked();
        assertThat(cond).hasToString("Condition[unlocked, waiters=0]");
    }
}
