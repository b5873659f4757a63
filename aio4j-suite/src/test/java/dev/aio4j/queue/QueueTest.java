package dev.aio4j.queue;

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
class QueueTest {

    // ------------------------------------------------------------------ get and put with a timeout

    @Test
    void getWithATimeoutReturnsAnItemThatArrivesInTimeAndElseRaisesTimeoutError() {
        Queue<Integer> q = new Queue<>();
        Aio.getRunningLoop().callLater(Duration.ofMillis(50), () -> q.putNowait(7));
        assertThat(q.getWithin(Duration.ofMillis(100))).isEqualTo(7);
        double start = Aio.getRunningLoop().time();
        assertThatThrownBy(() -> q.getWithin(Duration.ofMillis(100))).isInstanceOf(dev.aio4j.TimeoutError.class);
        assertThat(Aio.getRunningLoop().time() - start).isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(q.getters()).isZero();
        q.putNowait(8); // nothing was taken by the timed-out getter
        assertThat(q.getNowait()).isEqualTo(8);
    }

    @Test
    void putOnAShutDownQueueNamesPut() {
        Queue<Integer> q = new Queue<>();
        q.shutdown();
        assertThatThrownBy(() -> q.put(1))
                .isInstanceOf(QueueShutDownException.class)
                .hasMessageStartingWith("put() on a shut-down");
    }

    @Test
    void putWithATimeoutPutsWhenRoomAppearsAndElseRaisesTimeoutErrorWithoutPutting() {
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(1);
        assertThatThrownBy(() -> q.putWithin(2, Duration.ofMillis(100))).isInstanceOf(dev.aio4j.TimeoutError.class);
        assertThat(q.qsize()).isEqualTo(1);
        assertThat(q.putters()).isZero();
        Aio.getRunningLoop().callLater(Duration.ofMillis(50), q::getNowait);
        q.putWithin(3, Duration.ofMillis(100));
        assertThat(q.getNowait()).isEqualTo(3);
    }

    // ------------------------------------------------------------------ sizes and immediate operations

    @Test
    void sizesFollowPutsAndGets() { // test_maxsize, test_empty, test_full
        Queue<Integer> q = new Queue<>(2);
        assertThat(q.maxsize()).isEqualTo(2);
        assertThat(q.empty()).isTrue();
        q.putNowait(1);
        q.putNowait(2);
        assertThat(q.qsize()).isEqualTo(2);
        assertThat(q.full()).isTrue();
        assertThat(q.getNowait()).isEqualTo(1);
        assertThat(q.full()).isFalse();
    }

    @Test
    void unboundedQueueIsNeverFull() { // test_nonblocking_put with maxsize 0 and below
        for (int maxsize : new int[] {0, -1}) {
            Queue<Integer> q = new Queue<>(maxsize);
            for (int i = 0; i < 1000; i++) {
                q.putNowait(i);
            }
            assertThat(q.full()).isFalse();
        }
    }

    @Test
    void putNowaitOnAFullQueueThrowsQueueFull() { // test_nonblocking_put_exception
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(1);
        assertThatThrownBy(() -> q.putNowait(2))
                .isInstanceOf(QueueFullException.class)
                .hasMessage("putNowait() on a full Queue[maxsize=1, size=1, getters=0, putters=0, unfinished=1]");
    }

