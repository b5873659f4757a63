package dev.aio4j.bench.compare;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;

/**
 * The side-by-side workloads on plain Java virtual threads (the JDK's default scheduler, no
 * aio4j), written as a Java programmer would without a loop: {@code Thread.yield()} for a
 * switch, blocking queues for ping-pong, {@code Thread.sleep} for timers, a latch as the event.
 * Same arguments, warm-up and output as {@link AioWorkloads}.
 */
public final class ThreadWorkloads {

    private static final String IMPL = "virtual threads";

    private ThreadWorkloads() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println(Report.usage("ThreadWorkloads"));
            System.exit(2);
        }
        Report r =
                switch (args[0]) {
                    case "spawn" -> spawn(Report.arg(args, 1, 1_000_000));
                    case "switch" -> taskSwitch(Report.arg(args, 1, 1_000), Report.arg(args, 2, 1_000));
                    case "pingpong" -> pingPong(Report.arg(args, 1, 1_000_000));
                    case "timers" -> timers(Report.arg(args, 1, 100_000), Report.arg(args, 2, 100));
                    case "idle" -> idle(Report.arg(args, 1, 100_000));
                    default -> throw new IllegalArgumentException(Report.usage("ThreadWorkloads"));
                };
        r.print();
    }

    static Report spawn(long n) throws InterruptedException {
        spawnRound(AioWorkloads.warmSize(n, 100_000));
        int rounds = AioWorkloads.spawnRounds(n);
        long[] took = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            spawnRound((int) n);
            took[r] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(took);
        long median = took[rounds / 2];
        return new Report(IMPL, "spawn", n)
                .put("value", (double) median / n)
                .put("unit", "ns/task")
                .put("rounds", rounds)
                .put("seconds", median / 1e9);
    }

    private static void spawnRound(int n) throws InterruptedException {
        Thread[] ts = new Thread[n];
        Runnable nothing = () -> {};
        for (int i = 0; i < n; i++) {
            ts[i] = Thread.ofVirtual().start(nothing);
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    static Report taskSwitch(long tasks, long yields) throws InterruptedException {
        switchRound((int) Math.min(tasks, 100), (int) Math.min(yields, 1_000));
        long t0 = System.nanoTime();
        switchRound((int) tasks, (int) yields);
        long took = System.nanoTime() - t0;
        long switches = tasks * yields;
        return new Report(IMPL, "switch", switches)
                .put("tasks", tasks)
                .put("yields", yields)
                .put("value", (double) took / switches)
                .put("unit", "ns/switch")
                .put("seconds", took / 1e9);
    }

    private static void switchRound(int tasks, int yields) throws InterruptedException {
        Thread[] ts = new Thread[tasks];
        for (int i = 0; i < tasks; i++) {
            ts[i] = Thread.ofVirtual().start(() -> {
                for (int y = 0; y < yields; y++) {
                    Thread.yield();
                }
            });
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    static Report pingPong(long n) throws InterruptedException {
        pingPongRound(AioWorkloads.warmSize(n, 100_000));
        long t0 = System.nanoTime();
        pingPongRound((int) n);
        long took = System.nanoTime() - t0;
        return new Report(IMPL, "pingpong", n)
                .put("via", "ArrayBlockingQueue")
                .put("value", (double) took / n)
                .put("unit", "ns/round trip")
                .put("seconds", took / 1e9);
    }

    private static void pingPongRound(int n) throws InterruptedException {
        BlockingQueue<Integer> requests = new ArrayBlockingQueue<>(1);
        BlockingQueue<Integer> replies = new ArrayBlockingQueue<>(1);
        Thread pong = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    int v = requests.take();
                    if (v < 0) {
                        return;
                    }
                    replies.put(v + 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int[] last = {0};
        Thread ping = Thread.ofVirtual().start(() -> {
            try {
                int v = 0;
                for (int i = 0; i < n; i++) {
                    requests.put(v);
                    v = replies.take();
                }
                requests.put(-1);
                last[0] = v;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ping.join();
        pong.join();
        if (last[0] != n) {
            throw new AssertionError("ping-pong lost a message: " + last[0] + " != " + n);
        }
    }

    static Report timers(long n, long maxMs) throws InterruptedException {
        int warm = AioWorkloads.warmSize(n, 10_000);
        for (int i = 0; i < 2; i++) {
            timersRound(warm, 10, new long[warm]);
        }
        long[] late = new long[(int) n];
        long[] result = timersRound((int) n, maxMs, late);
        Report r = new Report(IMPL, "timers", n)
                .put("value", (result[0] - result[1]) / 1e6)
                .put("unit", "ms over ideal")
                .put("seconds", result[0] / 1e9)
                .put("ideal_ms", result[1] / 1e6);
        Report.putLateness(r, late);
        return r;
    }

    private static long[] timersRound(int n, long maxMs, long[] late) throws InterruptedException {
        long[] delays = Report.randomDelays(n, maxMs);
        long longest = Arrays.stream(delays).max().orElse(0);
        long t0 = System.nanoTime();
        Thread[] ts = new Thread[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            ts[i] = Thread.ofVirtual().start(() -> {
                long start = System.nanoTime();
                try {
                    Thread.sleep(delays[k] / 1_000_000, (int) (delays[k] % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
                late[k] = System.nanoTime() - start - delays[k];
            });
        }
        for (Thread t : ts) {
            t.join();
        }
        return new long[] {System.nanoTime() - t0, longest};
    }

    static Report idle(long n) throws InterruptedException {
        for (int left = AioWorkloads.idleWarmTotal(); left > 0; left -= AioWorkloads.IDLE_WARM_ROUND) {
            idleRound(Math.min(left, AioWorkloads.IDLE_WARM_ROUND), false);
        }
        return idleRound((int) n, true);
    }

    private static Report idleRound(int n, boolean measure) throws InterruptedException {
        long rss0 = 0;
        long heap0 = 0;
        if (measure) {
            heap0 = Report.heapUsedAfterGc();
            rss0 = Report.settledRssBytes();
        }
        CountDownLatch event = new CountDownLatch(1);
        CountDownLatch waiting = new CountDownLatch(n);
        Thread[] ts = new Thread[n];
        for (int i = 0; i < n; i++) {
            ts[i] = Thread.ofVirtual().start(() -> {
                waiting.countDown();
                try {
                    event.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        waiting.await();
        Thread.sleep(50); // the last ones reach event.await()
        Report r = null;
        if (measure) {
            long heap1 = Report.heapUsedAfterGc();
            long rss1 = Report.settledRssBytes();
            r = new Report(IMPL, "idle", n)
                    .put("value", (double) (rss1 - rss0) / n)
                    .put("unit", "bytes/task")
                    .put("heap_per_task", (double) (heap1 - heap0) / n)
                    .put("rss_mb", rss1 / 1048576.0);
        }
        event.countDown();
        for (Thread t : ts) {
            t.join();
        }
        return r;
    }
}
