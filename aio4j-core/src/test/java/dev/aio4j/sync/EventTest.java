package dev.aio4j.sync;

import static dev.aio4j.sync.SyncTesting.runVirtual;
import static dev.aio4j.sync.SyncTesting.settle;
import static dev.aio4j.sync.SyncTesting.withDeadline;
import static dev.aio4j.sync.SyncTesting.yieldNow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken primitive hangs rather than fails
class EventTest {

    @Test
    void setWakesEveryWaiterInOrder() { // test_wait
        List<Integer> order = runVirtual(() -> {
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
            yieldNow();
            assertThat(result).isEmpty();
            assertThat(ev.waiters()).isEqualTo(3);
            ev.set();
            for (Task<Void> t : tasks) {
                t.await();
            }
            assertThat(ev.waiters()).isZero();
            return result;
        });
        assertThat(order).containsExactly(1, 2, 3);
    }

    @Test
    void waitOnASetEventReturnsAtOnce() { // test_wait_on_set
        runVirtual(() -> {
            Event ev = new Event();
            ev.set();
            ev.await();
            assertThat(ev.isSet()).isTrue();
            assertThat(ev.waiters()).isZero();
        });
    }

    @Test
    void waitersWokenBySetReturnEvenIfClearRunsBeforeTheyResume() { // test_clear_with_waiters
        runVirtual(() -> {
            Event ev = new Event();
            List<String> result = new ArrayList<>();
            Task<Void> t = Aio.createTask(() -> {
                ev.await();
                result.add("woke");
            });
            yieldNow();
            ev.set();
            ev.clear();
            assertThat(ev.isSet()).isFalse();
            ev.set();
            ev.set();
            assertThat(ev.waiters()).isEqualTo(1);
            t.await();
            assertThat(result).containsExactly("woke");
            assertThat(ev.waiters()).isZero();
        });
    }

    @Test
    void clearMakesLaterWaitersWait() { // test_clear
        runVirtual(() -> {
            Event ev = new Event();
            ev.set();
            ev.clear();
            assertThat(withDeadline(Duration.ofSeconds(1), ev::await)).isFalse();
        });
    }

    @Test
    void cancelledWaiterLeavesNoTraceAndOthersStillWake() { // test_wait_cancel
        runVirtual(() -> {
            Event ev = new Event();
            Task<Void> a = Aio.createTask(ev::await);
            Task<Void> b = Aio.createTask(ev::await);
            yieldNow();
            a.cancel();
            assertThatThrownBy(a::await).isInstanceOf(CancelledError.class);
            assertThat(ev.waiters()).isEqualTo(1);
            ev.set();
            b.await();
            assertThat(ev.waiters()).isZero();
        });
    }

    @Test
    void timedOutWaiterLeavesNoTrace() {
        runVirtual(() -> {
            Event ev = new Event();
            assertThat(withDeadline(Duration.ofMillis(10), ev::await)).isFalse();
            assertThat(ev.waiters()).isZero();
        });
    }

    @Test
    void useFromAnotherLoopOrAThreadWithoutLoopIsRefused() {
        Event ev = new Event();
        runVirtual(ev::set);
        assertThatThrownBy(() -> runVirtual(ev::clear)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bound to a different event loop");
        assertThatThrownBy(ev::set).isInstanceOf(WrongThreadException.class);
        assertThat(ev.isSet()).isTrue();
    }

    @Test
    void toStringShowsStateAndWaiters() {
        runVirtual(() -> {
            Event ev = new Event();
            Aio.createTask(ev::await);
            settle(2);
            assertThat(ev).hasToString("Event[unset, waiters=1]");
            ev.set();
            assertThat(ev).hasToString("Event[set, waiters=1]");
            settle(2);
            assertThat(ev).hasToString("Event[set, waiters=0]");
        });
    }
}
