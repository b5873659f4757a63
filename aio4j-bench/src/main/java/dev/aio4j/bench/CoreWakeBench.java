package dev.aio4j.bench;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.Task;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cross-thread wake-up latency of an idle loop, as a distribution (JMH's SampleTime gives p50,
 * p99, p99.9): the time from another thread handing work to the loop until that work runs on it.
 *
 * <p>Before each sample the benchmark thread pauses about 50 us (outside the measured time) so
 * that the loop has gone idle: it sits in its selector or parked carrier and must be woken. The
 * measured time is then: hand the work over, wake the loop, run the work, which sets a volatile
 * flag the benchmark thread spins on (spinning, not parking, so the way back costs no wake-up).
 *
 * <ul>
 *   <li>{@code callSoonThreadsafe}: a callback submitted from the benchmark thread runs on the loop.
 *   <li>{@code taskAwaitsCompletableFuture}: a task waiting in {@code Aio.await} on a
 *       CompletableFuture resumes after the benchmark thread completes it (the path of every
 *       result computed by another thread: toThread, runInExecutor, JDK async APIs).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {BenchLoops.OPENS, BenchLoops.QUIET})
public class CoreWakeBench {

    static final long IDLE_PAUSE_NANOS = 50_000;

    @Param({"carrier", "portable"})
    public String mode;

    BenchLoops.Running running;
    EventLoop loop;
    Task<?> waiter;
    volatile boolean ran;
    /** The future the waiter task waits on next; published by the task, completed by the benchmark. */
    volatile CompletableFuture<Void> next;

    final Runnable setRan = () -> ran = true;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        running = BenchLoops.start(mode);
        loop = running.loop;
        CompletableFuture<Task<?>> started = new CompletableFuture<>();
        loop.callSoonThreadsafe(() -> started.complete(loop.createTask(() -> {
            while (true) {
                CompletableFuture<Void> cf = new CompletableFuture<>();
                next = cf;
                Aio.await(cf);
                ran = true;
            }
        })));
        waiter = started.get(10, TimeUnit.SECONDS);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        loop.callSoonThreadsafe(() -> {
            waiter.cancel();
            waiter.addDoneCallback(t -> cancelled.complete(null));
        });
        cancelled.get(10, TimeUnit.SECONDS);
        running.close();
    }

    @Setup(Level.Invocation)
    public void letTheLoopGoIdle() {
        ran = false;
        LockSupport.parkNanos(IDLE_PAUSE_NANOS);
    }

    @Benchmark
    public boolean callSoonThreadsafe() {
        loop.callSoonThreadsafe(setRan);
        while (!ran) {
            Thread.onSpinWait();
        }
        return true;
    }

    @Benchmark
    public boolean taskAwaitsCompletableFuture() {
        CompletableFuture<Void> cf;
        while ((cf = next) == null) {
            Thread.onSpinWait();
        }
        next = null;
        cf.complete(null);
        while (!ran) {
            Thread.onSpinWait();
        }
        return true;
    }
}
