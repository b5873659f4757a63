package dev.aio4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.RunOptions;
import dev.aio4j.Task;
import dev.aio4j.TaskStart;
import dev.aio4j.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The one wait queue: FIFO wake-ups, cancelled waiters skipped, the hand-on rule, time limits,
 * and what a parked task records for diagnostics. The primitives' own suites (aio4j-suite's
 * sync and queue tests, the lock-like contract) test the policies built on it.
 */
class WaitQueueTest {

    /** Virtual time: a wake-up that never comes fails the test instead of hanging it. */
    private static final Duration BOUND = Duration.ofSeconds(60);

    private static <T> T run(Callable<T> body) {
        return Aio.run(
                body, RunOptions.defaults().withClock(VirtualClock.autojump()).withSigintHandling(false));
    }

    /** Lets every task run until each one waits. */
    private static void settle() {
        Aio.getRunningLoop().waitAllTasksBlocked();
    }

    /** Starts a task that parks on {@code queue} and then records {@code name}. */
    private static Task<Void> parker(WaitQueue queue, String name, List<String> woke) {
        EventLoop loop = Aio.getRunningLoop();
        return Aio.createTask(() -> {
            queue.park(loop);
            woke.add(name);
        });
    }

    // ------------------------------------------------------------------ waking

    @Test
    void wakesWaitersInTheOrderTheyParked() {
        List<String> woke = run(() -> {
            WaitQueue q = new WaitQueue("owner");
            List<String> order = new ArrayList<>();
            List<Task<Void>> tasks = List.of(parker(q, "a", order), parker(q, "b", order), parker(q, "c", order));
            settle();
            assertThat(q.parked()).isEqualTo(3);
            assertThat(q.unparkOne()).isTrue();
            assertThat(q.unpark(5)).isEqualTo(2);
            assertThat(q.unparkOne()).as("nobody is left to wake").isFalse();
            for (Task<Void> t : tasks) {
                t.awaitWithin(BOUND);
            }
            return order;
        });
        assertThat(woke).containsExactly("a", "b", "c");
    }

    @Test
    void aWokenWaiterCountsUntilItsTaskResumes() {
        run(() -> {
            WaitQueue q = new WaitQueue("owner");
            List<String> woke = new ArrayList<>();
            Task<Void> a = parker(q, "a", woke);
            settle();
            q.unparkAll();
            assertThat(q.size()).isEqualTo(1);
            assertThat(q.parked()).isZero();
            assertThat(q.hasLiveWaiter())
                    .as("woken, not resumed: still has a claim")
                    .isTrue();
            a.awaitWithin(BOUND);
            assertThat(q.size()).isZero();
            assertThat(q.hasLiveWaiter()).isFalse();
            return null;
        });
    }

    @Test
    void aWaiterWhoseTaskWasCancelledIsSkipped() {
        List<String> woke = run(() -> {
            WaitQueue q = new WaitQueue("owner");
            List<String> order = new ArrayList<>();
            Task<Void> a = parker(q, "a", order);
            Task<Void> b = parker(q, "b", order);
            settle();
            a.cancel();
            assertThat(q.hasLiveWaiter()).isTrue();
            assertThat(q.unparkOne()).isTrue(); // b, not the cancelled a
            assertThatThrownBy(a::await).isInstanceOf(CancelledError.class);
            b.awaitWithin(BOUND);
            assertThat(q.size()).isZero();
            return order;
        });
        assertThat(woke).containsExactly("b");
    }

    @Test
    void aTaskThatParksBeforeEarlierWaitersHaveLeftIsWokenOnlyInItsTurn() {
        List<String> woke = run(() -> {
            WaitQueue q = new WaitQueue("owner");
            List<String> order = new ArrayList<>();
            Task<Void> a = parker(q, "a", order);
            Task<Void> b = parker(q, "b", order);
            settle();
            q.unparkOne(); // a is woken and has not resumed
            b.cancel(); // b stays in the queue until it resumes
            EventLoop loop = Aio.getRunningLoop();
            Task<Void> c = Aio.createTask(
                    () -> {
                        q.park(loop); // parks inside createTask, while a and b are still in the queue
                        order.add("c");
                    },
                    "c",
                    TaskStart.EAGER);
            settle(); // a returns and b leaves: neither may disturb c's wait
            assertThat(order).containsExactly("a");
            assertThat(c.done()).isFalse();
            assertThat(q.parked()).isEqualTo(1);
            Task<Void> d = parker(q, "d", order); // parks where a and b have left
            settle();
            assertThat(q.unparkOne()).isTrue();
            settle();
            assertThat(order).containsExactly("a", "c");
            assertThat(q.unparkOne()).isTrue();
            for (Task<Void> t : List.of(a, c, d)) {
                t.awaitWithin(BOUND);
            }
            assertThat(b.cancelled()).isTrue();
            assertThat(q.size()).isZero();
            return order;
        });
        assertThat(woke).containsExactly("a", "c", "d");
    }

    // ------------------------------------------------------------------ the hand-on rule

