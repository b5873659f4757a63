package dev.aio4j.sync;

import static dev.aio4j.sync.Deadlines.cancelAfter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.TimerHandle;
import dev.aio4j.queue.Queue;
import dev.aio4j.test.AioTest;
import dev.aio4j.test.contract.LockLike;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Randomized runs with many tasks, random cancellations and random deadlines, on virtual time.
 * Every run is seeded; a failure names its seed. The seed count grows with
 * {@code -Daio4j.stress.seeds=N}.
 */
@AioTest(virtualTime = true, timeoutSeconds = 120)
class SyncStressTest {

    private static final int SEEDS = Integer.getInteger("aio4j.stress.seeds", 20);
    private static final int TASKS = 200;

    // ------------------------------------------------------------------ lock-like primitives

    /** What one seeded run of a lock-like primitive observed. */
    private record Observed(
            int maxInside, List<Integer> acquisitionOrder, boolean lockedAtEnd, int finished, int cancelled) {}

    /** One seeded run on the running loop; every task it starts has ended when it returns. */
    private static Observed hammer(long seed, Supplier<LockLike> factory) {
        Random rnd = new Random(seed);
        LockLike lock = factory.get();
        int[] inside = {0, 0};
        int[] nextSeq = {0};
        List<Integer> order = new ArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        List<TimerHandle> cancellers = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            int startMs = rnd.nextInt(20);
            int holdMs = rnd.nextInt(3);
            int rounds = 1 + rnd.nextInt(3);
            Task<Void> t = Aio.createTask(() -> {
                Aio.sleep(Duration.ofMillis(startMs));
                for (int r = 0; r < rounds; r++) { // acquiring right after a release tempts barging
                    int seq = nextSeq[0]++;
                    lock.acquire();
                    order.add(seq); // no wait between acquire returning and this line
                    try {
                        inside[0]++;
                        inside[1] = Math.max(inside[1], inside[0]);
                        Aio.sleep(Duration.ofMillis(holdMs));
                    } finally {
                        inside[0]--;
                        lock.release();
                    }
                }
            });
            tasks.add(t);
            if (rnd.nextInt(4) == 0) {
                cancellers.add(cancelAfter(t, Duration.ofMillis(rnd.nextInt(60))));
            }
        }
        int finished = 0;
        int cancelled = 0;
        for (Task<Void> t : tasks) {
            try {
                t.await();
                finished++;
            } catch (CancelledError e) {
                cancelled++;
            }
        }
        for (TimerHandle c : cancellers) {
            c.cancel();
        }
        return new Observed(inside[1], order, lock.locked(), finished, cancelled);
    }

    private static void checkLockLike(String name, int permits, Supplier<LockLike> factory) {
        LockLike probe = factory.get();
        for (long seed = 1; seed <= SEEDS; seed++) {
            Observed o = hammer(seed, factory);
            String where = name + " seed " + seed;
            assertThat(o.maxInside()).as(where + ": holders at once").isBetween(1, permits);
            assertThat(o.lockedAtEnd()).as(where + ": free at the end").isFalse();
            assertThat(o.finished() + o.cancelled()).as(where).isEqualTo(TASKS);
            assertThat(o.cancelled()).as(where + ": some tasks were cancelled").isPositive();
            assertThat(o.acquisitionOrder())
                    .as(where + ": every task that finished acquired")
                    .hasSizeGreaterThanOrEqualTo(o.finished());
            assertThat(new HashSet<>(o.acquisitionOrder()))
                    .as(where + ": no acquire returned twice")
                    .hasSize(o.acquisitionOrder().size());
            if (probe.noBarging()) {
                assertThat(o.acquisitionOrder())
                        .as(where + ": FIFO among tasks that were not cancelled")
                        .isSorted();
            }
        }
    }

    @Test
    void lockKeepsMutualExclusionAndFifoUnderRandomCancellation() {
        checkLockLike("Lock", 1, () -> LockLike.of(new Lock()));
    }

    @Test
    void semaphoreAdmitsAtMostItsValueInFifoOrderUnderRandomCancellation() {
        checkLockLike("Semaphore(3)", 3, () -> LockLike.of(new Semaphore(3)));
        checkLockLike("Semaphore(1)", 1, () -> LockLike.of(new Semaphore(1)));
    }

    @Test
    void boundedSemaphoreAdmitsAtMostItsValueUnderRandomCancellation() {
        checkLockLike("BoundedSemaphore(2)", 2, () -> LockLike.of(new BoundedSemaphore(2)));
    }

    @Test
    void queueUsedAsASemaphoreAdmitsAtMostItsSlotsUnderRandomCancellation() {
        checkLockLike("Queue(1)", 1, () -> LockLike.of(new Queue<>(1)));
        checkLockLike("Queue(3)", 3, () -> LockLike.of(new Queue<>(3)));
    }

    // ------------------------------------------------------------------ Condition

    @Test
    void conditionLosesNoSignalAndAlwaysReturnsWithTheLockHeld() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            long s = seed;
            Random rnd = new Random(s);
            Condition cond = new Condition();
            int[] stock = {0};
            int[] served = {0};
            int[] unlockedExits = {0};
            List<Task<Void>> consumers = new ArrayList<>();
            List<TimerHandle> deadlines = new ArrayList<>();
            java.util.ArrayDeque<Task<?>> inWait = new java.util.ArrayDeque<>(); // roughly the signal order
            for (int i = 0; i < TASKS; i++) {
                int startMs = rnd.nextInt(10);
                Task<Void> t = Aio.createTask(() -> {
                    Aio.sleep(Duration.ofMillis(startMs));
                    try (var held = cond.acquire()) {
                        inWait.addLast(Aio.currentTask());
                        try {
                            cond.waitFor(() -> stock[0] > 0);
                        } finally {
                            inWait.remove(Aio.currentTask());
                            if (!cond.locked()) {
                                unlockedExits[0]++;
                            }
                        }
                        stock[0]--;
                        served[0]++;
                    }
                });
                consumers.add(t);
                if (rnd.nextInt(4) == 0) {
                    cancelAfter(t, Duration.ofMillis(rnd.nextInt(40)));
                }
            }
            // One item at a time: a signal lost with a cancelled waiter leaves the item unclaimed
            // while live consumers wait, which the check below catches.
            int lostWakeUps = 0;
            for (int i = 0; i < TASKS; i++) {
                Aio.sleep(Duration.ofMillis(rnd.nextInt(2)));
                try (var held = cond.acquire()) {
                    stock[0]++;
                    cond.signal(1);
                    if (rnd.nextInt(3) == 0 && !inWait.isEmpty()) {
                        inWait.peekFirst().cancel(); // most likely the task just signalled
                    }
                }
                for (int spin = 0; spin < 100 && stock[0] > 0 && !inWait.isEmpty(); spin++) {
                    Aio.sleep(Duration.ofMillis(1));
                }
                if (stock[0] > 0 && !inWait.isEmpty()) {
                    lostWakeUps++;
                    try (var held = cond.acquire()) {
                        cond.signalAll(); // recover, to go on counting
                    }
                }
            }
            assertThat(lostWakeUps)
                    .as("seed " + s + ": items left unclaimed while consumers waited")
                    .isZero();
            int cancelled = 0;
            for (Task<Void> t : consumers) {
                boolean done = Timeout.moveOnAfter(Duration.ofHours(1), () -> {
                    try {
                        t.await();
                    } catch (CancelledError e) {
                        if (!t.cancelled()) {
                            throw e;
                        }
                    }
                });
                assertThat(done)
                        .as("seed " + s + ": a consumer hangs while stock is " + stock[0])
                        .isTrue();
                if (t.cancelled()) {
                    cancelled++;
                }
            }
            assertThat(unlockedExits[0]).as("seed " + s).isZero();
            assertThat(served[0]).as("seed " + s).isEqualTo(TASKS - cancelled);
            assertThat(cancelled).as("seed " + s).isPositive();
            assertThat(stock[0]).as("seed " + s).isEqualTo(cancelled);
            assertThat(cond.waiters()).isZero();
            assertThat(cond.locked()).isFalse();
            deadlines.forEach(TimerHandle::cancel);
        }
    }

    // ------------------------------------------------------------------ Event

    @Test
    void eventWakesEveryLiveWaiterUnderRandomCancellationAndClears() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            long s = seed;
            Random rnd = new Random(s);
            Event ev = new Event();
            int[] woken = {0};
            List<Task<Void>> waiters = new ArrayList<>();
            List<TimerHandle> deadlines = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                int startMs = rnd.nextInt(30);
                Task<Void> t = Aio.createTask(() -> {
                    Aio.sleep(Duration.ofMillis(startMs));
                    ev.await();
                    woken[0]++;
                });
                waiters.add(t);
                if (rnd.nextInt(4) == 0) {
                    cancelAfter(t, Duration.ofMillis(rnd.nextInt(40)));
                }
            }
            // toggle: every set wakes those waiting, whatever clear() does right after
            for (int i = 0; i < 20; i++) {
                Aio.sleep(Duration.ofMillis(rnd.nextInt(3)));
                ev.set();
                if (rnd.nextBoolean()) {
                    ev.clear();
                }
            }
            Aio.sleep(Duration.ofMillis(50));
            ev.set();
            int cancelled = 0;
            for (Task<Void> t : waiters) {
                try {
                    t.await();
                } catch (CancelledError e) {
                    cancelled++;
                }
            }
            assertThat(woken[0]).as("seed " + s).isEqualTo(TASKS - cancelled);
            assertThat(ev.waiters()).isZero();
            deadlines.forEach(TimerHandle::cancel);
        }
    }

    // ------------------------------------------------------------------ Barrier

    @Test
    void barrierHandsOutEachIndexOncePerRound() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            long s = seed;
            Random rnd = new Random(s);
            int parties = 2 + rnd.nextInt(7);
            int rounds = 10;
            Barrier barrier = new Barrier(parties);
            List<Set<Integer>> indexes = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                indexes.add(new HashSet<>());
            }
            List<Task<Void>> tasks = new ArrayList<>();
            for (int p = 0; p < parties; p++) {
                long taskSeed = rnd.nextLong();
                tasks.add(Aio.createTask(() -> {
                    Random mine = new Random(taskSeed);
                    for (int r = 0; r < rounds; r++) {
                        Aio.sleep(Duration.ofMillis(mine.nextInt(3)));
                        int index = barrier.await();
                        assertThat(indexes.get(r).add(index)).isTrue();
                    }
                }));
            }
            for (Task<Void> t : tasks) {
                t.await();
            }
            for (Set<Integer> round : indexes) {
                assertThat(round).as("seed " + s).hasSize(parties).allMatch(i -> i >= 0 && i < parties);
            }
            assertThat(barrier.state()).isEqualTo(Barrier.State.FILLING);
        }
    }
}