    @Test
    void getNowaitOnAnEmptyQueueThrowsQueueEmpty() { // test_nonblocking_get_exception
        Queue<Integer> q = new Queue<>();
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmptyException.class);
    }

    @Test
    void nullItemsAreRefused() {
        Queue<Integer> q = new Queue<>();
        assertThatThrownBy(() -> q.putNowait(null)).isInstanceOf(NullPointerException.class);
    }

    // ------------------------------------------------------------------ waiting

    @Test
    void getWaitsForAPut(TestClock clock) { // test_blocking_get_wait
        Queue<String> q = new Queue<>();
        Task<String> getter = Aio.createTask(q::get);
        clock.waitAllTasksBlocked();
        assertThat(getter.done()).isFalse();
        assertThat(q.getters()).isEqualTo(1);
        q.putNowait("x");
        assertThat(getter.await()).isEqualTo("x");
    }

    @Test
    void putWaitsWhileFull(TestClock clock) { // test_blocking_put_wait
        Queue<Integer> q = new Queue<>(1);
        q.put(1);
        Task<Void> putter = Aio.createTask(() -> q.put(2));
        clock.waitAllTasksBlocked();
        assertThat(putter.done()).isFalse();
        assertThat(q.putters()).isEqualTo(1);
        assertThat(q.get()).isEqualTo(1);
        putter.await();
        assertThat(q.getNowait()).isEqualTo(2);
    }

    @Test
    void waitingGettersAreServedInOrder(TestClock clock) { // test_get_with_putters, FIFO getters
        Queue<Integer> q = new Queue<>();
        List<String> log = new ArrayList<>();
        List<Task<Void>> getters = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            getters.add(Aio.createTask(() -> {
                log.add(name + q.get());
            }));
        }
        clock.waitAllTasksBlocked();
        q.putNowait(1);
        q.putNowait(2);
        q.putNowait(3);
        for (Task<Void> t : getters) {
            t.await();
        }
        assertThat(log).containsExactly("a1", "b2", "c3");
    }

    // ------------------------------------------------------------------ cancellation

    @Test
    void cancelledGetterLeavesNoTraceAndLosesNoItem(
            TestClock clock) { // test_get_cancelled, test_cancelled_getters_not_being_held_in_self_getters
        Queue<Integer> q = new Queue<>();
        Task<Integer> getter = Aio.createTask(q::get);
        clock.waitAllTasksBlocked();
        getter.cancel();
        assertThatThrownBy(getter::await).isInstanceOf(CancelledError.class);
        assertThat(q.getters()).isZero();
        q.putNowait(1);
        assertThat(q.qsize()).isEqualTo(1);
    }

    @Test
    void getterCancelledAfterBeingWokenPassesTheItemToTheNext(TestClock clock) { // test_get_cancelled_race
        Queue<String> q = new Queue<>();
        Task<String> a = Aio.createTask(q::get);
        Task<String> b = Aio.createTask(q::get);
        clock.waitAllTasksBlocked();
        q.putNowait("item"); // wakes a
        a.cancel(); // before a resumes
        assertThatThrownBy(a::await).isInstanceOf(CancelledError.class);
        assertThat(b.await()).isEqualTo("item");
        assertThat(q.getters()).isZero();
    }

    @Test
    void putterCancelledAfterBeingWokenPassesTheSlotToTheNext(TestClock clock) { // test_put_cancelled_race
        Queue<String> q = new Queue<>(1);
        q.putNowait("first");
        Task<Void> a = Aio.createTask(() -> q.put("a"));
        Task<Void> b = Aio.createTask(() -> q.put("b"));
        clock.waitAllTasksBlocked();
        assertThat(q.getNowait()).isEqualTo("first"); // wakes a
        a.cancel(); // before a resumes
        assertThatThrownBy(a::await).isInstanceOf(CancelledError.class);
        b.await();
        assertThat(q.getNowait()).isEqualTo("b");
        assertThat(q.putters()).isZero();
        assertThat(q.unfinished()).isEqualTo(2);
    }

    @Test
    void gettersDoNotWaitWhileItemsAreAvailable() { // test_why_are_getters_waiting
        Queue<Integer> q = new Queue<>(2);
        List<Integer> got = new ArrayList<>();
        List<Task<Void>> consumers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            consumers.add(Aio.createTask(() -> {
                got.add(q.get());
            }));
        }
        Task<Void> producer = Aio.createTask(() -> {
            for (int i = 0; i < 3; i++) {
                q.put(i);
            }
        });
        producer.await();
        for (Task<Void> t : consumers) {
            t.await();
        }
        assertThat(got).containsExactly(0, 1, 2);
        assertThat(q.getters()).isZero();
    }

    @Test
    void timedOutPutterLeavesNoTraceAndItsItemIsNotPut() {
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(1);
        assertThat(Timeout.moveOnAfter(Duration.ofSeconds(1), () -> q.put(2))).isFalse();
        assertThat(q.putters()).isZero();
        assertThat(q.qsize()).isEqualTo(1);
        assertThat(q.unfinished()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ taskDone and join

    @Test
    void taskDoneMoreOftenThanPutsIsAnError() { // test_task_done_underflow
        Queue<Integer> q = new Queue<>();
        assertThatThrownBy(q::taskDone)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("taskDone() called too many times on Queue[");
    }

    @Test
    void joinReturnsWhenTheLastItemIsMarkedDone(TestClock clock) { // test_task_done, test_join_empty_queue
        Queue<Integer> q = new Queue<>();
        q.join(); // nothing unfinished: returns at once
        for (int i = 0; i < 3; i++) {
            q.putNowait(i);
        }
        Task<Void> joiner = Aio.createTask(q::join);
        for (int i = 0; i < 3; i++) {
            q.getNowait();
            clock.waitAllTasksBlocked();
            assertThat(joiner.done()).isFalse();
            if (i < 2) {
                q.taskDone();
            }
        }
        clock.waitAllTasksBlocked();
        assertThat(joiner.done()).isFalse();
        q.taskDone();
        joiner.await();
        assertThat(q.unfinished()).isZero();
    }

    // ------------------------------------------------------------------ shutdown (3.13)

    @Test
    void putsFailAfterShutdownAndBlockedPuttersAreWoken(TestClock clock) { // test_shutdown_empty, test_shutdown_putter
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(1);
        Task<Void> putter = Aio.createTask(() -> q.put(2));
        clock.waitAllTasksBlocked();
        q.shutdown();
        assertThatThrownBy(putter::await).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.putNowait(3)).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.put(3)).isInstanceOf(QueueShutDownException.class);
        assertThat(q.isShutdown()).isTrue();
    }

    @Test
    void getsDrainTheItemsLeftAfterAGracefulShutdownThenFail() { // test_shutdown_nonempty
        Queue<Integer> q = new Queue<>();
        q.putNowait(1);
        q.putNowait(2);
        q.shutdown();
        assertThat(q.get()).isEqualTo(1);
        assertThat(q.getNowait()).isEqualTo(2);
        assertThatThrownBy(q::get).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(q::getNowait).as("not QueueEmpty").isInstanceOf(QueueShutDownException.class);
    }

    @Test
    void blockedGettersFailOnShutdown(TestClock clock) { // test_shutdown_getter
        Queue<Integer> q = new Queue<>();
        Task<Integer> getter = Aio.createTask(q::get);
        clock.waitAllTasksBlocked();
        q.shutdown();
        assertThatThrownBy(getter::await).isInstanceOf(QueueShutDownException.class);
        assertThat(q.getters()).isZero();
    }

    @Test
    void immediateShutdownDropsItemsAndLetsJoinReturn(
            TestClock clock) { // test_shutdown_immediate, test_shutdown_immediate_with_unfinished
        Queue<Integer> q = new Queue<>();
        q.putNowait(1);
        q.putNowait(2);
        q.putNowait(3);
        q.getNowait(); // taken but not marked done
        Task<Void> joiner = Aio.createTask(q::join);
        clock.waitAllTasksBlocked();
        q.shutdown(true);
        assertThat(q.empty()).isTrue();
        assertThat(q.unfinished()).isEqualTo(1);
        clock.waitAllTasksBlocked();
        assertThat(joiner.done()).as("one taken item is still unfinished").isFalse();
        q.taskDone();
        joiner.await();
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDownException.class);
    }

    @Test
    void aSecondShutdownMayEscalateToImmediate() {
        Queue<Integer> q = new Queue<>();
        q.putNowait(1);
        q.shutdown(false);
        assertThat(q.qsize()).isEqualTo(1);
        q.shutdown(true);
        assertThat(q.qsize()).isZero();
        assertThat(q.unfinished()).isZero();
        q.join();
    }

    // ------------------------------------------------------------------ iteration

    @Test
    void forEachEndsWhenTheQueueIsShutDownAndEmpty() {
        Queue<Integer> q = new Queue<>(2);
        Aio.createTask(() -> {
            for (int i = 0; i < 5; i++) {
                q.put(i);
            }
            q.shutdown();
        });
        List<Integer> result = new ArrayList<>();
        for (int item : q) {
            result.add(item);
            q.taskDone();
        }
        q.join();
        assertThat(result).containsExactly(0, 1, 2, 3, 4);
    }

    // ------------------------------------------------------------------ loop binding and state

    @Test
    void useFromAnotherLoopOrAThreadWithoutLoopIsRefused() {
        Queue<Integer> q = new Queue<>();
        q.putNowait(1);
        assertThat(OtherLoop.failureOn(q::getNowait))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bound to a different event loop");
        assertThat(OtherLoop.failureOffLoop(q::getNowait)).isInstanceOf(WrongThreadException.class);
        assertThat(q.qsize()).isEqualTo(1);
    }

    @Test
    void toStringShowsSizesWaitersAndShutdown(TestClock clock) {
        Queue<Integer> q = new Queue<>(3);
        Task<Integer> getter = Aio.createTask(q::get);
        clock.waitAllTasksBlocked();
        assertThat(q).hasToString("Queue[maxsize=3, size=0, getters=1, putters=0, unfinished=0]");
        q.shutdown();
        assertThat(q).hasToString("Queue[maxsize=3, size=0, getters=0, putters=0, unfinished=0, shutdown]");
        assertThatThrownBy(getter::await).isInstanceOf(QueueShutDownException.class);
    }
}