    @Test
    void aWokenWaiterCancelledBeforeItResumesHandsTheWakeUpOn() {
        List<String> woke = run(() -> {
            int[] handOns = {0};
            WaitQueue[] q = new WaitQueue[1];
            q[0] = new WaitQueue("owner", () -> {
                handOns[0]++;
                q[0].unparkOne();
            });
            List<String> order = new ArrayList<>();
            Task<Void> a = parker(q[0], "a", order);
            Task<Void> b = parker(q[0], "b", order);
            settle();
            q[0].unparkOne(); // wakes a
            a.cancel(); // before a resumes: its wake-up must reach b
            assertThatThrownBy(a::await).isInstanceOf(CancelledError.class);
            b.awaitWithin(BOUND);
            assertThat(handOns[0]).isEqualTo(1);
            assertThat(q[0].size()).isZero();
            return order;
        });
        assertThat(woke).containsExactly("b");
    }

    @Test
    void aWaiterCancelledBeforeAnyWakeUpHandsNothingOn() {
        run(() -> {
            int[] handOns = {0};
            WaitQueue q = new WaitQueue("owner", () -> handOns[0]++);
            Task<Void> a = parker(q, "a", new ArrayList<>());
            settle();
            a.cancel();
            assertThatThrownBy(a::await).isInstanceOf(CancelledError.class);
            assertThat(handOns[0]).isZero();
            assertThat(q.size()).isZero();
            return null;
        });
    }

    @Test
    void aBroadcastQueueHandsNothingOn() {
        List<String> woke = run(() -> {
            WaitQueue q = new WaitQueue("owner");
            List<String> order = new ArrayList<>();
            Task<Void> a = parker(q, "a", order);
            settle();
            q.unparkOne();
            a.cancel();
            Task<Void> late = parker(q, "late", order);
            assertThatThrownBy(a::await).isInstanceOf(CancelledError.class);
            settle();
            assertThat(q.parked()).as("the late waiter got nothing").isEqualTo(1);
            late.cancel();
            assertThatThrownBy(late::await).isInstanceOf(CancelledError.class);
            return order;
        });
        assertThat(woke).isEmpty();
    }

    @Test
    void aStepAfterTheWakeUpThatThrowsHandsTheWakeUpOn() {
        List<String> woke = run(() -> {
            EventLoop loop = Aio.getRunningLoop();
            WaitQueue[] q = new WaitQueue[1];
            q[0] = new WaitQueue("owner", () -> q[0].unparkOne());
            List<String> order = new ArrayList<>();
            Task<Void> a = Aio.createTask(() -> {
                q[0].park(loop, () -> {
                    throw new IllegalStateException("the step after the wake-up failed");
                });
                order.add("a");
            });
            Task<Void> b = parker(q[0], "b", order);
            settle();
            q[0].unparkOne();
            assertThatThrownBy(a::await).isInstanceOf(IllegalStateException.class);
            b.awaitWithin(BOUND);
            return order;
        });
        assertThat(woke).containsExactly("b");
    }

    // ------------------------------------------------------------------ time limits

    @Test
    void parkAtMostReturnsFalseWhenTheTimePassesAndLeavesNoTrace() {
        run(() -> {
            EventLoop loop = Aio.getRunningLoop();
            int[] handOns = {0};
            WaitQueue q = new WaitQueue("owner", () -> handOns[0]++);
            double t0 = loop.time();
            assertThat(q.parkAtMost(loop, Duration.ofSeconds(5))).isFalse();
            assertThat(loop.time() - t0).isGreaterThanOrEqualTo(4.9);
            assertThat(q.size()).isZero();
            assertThat(handOns[0]).isZero();
            Task<Boolean> waiter = Aio.createTask(() -> q.parkAtMost(loop, Duration.ofSeconds(5)));
            settle();
            q.unparkOne();
            assertThat(waiter.await()).isTrue();
            return null;
        });
    }

    // ------------------------------------------------------------------ diagnostics

    @Test
    void aParkedTaskRecordsWhatItWaitsForUntilItResumes() {
        run(() -> {
            EventLoop loop = Aio.getRunningLoop();
            Object owner = "the primitive";
            WaitQueue q = new WaitQueue(owner);
            Strand[] strand = new Strand[1];
            Object[] afterwards = {"unset"};
            Task<Void> t = Aio.createTask(() -> {
                strand[0] = Strand.current();
                q.park(loop);
                afterwards[0] = Strand.current().waitingFor;
            });
            settle();
            assertThat(strand[0].waitingFor).isSameAs(owner);
            q.unparkAll();
            t.awaitWithin(BOUND);
            assertThat(afterwards[0]).isNull();
            assertThat(strand[0].waitingFor).isNull();
            return null;
        });
    }

    @Test
    void aCancelledTaskNoLongerRecordsAWait() {
        run(() -> {
            EventLoop loop = Aio.getRunningLoop();
            WaitQueue q = new WaitQueue("owner");
            Strand[] strand = new Strand[1];
            Task<Void> t = Aio.createTask(() -> {
                strand[0] = Strand.current();
                q.park(loop);
            });
            settle();
            t.cancel();
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
            assertThat(strand[0].waitingFor).isNull();
            return null;
        });
    }
}
