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
class EventTest {

    @Test
    void setWakesEveryWaiterInOrder(TestClock clock) { // test_wait
        Event ev = new Event();
        List<Integer> result = new ArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int k = i;
            tasks.add(Aio.createTask(() -> {
                ev.await();
                result.add(k);
            }));
        }
        clock.waitAllTasksBlocked();
        assertThat(result).isEmpty();
        assertThat(ev.waiters()).isEqualTo(3);
        ev.set();
        for (Task<Void> t : tasks) {
            t.await();
        }
        assertThat(ev.waiters()).isZero();
        assertThat(result).containsExactly(1, 2, 3);
    }

    @Test
    void waitOnASetEventReturnsAtOnce() { // test_wait_on_set
        Event ev = new Event();
        ev.set();
        ev.await();
        assertThat(ev.isSet()).isTrue();
        assertThat(ev.waiters()).isZero();
    }

    @Test
    void waitersWokenBySetReturnEvenIfClearRunsBeforeTheyResume(TestClock clock) { // test_clear_with_waiters
        Event ev = new Event();
        List<String> result = new ArrayList<>();
        Task<Void> t = Aio.createTask(() -> {
            ev.await();
            result.add("woke");
        });
        clock.waitAllTasksBlocked();
        ev.set();
        ev.clear();
        assertThat(ev.isSet()).isFalse();
        ev.set();
        ev.set();
        assertThat(ev.waiters()).isEqualTo(1);
        t.await();
        assertThat(result).containsExactly("woke");
        assertThat(ev.waiters()).isZero();
    }

    @Test
    void clearMakesLaterWaitersWait() { // test_clear
        Event ev = new Event();
        ev.set();
        ev.clear();
        assertThat(Timeout.moveOnAfter(Duration.ofSeconds(1), ev::await)).isFalse();
    }

    @Test
    void cancelledWaiterLeavesNoTraceAndOthersStillWake(TestClock clock) { // test_wait_cancel
        Event ev = new Event();
        Task<Void> a = Aio.createTask(ev::await);
        Task<Void> b = Aio.createTask(ev::await);
        clock.waitAllTasksBlocked();
        a.cancel();
        assertThatThrownBy(a::await).isInstanceOf(CancelledError.class);
        assertThat(ev.waiters()).isEqualTo(1);
        ev.set();
        b.await();
        assertThat(ev.waiters()).isZero();
    }

    @Test
    void timedOutWaiterLeavesNoTrace() {
        Event ev = new Event();
        assertThat(Timeout.moveOnAfter(Duration.ofMillis(10), ev::await)).isFalse();
        assertThat(ev.waiters()).isZero();
    }

    @Test
    void useFromAnotherLoopOrAThreadWithoutLoopIsRefused() {
        Event ev = new Event();
        ev.set();
        assertThat(OtherLoop.failureOn(ev::clear))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bound to a different event loop");
        assertThat(OtherLoop.failureOffLoop(ev::set)).isInstanceOf(WrongThreadException.class);
        assertThat(ev.isSet()).isTrue();
    }

    @Test
    void toStringShowsStateAndWaiters(TestClock clock) {
        Event ev = new Event();
        Aio.createTask(ev::await);
        clock.waitAllTasksBlocked();
        assertThat(ev).hasToString("Event[unset, waiters=1]");
        ev.set();
        assertThat(ev).hasToString("Event[set, waiters=1]");
        clock.waitAllTasksBlocked();
        assertThat(ev).hasToString("Event[set, waiters=0]");
    }
}
