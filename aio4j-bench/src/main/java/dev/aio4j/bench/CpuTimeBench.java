package dev.aio4j.bench;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;

/**
 * CoreBench's taskSwitch and spawnAndFinish timed in CPU time of the loop's carrier thread rather
 * than wall-clock time, for comparisons on a machine loaded by other work (wall-clock scores then
 * swing by several times; CPU time of the one thread doing the work hardly moves).
 *
 * <pre>
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -Daio4j.quiet=true \
 *       -cp aio4j-bench/target/benchmarks.jar dev.aio4j.bench.CpuTimeBench taskSwitch|spawnAndFinish ROUNDS
 * </pre>
 */
public final class CpuTimeBench {
    private CpuTimeBench() {}

    public static void main(String[] args) throws Exception {
        String which = args[0];
        int rounds = Integer.parseInt(args[1]);
        BenchLoops.Running running = BenchLoops.start("carrier");
        double[] perOp = new double[rounds];
        running.call(() -> 0);
        Thread carrier = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isVirtual() && t.getName().startsWith("aio4j-loop-"))
                .findFirst()
                .orElseThrow();
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        for (int r = -5; r < rounds; r++) {
            long cpu0 = tmx.getThreadCpuTime(carrier.threadId());
            long ops;
            if (which.equals("taskSwitch")) {
                ops = 100L * 1000 * 5;
                for (int k = 0; k < 5; k++) {
                    running.call(() -> {
                        Task<?>[] tasks = new Task<?>[100];
                        for (int i = 0; i < 100; i++) {
                            tasks[i] = Aio.createTask(() -> {
                                for (int y = 0; y < 1000; y++) {
                                    Aio.sleep(Duration.ZERO);
                                }
                            });
                        }
                        for (Task<?> t : tasks) {
                            t.await();
                        }
                        return 0;
                    });
                }
            } else {
                ops = 10_000L * 20;
                for (int k = 0; k < 20; k++) {
                    running.call(() -> {
                        Task<?>[] tasks = new Task<?>[10_000];
                        for (int i = 0; i < tasks.length; i++) {
                            tasks[i] = Aio.createTask(() -> null);
                        }
                        for (Task<?> t : tasks) {
                            t.await();
                        }
                        return 0;
                    });
                }
            }
            long cpu = tmx.getThreadCpuTime(carrier.threadId()) - cpu0;
            if (r >= 0) {
                perOp[r] = (double) cpu / ops;
            }
        }
        running.close();
        Arrays.sort(perOp);
        System.out.printf(
                "%s: median %.1f, min %.1f ns of carrier CPU time per operation%n", which, perOp[rounds / 2], perOp[0]);
    }
}
