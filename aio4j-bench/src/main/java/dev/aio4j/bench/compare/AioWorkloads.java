package dev.aio4j.bench.compare;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.Future;
import dev.aio4j.Task;
import dev.aio4j.queue.Queue;
import java.time.Duration;
import java.util.Arrays;

/**
 * The side-by-side workloads as one aio4j program, for compare/compare.py. Each run does a
 * warm-up (the same code at 100,000 tasks or round trips, or AIO4J_BENCH_WARMUP; for idle, rounds
 * of 10,000 waiting tasks that many in all; two rounds of up to 10,000 for timers)
 * and one measured round inside one {@code Aio.run}, and
 * prints one JSON line (see {@link Report}). The same workloads, written the same way, are in
 * compare/asyncio_workloads.py, compare/node_workloads.mjs, {@link ThreadWorkloads} and {@link
 * FloorWorkloads}.
 *
 * <pre>
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks.jar \
 *       dev.aio4j.bench.compare.AioWorkloads spawn 1000000
 * </pre>
 */
public final class AioWorkloads {

    private AioWorkloads() {}

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println(Report.usage("AioWorkloads"));
            System.exit(2);
        }
        String workload = args[0];
        Report r = Aio.run(
                () -> {
                    String impl = Aio.getRunningLoop().mode().equals("carrier") ? "aio4j" : "aio4j-portable";
                    return switch (workload) {
                        case "spawn" -> spawn(impl, Report.arg(args, 1, 1_000_000));
                        case "switch" -> taskSwitch(impl, Report.arg(args, 1, 1_000), Report.arg(args, 2, 1_000));
                        case "pingpong" -> pingPong(impl, Report.arg(args, 1, 1_000_000));
                        case "timers" -> timers(impl, Report.arg(args, 1, 100_000), Report.arg(args, 2, 100));
                        case "idle" -> idle(impl, Report.arg(args, 1, 100_000));
                        default -> throw new IllegalArgumentException(Report.usage("AioWorkloads"));
                    };
                },
                dev.aio4j.RunOptions.defaults().withSigintHandling(false));
        r.print();
    }

    /**
     * The size of a warm-up round: {@code cap}, or less when the environment variable
     * AIO4J_BENCH_WARMUP says so (the runner's quick mode); independent of the measured size, so
     * that small measured rounds run warm too.
     */
    static int warmSize(long n, long cap) {
        String env = System.getenv("AIO4J_BENCH_WARMUP");
        long limit = env == null || env.isBlank() ? cap : Long.parseLong(env.trim());
        return (int) Math.max(1, Math.min(cap, limit));
    }

    // ------------------------------------------------------------------ spawn

    /**
     * N tasks whose bodies do nothing: create them all, then await each. Cost per task: below
     * 100,000 tasks, the median of {@link #spawnRounds} rounds.
     */
    static Report spawn(String impl, long n) {
        spawnRound(warmSize(n, 100_000));
        int rounds = spawnRounds(n);
        long[] took = new long[rounds];
        long cpu0 = carrierCpu(impl);
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            spawnRound((int) n);
            took[r] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(took);
        long median = took[rounds / 2];
        return new Report(impl, "spawn", n)
                .put("value", (double) median / n)
                .put("unit", "ns/task")
                .put("rounds", rounds)
                .put("seconds", median / 1e9)
                .putCpuPerOp(cpu0, carrierCpu(impl), (rounds * n));
    }

    /**
     * CPU nanoseconds so far of the loop's carrier thread in carrier mode; -1 in portable mode,
     * where the loop's work runs on the JDK's scheduler threads.
     */
    private static long carrierCpu(String impl) {
        return impl.equals("aio4j") ? Report.cpuNanosOf("aio4j-loop") : -1;
    }

    /** Measured rounds of spawn: enough for about 100,000 tasks in all, at most 20. */
    static int spawnRounds(long n) {
        return (int) Math.max(1, Math.min(20, 100_000 / n));
    }

    private static void spawnRound(int n) {
        Task<?>[] tasks = new Task<?>[n];
        for (int i = 0; i < n; i++) {
            tasks[i] = Aio.createTask(AioWorkloads::nothing);
        }
        for (Task<?> t : tasks) {
            t.await();
        }
    }

    private static void nothing() {}

    // ------------------------------------------------------------------ switch

    /** TASKS tasks each yield ({@code sleep(ZERO)}) YIELDS times. Cost per switch. */
    static Report taskSwitch(String impl, long tasks, long yields) {
        switchRound((int) Math.min(tasks, 100), (int) Math.min(yields, 1_000));
        long cpu0 = carrierCpu(impl);
        long t0 = System.nanoTime();
        switchRound((int) tasks, (int) yields);
        long took = System.nanoTime() - t0;
        long switches = tasks * yields;
        return new Report(impl, "switch", switches)
                .put("tasks", tasks)
                .put("yields", yields)
                .put("value", (double) took / switches)
                .put("unit", "ns/switch")
                .put("seconds", took / 1e9)
                .putCpuPerOp(cpu0, carrierCpu(impl), switches);
    }

    private static void switchRound(int tasks, int yields) {
        Task<?>[] ts = new Task<?>[tasks];
        for (int i = 0; i < tasks; i++) {
            ts[i] = Aio.createTask(() -> {
                for (int y = 0; y < yields; y++) {
                    Aio.sleep(Duration.ZERO);
                }
            });
        }
        for (Task<?> t : ts) {
            t.await();
        }
    }

    // ------------------------------------------------------------------ ping-pong

    /** Two tasks pass a number back and forth through two Queues, N round trips. */
    static Report pingPong(String impl, long n) {
        pingPongRound(warmSize(n, 100_000));
        long cpu0 = carrierCpu(impl);
        long t0 = System.nanoTime();
        pingPongRound((int) n);
        long took = System.nanoTime() - t0;
        return new Report(impl, "pingpong", n)
                .put("via", "queue")
                .put("value", (double) took / n)
                .put("unit", "ns/round trip")
                .put("seconds", took / 1e9)
                .putCpuPerOp(cpu0, carrierCpu(impl), n);
    }

    private static void pingPongRound(int n) {
        Queue<Integer> requests = new Queue<>();
        Queue<Integer> replies = new Queue<>();
        Task<Void> pong = Aio.createTask(() -> {
            while (true) {
                int v = requests.get();
                if (v < 0) {
                    return;
                }
                replies.put(v + 1);
            }
        });
        int v = 0;
        for (int i = 0; i < n; i++) {
            requests.put(v);
            v = replies.get();
        }
        requests.put(-1);
        pong.await();
        if (v != n) {
            throw new AssertionError("ping-pong lost a message: " + v + " != " + n);
        }
    }

    // ------------------------------------------------------------------ timers

    /**
     * N tasks each sleep a random delay up to MAX_MS. The value is how much longer than the
     * longest delay the whole run took (spawning included); lateness is each sleep's wake-up
     * after its own deadline.
     */
    static Report timers(String impl, long n, long maxMs) {
        for (int i = 0; i < 2; i++) {
            timersRound(warmSize(n, 10_000), 10, new long[warmSize(n, 10_000)]);
        }
        long[] late = new long[(int) n];
        long[] result = timersRound((int) n, maxMs, late);
        long took = result[0];
        long maxDelay = result[1];
        Report r = new Report(impl, "timers", n)
                .put("value", (took - maxDelay) / 1e6)
                .put("unit", "ms over ideal")
                .put("seconds", took / 1e9)
                .put("ideal_ms", maxDelay / 1e6);
        Report.putLateness(r, late);
        return r;
    }

    private static long[] timersRound(int n, long maxMs, long[] late) {
        long[] delays = Report.randomDelays(n, maxMs);
        long longest = Arrays.stream(delays).max().orElse(0);
        long t0 = System.nanoTime();
        Task<?>[] ts = new Task<?>[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            ts[i] = Aio.createTask(() -> {
                long start = System.nanoTime();
                Aio.sleep(Duration.ofNanos(delays[k]));
                late[k] = System.nanoTime() - start - delays[k];
            });
        }
        for (Task<?> t : ts) {
            t.await();
        }
        return new long[] {System.nanoTime() - t0, longest};
    }

    // ------------------------------------------------------------------ idle memory

    /** Tasks per warm-up round of idle. */
    static final int IDLE_WARM_ROUND = 10_000;

    /**
     * Waiting tasks in all in idle's warm-up rounds: 100,000 like the other workloads' warm-ups
     * (or AIO4J_BENCH_WARMUP), so that the measured tasks park through compiled code (a parked
     * task's stack is about half the size then). Rounds of {@link #IDLE_WARM_ROUND} keep the
     * warm-up from growing the heap to the measured round's size first.
     */
    static int idleWarmTotal() {
        return warmSize(0, 100_000);
    }

    /** N tasks wait on one future; resident memory per waiting task (after a full GC). */
    static Report idle(String impl, long n) {
        EventLoop loop = Aio.getRunningLoop();
        for (int left = idleWarmTotal(); left > 0; left -= IDLE_WARM_ROUND) {
            idleRound(loop, Math.min(left, IDLE_WARM_ROUND), false);
        }
        return idleRound(loop, (int) n, true).put("impl", impl);
    }

    private static Report idleRound(EventLoop loop, int n, boolean measure) {
        long rss0 = 0;
        long heap0 = 0;
        if (measure) {
            heap0 = Report.heapUsedAfterGc();
            rss0 = Report.settledRssBytes();
        }
        Future<Void> event = loop.createFuture();
        Task<?>[] ts = new Task<?>[n];
        for (int i = 0; i < n; i++) {
            ts[i] = Aio.createTask(() -> event.await());
        }
        Aio.sleep(Duration.ZERO); // every task has started and now waits
        Aio.sleep(Duration.ZERO);
        Report r = null;
        if (measure) {
            long heap1 = Report.heapUsedAfterGc();
            long rss1 = Report.settledRssBytes();
            r = new Report("", "idle", n)
                    .put("value", (double) (rss1 - rss0) / n)
                    .put("unit", "bytes/task")
                    .put("heap_per_task", (double) (heap1 - heap0) / n)
                    .put("rss_mb", rss1 / 1048576.0);
        }
        event.setResult(null);
        for (Task<?> t : ts) {
            t.await();
        }
        return r;
    }
}
