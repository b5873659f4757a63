package dev.aio4j.bench;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.Future;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The loop's hot paths, each in carrier mode and in portable mode: task switch, spawn and
 * finish, callSoon, timer schedule and fire, a short sleep, and a Future completed with N
 * waiters.
 *
 * <p>Every benchmark runs one batch of operations as a task of a loop that runs for the whole
 * trial on its own thread (handed over with {@code runCoroutineThreadsafe}), and reports the
 * average time of one operation: the hand-off between the JMH thread and the loop (tens of
 * microseconds) is spread over the batch and adds well under 1 ns to each result. Cross-thread wake-up latency, which
 * needs an idle loop and a distribution, is in {@link CoreWakeBench}.
 *
 * <pre>
 *   ./aio4j bench CoreBench                         both modes
 *   ./aio4j bench CoreBench.taskSwitch -p mode=carrier
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {BenchLoops.OPENS, BenchLoops.QUIET})
public class CoreBench {

    static final int SWITCH_TASKS = 100;
    static final int SWITCH_YIELDS = 1_000;
    static final int SPAWNS = 10_000;
    static final int CALLBACKS = 100_000;
    static final int TIMERS = 10_000;
    static final int SLEEP_TASKS = 100;
    static final int SLEEPS = 100;
    static final int WAKEUPS = 100_000;

    @Param({"carrier", "portable"})
    public String mode;

    BenchLoops.Running running;
    EventLoop loop;
    /** Past deadlines, in random order, relative to "now" (timers all due, heap order random). */
    long[] timerOffsetsNanos;

