package dev.aio4j.queue;

import static dev.aio4j.sync.Deadlines.cancelAfter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.TimerHandle;
import dev.aio4j.test.AioTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Randomized producer/consumer runs with random cancellations and deadlines, on virtual time,
 * and the 1,000 x 1,000 run. Every run is seeded; a failure names its seed. The seed count
 * grows with {@code -Daio4j.stress.seeds=N}.
 */
@AioTest(virtualTime = true, timeoutSeconds = 300)
class QueueStressTest {

    private static final int SEEDS = Integer.getInteger("aio4j.stress.seeds", 20);

    /** Unwraps a task's end: true if it finished, false if it was cancelled. */
    private static boolean finished(Task<?> t) {
        try {
            t.await();
            return true;
        } catch (CancelledError e) {
            return false;
        }
    }

    private static void hammer(String name, IntFunction<Queue<Integer>> factory) {
        for (long seed = 1; seed <= SEEDS; seed++) {
            long s = seed;
            String where = name + " seed " + s;
            Random rnd = new Random(s);
            Queue<Integer> q = factory.apply(1 + rnd.nextInt(4));
            // Busy seeds (odd) keep the queue full; sparse seeds (even) keep consumers waiting
            // for a few slow producers, so a lost wake-up is not hidden by the next put.
            boolean sparse = s % 2 == 0;
            int producerCount = sparse ? 3 : 30;
            int consumerCount = sparse ? 12 : 40;
            int gapMs = sparse ? 4 + rnd.nextInt(6) : 1 + rnd.nextInt(4);
            int workMs = sparse ? 1 : 1 + rnd.nextInt(3);
            Set<Integer> put = new HashSet<>();
            List<Integer> got = new ArrayList<>();
            int[] done = {0};
            int[] joinSawDone = {-1};
            int[] nextItem = {0};
            java.util.ArrayDeque<Task<?>> inGet = new java.util.ArrayDeque<>(); // roughly the wake order
            int[] alive = {consumerCount}; // producers stop cancelling consumers near the end
            List<Task<Void>> producers = new ArrayList<>();
            List<TimerHandle> deadlines = new ArrayList<>();
            List<Task<Void>> consumers = new ArrayList<>();
            for (int p = 0; p < producerCount; p++) {
                int count = sparse ? 20 + rnd.nextInt(20) : 1 + rnd.nextInt(10);
                long taskSeed = rnd.nextLong();
                Task<Void> t = Aio.createTask(() -> {
                    Random mine = new Random(taskSeed);
                    for (int i = 0; i < count; i++) {
                        int item = nextItem[0]++;
                        if (mine.nextInt(5) == 0) {
                            // a put with its own deadline: cut off, the item must not appear
                            if (Timeout.moveOnAfter(Duration.ofMillis(mine.nextInt(3)), () -> q.put(item))) {
                                put.add(item);
                            }
                        } else {
                            q.put(item);
                            put.add(item); // no wait between put returning and this line
                            if (mine.nextInt(sparse ? 4 : 8) == 0 && !inGet.isEmpty() && alive[0] > 4) {
                                inGet.peekFirst().cancel(); // most likely the getter just woken
                            }
                        }
                        Aio.sleep(Duration.ofMillis(mine.nextInt(gapMs)));
                    }
                });
                producers.add(t);
                if (rnd.nextInt(5) == 0) {
                    deadlines.add(cancelAfter(t, Duration.ofMillis(rnd.nextInt(30))));
                }
            }
            for (int c = 0; c < consumerCount; c++) {
                long taskSeed = rnd.nextLong();
                Task<Void> t = Aio.createTask(() -> {
                    try {
                        Random mine = new Random(taskSeed);
                        while (true) {
                            int item;
                            inGet.addLast(Aio.currentTask());
                            try {
                                item = q.get();
                            } catch (QueueShutDownException e) {
                                return;
                            } finally {
                                inGet.remove(Aio.currentTask());
                            }
                            got.add(item); // no wait between get returning and this line
                            try {
                                Aio.sleep(Duration.ofMillis(mine.nextInt(workMs))); // processing
                            } finally {
                                done[0]++;
                                q.taskDone();
                            }
                        }
                    } finally {
                        alive[0]--;
                    }
                });
                consumers.add(t);
                if (rnd.nextInt(4) == 0) {
                    deadlines.add(cancelAfter(t, Duration.ofMillis(rnd.nextInt(40))));
                }
            }
            // At half-millisecond instants no other timer is due, so the loop got there by a
            // jump: every task was waiting. Then no getter may wait while an item is there, and
            // no putter while a slot is free (a lost wake-up).
            int[] lostWakeUps = {0};
            boolean[] stop = {false};
            Task<Void> monitor = Aio.createTask(() -> {
                Aio.sleep(Duration.ofNanos(500_000));
                while (!stop[0]) {
                    if ((!q.empty() && q.getters() > 0) || (!q.full() && q.putters() > 0)) {
                        lostWakeUps[0]++;
                    }
                    Aio.sleep(Duration.ofMillis(1));
                }
            });
            int producersCancelled = 0;
            for (Task<Void> t : producers) {
                boolean[] ok = {false};
                boolean ended = Timeout.moveOnAfter(Duration.ofSeconds(20), () -> {
                    ok[0] = finished(t);
                });
                assertThat(ended).as(where + ": a producer hangs: " + q).isTrue();
                producersCancelled += ok[0] ? 0 : 1;
            }
            Task<Void> joiner = Aio.createTask(() -> {
                q.join();
                joinSawDone[0] = done[0];
            });
            // consumers may all have been cancelled: a last one drains what is left
            Task<Void> sweeper = Aio.createTask(() -> {
                for (int item : q) {
                    got.add(item);
                    done[0]++;
                    q.taskDone();
                }
            });
            assertThat(Timeout.moveOnAfter(Duration.ofSeconds(20), () -> {
                        joiner.await();
                    }))
                    .as(where + ": join returns")
                    .isTrue();
            assertThat(joinSawDone[0])
                    .as(where + ": join returns exactly when the last taskDone is called")
                    .isEqualTo(put.size());
            stop[0] = true;
            monitor.await();
            assertThat(lostWakeUps[0])
                    .as(where + ": waiters left waiting while they could go on")
                    .isZero();
            q.shutdown();
            for (Task<Void> t : consumers) {
                finished(t);
            }
            sweeper.await();
            assertThat(got)
                    .as(where + ": every item put is got once")
                    .hasSameSizeAs(put)
                    .containsExactlyInAnyOrderElementsOf(put);
            assertThat(q.getters()).as(where).isZero();
            assertThat(q.putters()).as(where).isZero();
            assertThat(q.unfinished()).as(where).isZero();
            assertThat(producersCancelled + put.size())
                    .as(where + ": the run did something")
                    .isPositive();
            deadlines.forEach(TimerHandle::cancel);
        }
    }

