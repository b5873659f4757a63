package dev.aio4j.bench;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.queue.Queue;
import dev.aio4j.sync.Event;
import dev.aio4j.sync.Held;
import dev.aio4j.sync.Lock;
import dev.aio4j.sync.Semaphore;
import java.time.Duration;
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
 * The synchronization primitives and queues, each reported per operation in nanoseconds:
 * a queue ping-pong round trip between two tasks; Lock acquire/release uncontended (one task)
 * and contended (10 tasks that each yield while holding it, so every acquire waits); a
 * Semaphore(100)-bounded fan-out of 100,000 tasks (per task); an Event set once for 100,000
 * waiting tasks (per waiter). The same programs for CPython asyncio are in
 * {@code aio4j-bench/compare/sync.py}.
 *
 * <pre>
 *   ./aio4j bench SyncBench
 *   ./aio4j bench SyncBench.lockContended -p mode=carrier
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
public class SyncBench {

    static final int ROUND_TRIPS = 10_000;
    static final int LOCK_OPS = 1_000_000;
    static final int CONTENDERS = 10;
    static final int CONTENDED_EACH = 1_000;
    static final int FAN_OUT = 100_000;
    static final int FAN_OUT_LIMIT = 100;
    static final int WAITERS = 100_000;

    @Param({"carrier", "portable"})
    public String mode;

    BenchLoops.Running running;

    @Setup(Level.Trial)
    public void setUp() {
        running = BenchLoops.start(mode);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        running.close();
    }

    /** A task echoes what it gets from one queue into another; 10,000 round trips. */
    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public int queuePingPong() {
        return running.call(() -> {
            Queue<Integer> ping = new Queue<>();
            Queue<Integer> pong = new Queue<>();
            Task<Void> echo = Aio.createTask(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    pong.put(ping.get());
                }
            });
            int sum = 0;
            for (int i = 0; i < ROUND_TRIPS; i++) {
                ping.put(i);
                sum += pong.get();
            }
            echo.await();
            return sum;
        });
    }

    /** {@code async with lock: pass} 1,000,000 times in one task. */
    @Benchmark
    @OperationsPerInvocation(LOCK_OPS)
    public int lockUncontended() {
        return running.call(() -> {
            Lock lock = new Lock();
            int n = 0;
            for (int i = 0; i < LOCK_OPS; i++) {
                try (Held held = lock.acquire()) {
                    n++;
                }
            }
            return n;
        });
    }

    /** 10 tasks x 1,000 times {@code async with lock: await sleep(0)}: every acquire waits. */
    @Benchmark
    @OperationsPerInvocation(CONTENDERS * CONTENDED_EACH)
    public int lockContended() {
        return running.call(() -> {
            Lock lock = new Lock();
            int[] n = {0};
            Task<?>[] tasks = new Task<?>[CONTENDERS];
            for (int t = 0; t < CONTENDERS; t++) {
                tasks[t] = Aio.createTask(() -> {
                    for (int i = 0; i < CONTENDED_EACH; i++) {
                        try (Held held = lock.acquire()) {
                            n[0]++;
                            Aio.sleep(Duration.ZERO);
                        }
                    }
                });
            }
            for (Task<?> t : tasks) {
                t.await();
            }
            return n[0];
        });
    }

    /** 100,000 tasks, at most 100 inside {@code async with sem: await sleep(0)} at once. */
    @Benchmark
    @OperationsPerInvocation(FAN_OUT)
    public int semaphoreFanOut100k() {
        return running.call(() -> {
            Semaphore sem = new Semaphore(FAN_OUT_LIMIT);
            Task<?>[] tasks = new Task<?>[FAN_OUT];
            for (int i = 0; i < FAN_OUT; i++) {
                tasks[i] = Aio.createTask(() -> {
                    try (Held held = sem.acquire()) {
                        Aio.sleep(Duration.ZERO);
                    }
                });
            }
            for (Task<?> t : tasks) {
                t.await();
            }
            return FAN_OUT;
        });
    }

    /** 100,000 tasks wait on an Event; it is set once; all are awaited. */
    @Benchmark
    @OperationsPerInvocation(WAITERS)
    public int eventBroadcast100k() {
        return running.call(() -> {
            Event ev = new Event();
            Task<?>[] tasks = new Task<?>[WAITERS];
            for (int i = 0; i < WAITERS; i++) {
                tasks[i] = Aio.createTask(ev::await);
            }
            Aio.sleep(Duration.ZERO); // every waiter is parked on the event
            ev.set();
            for (Task<?> t : tasks) {
                t.await();
            }
            return WAITERS;
        });
    }
}
