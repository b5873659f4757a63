package dev.aio4j.bench.compare;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the side-by-side workload programs share: reading their arguments, the process's resident
 * memory, and printing one JSON line of results for the runner (compare/compare.py).
 *
 * <p>Every program takes {@code WORKLOAD N [M]} and prints exactly one line on standard output:
 * {@code {"workload": ..., "n": ..., "value": ..., "unit": ..., ...}}. The line format is the same
 * for the Python and Node programs in compare/.
 */
final class Report {

    private final Map<String, Object> fields = new LinkedHashMap<>();

    Report(String impl, String workload, long n) {
        fields.put("impl", impl);
        fields.put("workload", workload);
        fields.put("n", n);
    }

    Report put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    /**
     * Adds carrier_cpu_per_op, the carrier's CPU nanoseconds per operation between two readings of
     * {@link #cpuNanosOf}, when both were taken.
     */
    Report putCpuPerOp(long cpu0, long cpu1, long ops) {
        return cpu0 < 0 || cpu1 < 0 ? this : put("carrier_cpu_per_op", (double) (cpu1 - cpu0) / ops);
    }

    void print() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(e.getKey()).append("\": ");
            Object v = e.getValue();
            if (v instanceof Number num) {
                sb.append(
                        v instanceof Double || v instanceof Float
                                ? String.format(Locale.ROOT, "%.6g", num.doubleValue())
                                : num.toString());
            } else if (v instanceof Boolean) {
                sb.append(v);
            } else {
                sb.append('"')
                        .append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            }
        }
        System.out.println(sb.append('}'));
        System.out.flush();
    }

    /** Resident set size of this process in bytes (VmRSS of /proc/self/status), or -1. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Resident set size once it stops changing, in bytes: after a full collection G1 gives heap
     * back to the OS from a background thread, so a read right after {@link #heapUsedAfterGc}
     * may still count memory about to be returned (and a later read then shows less).
     */
    static long settledRssBytes() {
        long last = rssBytes();
        for (int i = 0; i < 40; i++) {
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
            long now = rssBytes();
            if (now == last) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /**
     * CPU time so far of the live platform threads whose name starts with {@code prefix} (a
     * loop's carrier), in nanoseconds, or -1 when there is none or the JVM does not measure it.
     * Less disturbed than elapsed time by other processes on a shared machine.
     */
    static long cpuNanosOf(String prefix) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported()) {
            return -1;
        }
        long sum = -1;
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                sum = Math.max(0, sum) + Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    /**
     * The timers workload's delays: {@code n} nanosecond delays drawn uniformly from [0, maxMs]
     * with a fixed seed, so every implementation sleeps the same ones.
     */
    static long[] randomDelays(int n, long maxMs) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        long maxNanos = maxMs * 1_000_000;
        long[] delays = new long[n];
        for (int i = 0; i < n; i++) {
            delays[i] = random.nextLong(maxNanos + 1);
        }
        return delays;
    }

    /** Java heap in use after a full collection, in bytes. */
    static long heapUsedAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.round(p / 100.0 * (sorted.length - 1)));
        return sorted[i];
    }

    /** Median, p99 and max of lateness samples in nanoseconds, as milliseconds fields. */
    static void putLateness(Report r, long[] lateNanos) {
        long[] s = lateNanos.clone();
        Arrays.sort(s);
        r.put("late_p50_ms", percentile(s, 50) / 1e6);
        r.put("late_p99_ms", percentile(s, 99) / 1e6);
        r.put("late_max_ms", s.length == 0 ? 0.0 : s[s.length - 1] / 1e6);
    }

    static long arg(String[] args, int i, long fallback) {
        return args.length > i ? Long.parseLong(args[i].replace("_", "")) : fallback;
    }

    static String usage(String program) {
        return "usage: " + program + " spawn N | switch TASKS YIELDS | pingpong N | timers N MAX_MS | idle N";
    }
}
