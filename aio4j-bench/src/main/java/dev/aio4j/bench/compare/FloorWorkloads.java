package dev.aio4j.bench.compare;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * The side-by-side workloads written directly on virtual threads run by the smallest scheduler
 * that gives them one platform thread, with no aio4j at all: the JDK's floor for a
 * thread-per-task design on one carrier. Same arguments, warm-up and output as {@link
 * AioWorkloads}.
 *
 * <p>The scheduler is the one trick aio4j's carrier mode also uses (the JDK-internal {@code
 * java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)} constructor, opened by {@code
 * --add-opens java.base/java.lang=ALL-UNNAMED}) and nothing else: one platform thread that runs
 * continuations in the order they are submitted. Submissions from that thread go to a plain
 * {@link ArrayDeque}; others (timer wake-ups, the first start) to a {@link ConcurrentLinkedQueue}
 * and wake it. The workload's main body is itself a virtual thread on that carrier.
 *
 * <pre>
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks.jar \
 *       dev.aio4j.bench.compare.FloorWorkloads switch 1000 1000
 * </pre>
 */
public final class FloorWorkloads {

    private static final String IMPL = "VT floor (1 carrier)";

    private FloorWorkloads() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println(Report.usage("FloorWorkloads"));
            System.exit(2);
        }
        Carrier carrier = new Carrier();
        Report r = carrier.call(() -> switch (args[0]) {
            case "spawn" -> spawn(carrier, Report.arg(args, 1, 1_000_000));
            case "switch" -> taskSwitch(carrier, Report.arg(args, 1, 1_000), Report.arg(args, 2, 1_000));
            case "pingpong" -> pingPong(carrier, Report.arg(args, 1, 1_000_000));
            case "timers" -> timers(carrier, Report.arg(args, 1, 100_000), Report.arg(args, 2, 100));
            case "idle" -> idle(carrier, Report.arg(args, 1, 100_000));
            default -> throw new IllegalArgumentException(Report.usage("FloorWorkloads"));
        });
        r.print();
    }

    // ------------------------------------------------------------------ the scheduler

    /** One platform thread running the continuations of its virtual threads, first in first out. */
    static final class Carrier implements Executor {

        private static final Constructor<?> BUILDER;
        private static final MethodHandle CURRENT_CARRIER;

        static {
            try {
                Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
                BUILDER = c.getDeclaredConstructor(Executor.class);
                BUILDER.setAccessible(true);
                CURRENT_CARRIER = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                        .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(
                        "needs --add-opens java.base/java.lang=ALL-UNNAMED on JDK 21+: " + e);
            }
        }

        private final ArrayDeque<Runnable> local = new ArrayDeque<>();
        private final ConcurrentLinkedQueue<Runnable> foreign = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private final Thread.Builder.OfVirtual builder;
        private volatile boolean sleeping;

        Carrier() throws ReflectiveOperationException {
            builder = ((Thread.Builder.OfVirtual) BUILDER.newInstance(this)).inheritInheritableThreadLocals(false);
            thread = Thread.ofPlatform().name("floor-carrier").daemon(true).start(this::run);
        }

        Thread start(Runnable body) {
            return builder.start(body);
        }

        @Override
        public void execute(Runnable continuation) {
            if (onCarrier()) {
                local.addLast(continuation);
            } else {
                foreign.add(continuation);
                if (sleeping) {
                    LockSupport.unpark(thread);
                }
            }
        }

        private boolean onCarrier() {
            try {
                return (Thread) CURRENT_CARRIER.invokeExact() == thread;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        private void run() {
            while (true) {
                Runnable next = local.pollFirst();
                if (next == null) {
                    next = foreign.poll();
                }
                if (next != null) {
                    next.run();
                    continue;
                }
                // A submitter adds, then reads sleeping; we set sleeping, then re-check: one sees the other.
                sleeping = true;
                if (foreign.isEmpty()) {
                    LockSupport.park(this);
                }
                sleeping = false;
            }
        }

        /** Runs body in a virtual thread on this carrier and waits for its result. */
        <T> T call(Callable<T> body) throws Exception {
            Object[] result = new Object[1];
            Exception[] failure = new Exception[1];
            Thread t = start(() -> {
                try {
                    result[0] = body.call();
                } catch (Exception e) {
                    failure[0] = e;
                }
            });
            t.join();
            if (failure[0] != null) {
                throw failure[0];
            }
            @SuppressWarnings("unchecked")
            T r = (T) result[0];
            return r;
        }
    }

    /**
     * Joins every thread, cheaply on one carrier: one yield puts the caller behind every thread
     * started before it, so a body that does not block has ended by then and each join only
     * reads the thread's state; a thread still running is waited for as usual.
     */
    private static void joinAll(Thread[] ts) throws InterruptedException {
        Thread.yield();
        for (Thread t : ts) {
            t.join();
        }
    }

    // ------------------------------------------------------------------ spawn

    static Report spawn(Carrier c, long n) throws InterruptedException {
        spawnRound(c, AioWorkloads.warmSize(n, 100_000));
        int rounds = AioWorkloads.spawnRounds(n);
        long[] took = new long[rounds];
        long cpu0 = Report.cpuNanosOf("floor-carrier");
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            spawnRound(c, (int) n);
            took[r] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(took);
        long median = took[rounds / 2];
        return new Report(IMPL, "spawn", n)
                .put("value", (double) median / n)
                .put("unit", "ns/task")
                .put("rounds", rounds)
                .put("seconds", median / 1e9)
                .putCpuPerOp(cpu0, Report.cpuNanosOf("floor-carrier"), (rounds * n));
    }

    private static void spawnRound(Carrier c, int n) throws InterruptedException {
        Thread[] ts = new Thread[n];
        Runnable nothing = () -> {};
        for (int i = 0; i < n; i++) {
            ts[i] = c.start(nothing);
        }
        joinAll(ts);
    }

    // ------------------------------------------------------------------ switch

    static Report taskSwitch(Carrier c, long tasks, long yields) throws InterruptedException {
        switchRound(c, (int) Math.min(tasks, 100), (int) Math.min(yields, 1_000));
        long cpu0 = Report.cpuNanosOf("floor-carrier");
        long t0 = System.nanoTime();
        switchRound(c, (int) tasks, (int) yields);
        long took = System.nanoTime() - t0;
        long switches = tasks * yields;
        return new Report(IMPL, "switch", switches)
                .put("tasks", tasks)
                .put("yields", yields)
                .put("value", (double) took / switches)
                .put("unit", "ns/switch")
                .put("seconds", took / 1e9)
                .putCpuPerOp(cpu0, Report.cpuNanosOf("floor-carrier"), switches);
    }

    private static void switchRound(Carrier c, int tasks, int yields) throws InterruptedException {
        Thread[] ts = new Thread[tasks];
        for (int i = 0; i < tasks; i++) {
            ts[i] = c.start(() -> {
                for (int y = 0; y < yields; y++) {
                    Thread.yield();
                }
            });
        }
        joinAll(ts);
    }

    // ------------------------------------------------------------------ ping-pong

    static Report pingPong(Carrier c, long n) throws InterruptedException {
        pingPongRound(c, AioWorkloads.warmSize(n, 100_000));
        long cpu0 = Report.cpuNanosOf("floor-carrier");
        long t0 = System.nanoTime();
        pingPongRound(c, (int) n);
        long took = System.nanoTime() - t0;
        return new Report(IMPL, "pingpong", n)
                .put("via", "park/unpark and a plain field")
                .put("value", (double) took / n)
                .put("unit", "ns/round trip")
                .put("seconds", took / 1e9)
                .putCpuPerOp(cpu0, Report.cpuNanosOf("floor-carrier"), n);
    }

    private static final int EMPTY = Integer.MIN_VALUE;

    /**
     * Two mailboxes of one value each. Plain fields: both threads run on the one carrier thread,
     * and each read follows a park, a call the compiler cannot see through.
     */
    private static final class Mailboxes {
        int request = EMPTY;
        int reply = EMPTY;
    }

    private static void pingPongRound(Carrier c, int n) throws InterruptedException {
        Mailboxes m = new Mailboxes();
        Thread ping = Thread.currentThread();
        Thread pong = c.start(() -> {
            while (true) {
                while (m.request == EMPTY) {
                    LockSupport.park();
                }
                int v = m.request;
                m.request = EMPTY;
                if (v < 0) {
                    return;
                }
                m.reply = v + 1;
                LockSupport.unpark(ping);
            }
        });
        int v = 0;
        for (int i = 0; i < n; i++) {
            m.request = v;
            LockSupport.unpark(pong);
            while (m.reply == EMPTY) {
                LockSupport.park();
            }
            v = m.reply;
            m.reply = EMPTY;
        }
        m.request = -1;
        LockSupport.unpark(pong);
        pong.join();
        if (v != n) {
            throw new AssertionError("ping-pong lost a message: " + v + " != " + n);
        }
    }

    // ------------------------------------------------------------------ timers

    static Report timers(Carrier c, long n, long maxMs) throws InterruptedException {
        int warm = AioWorkloads.warmSize(n, 10_000);
        for (int i = 0; i < 2; i++) {
            timersRound(c, warm, 10, new long[warm]);
        }
        long[] late = new long[(int) n];
        long[] result = timersRound(c, (int) n, maxMs, late);
        Report r = new Report(IMPL, "timers", n)
                .put("value", (result[0] - result[1]) / 1e6)
                .put("unit", "ms over ideal")
                .put("seconds", result[0] / 1e9)
                .put("ideal_ms", result[1] / 1e6);
        Report.putLateness(r, late);
        return r;
    }

    private static long[] timersRound(Carrier c, int n, long maxMs, long[] late) throws InterruptedException {
        long[] delays = Report.randomDelays(n, maxMs);
        long longest = Arrays.stream(delays).max().orElse(0);
        long t0 = System.nanoTime();
        Thread[] ts = new Thread[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            ts[i] = c.start(() -> {
                long start = System.nanoTime();
                try {
                    Thread.sleep(delays[k] / 1_000_000, (int) (delays[k] % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
                late[k] = System.nanoTime() - start - delays[k];
            });
        }
        joinAll(ts);
        return new long[] {System.nanoTime() - t0, longest};
    }

    // ------------------------------------------------------------------ idle memory

    static Report idle(Carrier c, long n) throws InterruptedException {
        for (int left = AioWorkloads.idleWarmTotal(); left > 0; left -= AioWorkloads.IDLE_WARM_ROUND) {
            idleRound(c, Math.min(left, AioWorkloads.IDLE_WARM_ROUND), false);
        }
        return idleRound(c, (int) n, true);
    }

    /** Whether the idle threads may end; plain, read after each park (see {@link Mailboxes}). */
    private static final class Gate {
        boolean open;
    }

    private static Report idleRound(Carrier c, int n, boolean measure) throws InterruptedException {
        long rss0 = 0;
        long heap0 = 0;
        if (measure) {
            heap0 = Report.heapUsedAfterGc();
            rss0 = Report.settledRssBytes();
        }
        Gate gate = new Gate();
        Thread[] ts = new Thread[n];
        for (int i = 0; i < n; i++) {
            ts[i] = c.start(() -> {
                while (!gate.open) {
                    LockSupport.park();
                }
            });
        }
        Thread.yield(); // every thread has started and parked
        Thread.yield();
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
        gate.open = true;
        for (Thread t : ts) {
            LockSupport.unpark(t);
        }
        joinAll(ts);
        return r;
    }
}
