package dev.aio4j.bench;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.process.ProcessOptions;
import dev.aio4j.process.Processes;
import dev.aio4j.process.Redirect;
import dev.aio4j.process.Subprocess;
import java.util.ArrayList;
import java.util.List;
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
 * Child processes, each reported in microseconds per operation: {@code true} started and waited
 * for with no pipes; {@code echo} with all three pipes, through {@code communicate}; 8 children
 * of {@code true} at once (per child); and 16 MiB through {@code cat} with {@code communicate}
 * (per MiB). The same programs for CPython asyncio are in {@code aio4j-bench/compare/processes.py}.
 *
 * <pre>
 *   ./aio4j bench ProcessBench -p mode=carrier
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
public class ProcessBench {

    static final int AT_ONCE = 8;
    static final int CAT_MIB = 16;

    @Param({"carrier", "portable"})
    public String mode;

    BenchLoops.Running running;
    final byte[] catInput = new byte[CAT_MIB << 20];

    @Setup(Level.Trial)
    public void setUp() {
        running = BenchLoops.start(mode);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        running.close();
    }

    private static final ProcessOptions NO_PIPES = ProcessOptions.defaults()
            .withStdin(Redirect.DEVNULL)
            .withStdout(Redirect.DEVNULL)
            .withStderr(Redirect.DEVNULL);

    /** {@code await (await create_subprocess_exec("true")).wait()}. */
    @Benchmark
    public int spawnAndWaitTrue() {
        return running.call(() -> {
            try (Subprocess p = Processes.exec(NO_PIPES, "true")) {
                return p.waitFor();
            }
        });
    }

    /** {@code echo hello} with stdin, stdout and stderr piped, through {@code communicate()}. */
    @Benchmark
    public int spawnCommunicateEcho() {
        return running.call(() -> {
            try (Subprocess p = Processes.exec(ProcessOptions.piped(), "echo", "hello")) {
                return p.communicate().stdout().length;
            }
        });
    }

    /** 8 children of {@code true} at once, per child. */
    @Benchmark
    @OperationsPerInvocation(AT_ONCE)
    public int spawnEightAtOnce() {
        return running.call(() -> {
            List<Task<Integer>> all = new ArrayList<>();
            for (int i = 0; i < AT_ONCE; i++) {
                all.add(Aio.createTask(() -> {
                    try (Subprocess p = Processes.exec(NO_PIPES, "true")) {
                        return p.waitFor();
                    }
                }));
            }
            int sum = 0;
            for (Task<Integer> t : all) {
                sum += t.await();
            }
            return sum;
        });
    }

    /** 16 MiB in and out of {@code cat} through {@code communicate}, per MiB. */
    @Benchmark
    @OperationsPerInvocation(CAT_MIB)
    public int catCommunicate() {
        return running.call(() -> {
            try (Subprocess p = Processes.exec(ProcessOptions.piped(), "cat")) {
                return p.communicate(catInput).stdout().length;
            }
        });
    }
}