    @Test
    void queueLosesAndDuplicatesNoItemUnderRandomCancellation() {
        hammer("Queue", Queue::new);
    }

    @Test
    void priorityQueueLosesAndDuplicatesNoItemUnderRandomCancellation() {
        hammer("PriorityQueue", PriorityQueue::new);
    }

    @Test
    void lifoQueueLosesAndDuplicatesNoItemUnderRandomCancellation() {
        hammer("LifoQueue", LifoQueue::new);
    }

    @Test
    void immediateShutdownAmidRandomTrafficLeavesNoWaiterBehind() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            long s = seed;
            Random rnd = new Random(s);
            Queue<Integer> q = new Queue<>(1 + rnd.nextInt(3));
            Set<Integer> put = new HashSet<>();
            List<Integer> got = new ArrayList<>();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int p = 0; p < 20; p++) {
                int base = p * 1000;
                tasks.add(Aio.createTask(() -> {
                    for (int i = 0; i < 500; i++) {
                        q.put(base + i); // ends with QueueShutDownException, or after 500
                        put.add(base + i);
                    }
                }));
                tasks.add(Aio.createTask(() -> {
                    while (true) {
                        got.add(q.get()); // ends with QueueShutDownException
                        q.taskDone();
                    }
                }));
            }
            int yields = rnd.nextInt(200); // the traffic never lets virtual time move: count yields
            for (int i = 0; i < yields; i++) {
                Aio.sleep(Duration.ZERO);
            }
            q.shutdown(true);
            for (Task<Void> t : tasks) {
                try {
                    t.await();
                } catch (QueueShutDownException expected) {
                    // the end of every producer and consumer
                }
            }
            assertThat(q.getters()).isZero();
            assertThat(q.putters()).isZero();
            assertThat(q.empty()).isTrue();
            assertThat(new HashSet<>(got)).as("seed " + s + ": no duplicates").hasSameSizeAs(got);
            assertThat(put).as("seed " + s).containsAll(got);
            q.join(); // dropped items count as done
        }
    }

    @Test
    void thousandProducersAndThousandConsumersDeliverEveryItemOnce() {
        int producers = 1_000;
        int consumers = 1_000;
        int perProducer = 20;
        Queue<Integer> q = new Queue<>(64);
        int[] seen = new int[producers * perProducer];
        List<Task<Void>> ps = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            ps.add(Aio.createTask(() -> {
                for (int i = 0; i < perProducer; i++) {
                    q.put(base + i);
                }
            }));
        }
        List<Task<Void>> cs = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            cs.add(Aio.createTask(() -> {
                for (int item : q) {
                    seen[item]++;
                    q.taskDone();
                }
            }));
        }
        for (Task<Void> t : ps) {
            t.await();
        }
        q.join();
        q.shutdown();
        for (Task<Void> t : cs) {
            t.await();
        }
        long once = 0;
        long other = 0;
        for (int n : seen) {
            if (n == 1) {
                once++;
            } else {
                other++;
            }
        }
        assertThat(new long[] {once, other, q.getters(), q.unfinished()})
                .containsExactly((long) producers * perProducer, 0L, 0L, 0L);
    }
}
