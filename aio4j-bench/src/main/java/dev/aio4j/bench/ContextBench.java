package dev.aio4j.bench;

import dev.aio4j.Context;
import dev.aio4j.ContextVar;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Task-local context inside a task of a carrier-mode loop, with {@code vars} variables set in
 * the task's context: {@code ContextVar.get} of the last one set, {@code set} of one of them,
 * and {@code Context.copyContext} (what creating a task or scheduling a callback pays).
 *
 * <pre>
 *   ./aio4j bench ContextBench
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {BenchLoops.OPENS, BenchLoops.QUIET})
public class ContextBench {
    static final int OPS = 100_000;

    @Param({"1", "4", "16"})
    public int vars;

    BenchLoops.Running running;
    ContextVar<Integer>[] variables;

    @Setup
    @SuppressWarnings("unchecked")
    public void setUp() {
        running = BenchLoops.start("carrier");
        variables = new ContextVar[vars];
        for (int i = 0; i < vars; i++) {
            variables[i] = new ContextVar<>("v" + i, 0);
        }
    }

    @TearDown
    public void tearDown() {
        running.close();
    }

    private void setAll() {
        for (int i = 0; i < vars; i++) {
            variables[i].set(i);
        }
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public int get() {
        return running.call(() -> {
            setAll();
            ContextVar<Integer> last = variables[vars - 1];
            int sum = 0;
            for (int i = 0; i < OPS; i++) {
                sum += last.get();
            }
            return sum;
        });
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public int set() {
        return running.call(() -> {
            setAll();
            ContextVar<Integer> middle = variables[vars / 2];
            for (int i = 0; i < OPS; i++) {
                middle.set(i);
            }
            return middle.get();
        });
    }

    /**
     * {@link CoreBench#spawnAndFinish} with {@code vars} variables set in the spawning task, so
     * every task copies a non-empty context (CoreBench's runs with none ever set).
     */
    @Benchmark
    @OperationsPerInvocation(CoreBench.SPAWNS)
    public int spawnAndFinish() {
        return running.call(() -> {
            setAll();
            return CoreBench.spawnAndAwait();
        });
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public int copyContext() {
        return running.call(() -> {
            setAll();
            int n = 0;
            for (int i = 0; i < OPS; i++) {
                n += Context.copyContext().size() > 0 ? 1 : 0;
            }
            return n;
        });
    }
}