    @Setup(Level.Trial)
    public void setUp() {
        running = BenchLoops.start(mode);
        loop = running.loop;
        SplittableRandom random = new SplittableRandom(42);
        timerOffsetsNanos = new long[TIMERS];
        for (int i = 0; i < TIMERS; i++) {
            timerOffsetsNanos[i] = -random.nextLong(1_000_000);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        running.close();
    }

    // ------------------------------------------------------------------ tasks

    /**
     * One task switch: {@code Aio.sleep(ZERO)} in 100 tasks that take turns, 1,000 times each
     * (asyncio's {@code await asyncio.sleep(0)}).
     */
    @Benchmark
    @OperationsPerInvocation(SWITCH_TASKS * SWITCH_YIELDS)
    public int taskSwitch() {
        return running.call(() -> {
            Task<?>[] tasks = new Task<?>[SWITCH_TASKS];
            for (int i = 0; i < SWITCH_TASKS; i++) {
                tasks[i] = Aio.createTask(() -> {
                    for (int y = 0; y < SWITCH_YIELDS; y++) {
                        Aio.sleep(Duration.ZERO);
                    }
                });
            }
            for (Task<?> t : tasks) {
                t.await();
            }
            return tasks.length;
        });
    }

    /** One task created, started, run to its end and awaited (its body does nothing). */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public int spawnAndFinish() {
        return running.call(CoreBench::spawnAndAwait);
    }

    /** Inside a task: starts SPAWNS tasks that do nothing and awaits them all. */
    static int spawnAndAwait() {
        Task<?>[] tasks = new Task<?>[SPAWNS];
        for (int i = 0; i < SPAWNS; i++) {
            tasks[i] = Aio.createTask(CoreBench::nothing);
        }
        int n = 0;
        for (Task<?> t : tasks) {
            t.await();
            n++;
        }
        return n;
    }

    private static void nothing() {}

    // ------------------------------------------------------------------ callbacks and timers

    /** One callback scheduled with {@code callSoon} and run; 100,000 queued at once. */
    @Benchmark
    @OperationsPerInvocation(CALLBACKS)
    public int callSoonBatch() {
        return running.call(() -> {
            Future<Integer> done = loop.createFuture();
            int[] count = {0};
            Runnable tick = () -> {
                if (++count[0] == CALLBACKS) {
                    done.setResult(count[0]);
                }
            };
            for (int i = 0; i < CALLBACKS; i++) {
                loop.callSoon(tick);
            }
            return done.await();
        });
    }

    /**
     * One callback that schedules the next with {@code callSoon}: a chain of 100,000, so each runs
     * in its own loop iteration (the per-iteration cost of the loop).
     */
    @Benchmark
    @OperationsPerInvocation(CALLBACKS)
    public int callSoonChain() {
        return running.call(() -> {
            Future<Integer> done = loop.createFuture();
            Runnable tick = new Runnable() {
                int count;

                @Override
                public void run() {
                    if (++count == CALLBACKS) {
                        done.setResult(count);
                    } else {
                        loop.callSoon(this);
                    }
                }
            };
            loop.callSoon(tick);
            return done.await();
        });
    }

    /** One timer scheduled with {@code callAtNanos} and fired; 10,000 due at once in random order. */
    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int timerScheduleFire() {
        return running.call(() -> {
            Future<Integer> done = loop.createFuture();
            int[] count = {0};
            Runnable fire = () -> {
                if (++count[0] == TIMERS) {
                    done.setResult(count[0]);
                }
            };
            long now = loop.nanoTime();
            for (long offset : timerOffsetsNanos) {
                loop.callAtNanos(now + offset, fire);
            }
            return done.await();
        });
    }

    /**
     * One short sleep: {@code Aio.sleep(1 ns)} in 100 tasks, 100 times each (asyncio's
     * {@code await asyncio.sleep(1e-9)}): a timer scheduled, due at the next iteration, fired,
     * and the task woken by it.
     */
    @Benchmark
    @OperationsPerInvocation(SLEEP_TASKS * SLEEPS)
    public int sleepShort() {
        return running.call(() -> {
            Task<?>[] tasks = new Task<?>[SLEEP_TASKS];
            for (int i = 0; i < SLEEP_TASKS; i++) {
                tasks[i] = Aio.createTask(() -> {
                    for (int s = 0; s < SLEEPS; s++) {
                        Aio.sleep(Duration.ofNanos(1));
                    }
                });
            }
            for (Task<?> t : tasks) {
                t.await();
            }
            return tasks.length;
        });
    }

    // ------------------------------------------------------------------ futures

    /** How many tasks wait on each future in {@link #futureWaiters}. */
    @State(Scope.Benchmark)
    public static class Waiters {
        @Param({"1", "100"})
        public int waiters;
    }

    /**
     * One waiter woken: N tasks wait on a future, it is completed, each wakes and the last one
     * tells the driver, which completes the next; 100,000 wake-ups in all. With one waiter this
     * is a ping-pong through a pair of futures per round trip.
     */
    @Benchmark
    @OperationsPerInvocation(WAKEUPS)
    public int futureWaiters(Waiters w) {
        int n = w.waiters;
        int rounds = WAKEUPS / n;
        return running.call(() -> {
            Gate first = new Gate(loop.createFuture());
            Task<?>[] tasks = new Task<?>[n];
            for (int i = 0; i < n; i++) {
                tasks[i] = Aio.createTask(() -> {
                    Future<Future<?>> gate = first.next;
                    for (int r = 0; r < rounds; r++) {
                        @SuppressWarnings("unchecked")
                        Future<Future<?>> next = (Future<Future<?>>) gate.await();
                        gate = next;
                        if (++first.arrived == n) {
                            first.arrived = 0;
                            first.ack.setResult(null);
                        }
                    }
                });
            }
            Aio.sleep(Duration.ZERO); // every waiter now waits on the first gate
            Future<Future<?>> gate = first.next;
            for (int r = 0; r < rounds; r++) {
                first.ack = loop.createFuture();
                Future<Future<?>> next = loop.createFuture();
                gate.setResult(next);
                gate = next;
                first.ack.await();
            }
            for (Task<?> t : tasks) {
                t.await();
            }
            return rounds * n;
        });
    }

    /** The state the driver and the waiters of {@link #futureWaiters} share (one loop: no locks). */
    static final class Gate {
        final Future<Future<?>> next;
        Future<Void> ack;
        int arrived;

        Gate(Future<Future<?>> first) {
            this.next = first;
        }
    }
}
