package dev.aio4j.bench;

import dev.aio4j.Aio;
import dev.aio4j.AsCompleted;
import dev.aio4j.Future;
import dev.aio4j.Task;
import dev.aio4j.TaskGroup;
import dev.aio4j.TaskStart;
import dev.aio4j.Timeout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
 * The combinators and scopes: gather of 10,000 tasks, a TaskGroup of 10,000 tasks, asCompleted
 * over 10,000 tasks (each reported per batch, in microseconds), and a Timeout scope entered and
 * left around a body that does not wait (reported per scope, in nanoseconds), and what an eager
 * start saves: 100,000 tasks that finish without waiting, spawned lazily or eagerly and awaited
 * (reported per task, in nanoseconds). The children
 * finish without waiting, so what is measured is the machinery, not the work. The same programs
 * for CPython asyncio are in {@code aio4j-bench/compare/structured.py}.
 *
 * <pre>
 *   ./aio4j bench StructuredBench
 *   ./aio4j bench StructuredBench.timeoutScope -p mode=carrier
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {BenchLoops.OPENS, BenchLoops.QUIET})
public class StructuredBench {

    static final int CHILDREN = 10_000;
    static final int SCOPES = 1_000_000;
    static final int SPAWNS = 100_000;

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

    static Integer one() {
        return 1;
    }

    /** {@code await gather(*[child(i) for i in range(10_000)])}: 10,000 callables run as tasks. */
    @Benchmark
    public int gather10k() {
        return running.call(() -> {
            List<Callable<Integer>> bodies = new ArrayList<>(CHILDREN);
            for (int i = 0; i < CHILDREN; i++) {
                int k = i;
                bodies.add(() -> k); // distinct objects: gather runs an object given twice only once
            }
            List<Integer> results = Aio.gatherCallables(bodies).await();
            return results.size();
        });
    }

    /** {@code async with TaskGroup() as tg:} creating 10,000 tasks. */
    @Benchmark
    public int taskGroup10k() {
        return running.call(() -> TaskGroup.call(tg -> {
            for (int i = 0; i < CHILDREN; i++) {
                tg.createTask(StructuredBench::one);
            }
            return CHILDREN;
        }));
    }

    /** {@code for f in as_completed(tasks): await f} over 10,000 tasks. */
    @Benchmark
    public int asCompleted10k() {
        return running.call(() -> {
            List<Task<Integer>> tasks = new ArrayList<>(CHILDREN);
            for (int i = 0; i < CHILDREN; i++) {
                tasks.add(Aio.createTask(StructuredBench::one));
            }
            int sum = 0;
            AsCompleted<Integer> ac = Aio.asCompleted(tasks);
            for (Future<Integer> f : ac) {
                sum += f.result();
            }
            return sum;
        });
    }

    /** One {@code async with timeout(10): pass}, entered and left 1,000,000 times in one task. */
    @Benchmark
    @OperationsPerInvocation(SCOPES)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int timeoutScope() {
        return running.call(() -> {
            Duration d = Duration.ofSeconds(10);
            int n = 0;
            for (int i = 0; i < SCOPES; i++) {
                n += Timeout.after(d, StructuredBench::one);
            }
            return n;
        });
    }

    /** 100,000 tasks that finish without waiting, started the usual way, then awaited. */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int spawnLazy100k() {
        return running.call(() -> spawn(TaskStart.QUEUED));
    }

    /** The same tasks started eagerly: each is done when createTask returns. */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int spawnEager100k() {
        return running.call(() -> spawn(TaskStart.EAGER));
    }

    static int spawn(TaskStart start) {
        Task<?>[] tasks = new Task<?>[SPAWNS];
        for (int i = 0; i < SPAWNS; i++) {
            tasks[i] = Aio.createTask(StructuredBench::one, null, start);
        }
        int n = 0;
        for (Task<?> t : tasks) {
            t.await();
            n++;
        }
        return n;
    }
}
