package dev.aio4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Task;
import dev.aio4j.test.AioTest;
import dev.aio4j.test.TestClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class BarrierTest {

    private static List<Task<Integer>> arrive(Barrier barrier, int n) {
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(Aio.createTask(barrier::await));
        }
        return tasks;
    }

    @Test
    void partiesBelowOneAreRefused() { // test_barrier_parties
        assertThatThrownBy(() -> new Barrier(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parties < 1: 0");
    }

    @Test
    void lastArrivalReleasesEveryoneWithDistinctIndexes(
            TestClock clock) { // test_wait_more, test_filling_tasks_wait_twice
        Barrier barrier = new Barrier(3);
        List<Task<Integer>> tasks = arrive(barrier, 2);
        clock.waitAllTasksBlocked();
        assertThat(barrier.waiting()).isEqualTo(2);
        assertThat(tasks).noneMatch(Task::done);
        int last = barrier.await();
        assertThat(last).isEqualTo(2);
        List<Integer> indexes = new ArrayList<>();
        for (Task<Integer> t : tasks) {
            indexes.add(t.await());
        }
        assertThat(indexes).containsExactly(0, 1);
        assertThat(barrier.state()).isEqualTo(Barrier.State.FILLING);
        assertThat(barrier.waiting()).isZero();
        // and the barrier serves a second round
        List<Task<Integer>> again = arrive(barrier, 3);
        for (Task<Integer> t : again) {
            t.await();
        }
    }

    @Test
    void arrivalsWhileDrainingWaitForTheNextRound(TestClock clock) { // test_blocking_tasks_while_draining
        Barrier barrier = new Barrier(2);
        Task<Integer> a = Aio.createTask(barrier::await);
        clock.waitAllTasksBlocked();
        Barrier.State[] stateOnArrival = {null};
        Task<Integer> b = Aio.createTask(() -> {
            barrier.await(); // the last arrival: releases the round
            // No wait since, so `a` has not left yet: this arrival comes while the barrier drains.
            stateOnArrival[0] = barrier.state();
            return barrier.await();
        });
        clock.waitAllTasksBlocked();
        assertThat(stateOnArrival[0]).isEqualTo(Barrier.State.DRAINING);
        assertThat(a.done()).isTrue();
        assertThat(b.done())
                .as("an arrival while draining waits for the next round")
                .isFalse();
        assertThat(barrier.waiting()).isEqualTo(1);
        assertThat(barrier.await()).isEqualTo(1);
        assertThat(b.await()).isZero();
    }

    @Test
    void cancelledWaiterLeavesTheCount(TestClock clock) { // test_filling_tasks_cancel_one
        Barrier barrier = new Barrier(3);
        List<Task<Integer>> tasks = arrive(barrier, 2);
        clock.waitAllTasksBlocked();
        tasks.get(0).cancel();
        assertThatThrownBy(tasks.get(0)::await).isInstanceOf(CancelledError.class);
        clock.waitAllTasksBlocked();
        assertThat(barrier.waiting()).isEqualTo(1);
        Task<Integer> third = Aio.createTask(barrier::await);
        clock.waitAllTasksBlocked();
        assertThat(third.done()).isFalse();
        assertThat(barrier.await()).isEqualTo(2);
        // indexes follow the count, so the survivor and the newcomer share 1, as in asyncio
        assertThat(tasks.get(1).await()).isEqualTo(1);
        assertThat(third.await()).isEqualTo(1);
    }

    @Test
    void resetBreaksCurrentWaitersAndFillsAgain(TestClock clock) { // test_reset_barrier_while_tasks_waiting
        Barrier barrier = new Barrier(3);
        List<Task<Integer>> tasks = arrive(barrier, 2);
        clock.waitAllTasksBlocked();
        barrier.reset();
        for (Task<Integer> t : tasks) {
            assertThatThrownBy(t::await).isInstanceOf(BrokenBarrierException.class);
        }
        clock.waitAllTasksBlocked();
        assertThat(barrier.state()).isEqualTo(Barrier.State.FILLING);
        assertThat(barrier.broken()).isFalse();
        List<Task<Integer>> next = arrive(barrier, 3);
        for (Task<Integer> t : next) {
            t.await();
        }
    }

    @Test
    void abortBreaksWaitersAndLaterArrivalsUntilReset(TestClock clock) { // test_abort_barrier, test_abort_and_reset
        Barrier barrier = new Barrier(3);
        List<Task<Integer>> tasks = arrive(barrier, 2);
        clock.waitAllTasksBlocked();
        barrier.abort();
        assertThat(barrier.broken()).isTrue();
        for (Task<Integer> t : tasks) {
            assertThatThrownBy(t::await).isInstanceOf(BrokenBarrierException.class);
        }
        assertThatThrownBy(barrier::await)
                .isInstanceOf(BrokenBarrierException.class)
                .hasMessageContaining("aborted");
        assertThat(barrier).hasToString("Barrier[broken]");
        barrier.reset();
        assertThat(barrier.broken()).isFalse();
        List<Task<Integer>> next = arrive(barrier, 3);
        for (Task<Integer> t : next) {
            t.await();
        }
    }

    @Test
    void toStringShowsStateAndWaiters(TestClock clock) {
        Barrier barrier = new Barrier(3);
        Task<Integer> waiter = arrive(barrier, 1).get(0);
        clock.waitAllTasksBlocked();
        assertThat(barrier).hasToString("Barrier[filling, waiters=1/3]");
        barrier.abort();
        assertThatThrownBy(waiter::await).isInstanceOf(BrokenBarrierException.class);
    }
}
