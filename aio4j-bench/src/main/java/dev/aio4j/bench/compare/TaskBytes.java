package dev.aio4j.bench.compare;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.Future;
import dev.aio4j.Task;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Bytes allocated per task, a measure that does not depend on the machine's load: the JVM's
 * count of bytes allocated by all threads (carriers included, so a virtual thread's allocations
 * count) around rounds of 10,000 tasks, on aio4j's carrier mode and on the VT floor
 * ({@link FloorWorkloads}). Each phase is printed per task: {@code create} (creating the tasks),
 * {@code first step} (every task runs until it waits: its thread, its stack chunk, what the
 * wait costs), {@code to end} (waking and finishing). The median of the last 10 of 30 rounds,
 * so that the wait path is compiled as in a long run.
 *
 * <pre>
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks.jar \
 *       dev.aio4j.bench.compare.TaskBytes spawn|idle|sleep [aio4j|floor]
 * </pre>
 *
 * <ul>
 *   <li>spawn: tasks that end at once ({@code Aio.createTask(() -> {})}).
 *   <li>idle: tasks waiting on one future ({@code future.await()}), as the idle row.
 *   <li>sleep: tasks sleeping 1 ms ({@code Aio.sleep}), as the timers row.
 * </ul>
 *
 * <p>A parked task's stack chunk depends on how the JIT compiled the frames it parks in, so
 * "first step" of idle and sleep may differ by a few tens of bytes from one JVM run to the next.
 */
public final class TaskBytes {

    private static final int ROUND = 10_000;
    private static final int ROUNDS = 30;
    private static final int MEASURED = 10;

    private TaskBytes() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !java.util.List.of("spawn", "idle", "sleep").contains(args[0])) {
            System.err.println("usage: TaskBytes spawn|idle|sleep [aio4j|floor]");
            System.exit(2);
        }
        String workload = args[0];
        boolean floor = args.length > 1 && args[1].equals("floor");
        long[][] phases = new long[ROUNDS][];
        if (floor) {
            FloorWorkloads.Carrier c = new FloorWorkloads.Carrier();
            c.call(() -> {
                for (int r = 0; r < ROUNDS; r++) {
                    phases[r] = floorRound(c, workload);
                }
                return null;
            });
        } else {
            Aio.run(() -> {
                for (int r = 0; r < ROUNDS; r++) {
                    phases[r] = aioRound(workload);
                }
                return null;
            });
        }
        String[] names = {"create", "first_step", "to_end"};
        StringBuilder json = new StringBuilder("{\"impl\": \"" + (floor ? "VT floor (1 carrier)" : "aio4j") + "\"")
                .append(", \"workload\": \"")
                .append(workload)
                .append("\"");
        long total = 0;
        for (int p = 0; p < names.length; p++) {
            long[] last = new long[MEASURED];
            for (int i = 0; i < MEASURED; i++) {
                last[i] = phases[ROUNDS - MEASURED + i][p];
            }
            java.util.Arrays.sort(last);
            long median = last[MEASURED / 2];
            total += median;
            json.append(", \"").append(names[p]).append("\": ").append(median);
        }
        json.append(", \"total\": ").append(total).append(", \"unit\": \"bytes/task\"}");
        System.out.println(json);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    private static long[] aioRound(String workload) {
        EventLoop loop = Aio.getRunningLoop();
        Future<Void> event = loop.createFuture();
        Task<?>[] ts = new Task<?>[ROUND];
        long t0 = allocated();
        for (int i = 0; i < ROUND; i++) {
            ts[i] = switch (workload) {
                case "idle" ->
                    Aio.createTask(() -> {
                        event.await();
                    });
                case "sleep" -> Aio.createTask(() -> Aio.sleep(Duration.ofMillis(1)));
                default -> Aio.createTask(() -> {});
            };
        }
        long t1 = allocated();
        Aio.sleep(Duration.ZERO); // every task has run until it waits (or ended)
        Aio.sleep(Duration.ZERO);
        long t2 = allocated();
        event.setResult(null);
        for (Task<?> t : ts) {
            t.await();
        }
        long t3 = allocated();
        return new long[] {(t1 - t0) / ROUND, (t2 - t1) / ROUND, (t3 - t2) / ROUND};
    }

    /** Whether the idle threads may end; plain, read after each park. */
    private static final class Gate {
        boolean open;
    }

    private static long[] floorRound(FloorWorkloads.Carrier c, String workload) throws InterruptedException {
        Gate gate = new Gate();
        Thread[] ts = new Thread[ROUND];
        long t0 = allocated();
        for (int i = 0; i < ROUND; i++) {
            ts[i] = switch (workload) {
                case "idle" ->
                    c.start(() -> {
                        while (!gate.open) {
                            LockSupport.park();
                        }
                    });
                case "sleep" ->
                    c.start(() -> {
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                default -> c.start(() -> {});
            };
        }
        long t1 = allocated();
        Thread.yield(); // every thread has run until it waits (or ended)
        Thread.yield();
        long t2 = allocated();
        gate.open = true;
        for (Thread t : ts) {
            LockSupport.unpark(t);
        }
        for (Thread t : ts) {
            t.join();
        }
        long t3 = allocated();
        return new long[] {(t1 - t0) / ROUND, (t2 - t1) / ROUND, (t3 - t2) / ROUND};
    }
}
