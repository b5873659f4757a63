package dev.aio4j.process;

import static org.assertj.core.api.Assertions.fail;

import dev.aio4j.Aio;
import dev.aio4j.CheckedRunnable;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.process.internal.PipePumps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** What the subprocess tests share: a bounded run, real programs, a heartbeat, /proc checks. */
final class ProcessTesting {
    private ProcessTesting() {}

    /** How long one test body may run on the loop before it fails. */
    static final Duration BODY_LIMIT = Duration.ofSeconds(90);

    /** True under {@code -Daio4j.long=true}: the full-size stress cases. */
    static final boolean LONG = Boolean.getBoolean("aio4j.long");

    static <T> T run(Callable<T> body) {
        return Aio.run(() -> Timeout.after(BODY_LIMIT, body));
    }

    static void run(CheckedRunnable body) {
        run(() -> {
            body.run();
            return null;
        });
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A Python 3 interpreter: Debian's, else the pyenv one. */
    static String python() {
        for (String p :
                List.of("/usr/bin/python3", System.getProperty("user.home") + "/.pyenv/versions/3.13.0/bin/python3")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return fail("python3 is missing: install the Debian package python3 (./aio4j test installs it)");
    }

    /** The number of open file descriptors of this JVM. */
    static int openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    /** Child processes of this JVM still known to the kernel (running or zombies). */
    static List<Long> children() throws IOException {
        long self = ProcessHandle.current().pid();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> parentOf(p) == self)
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        }
    }

    private static long parentOf(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[1]);
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    /** True while the kernel still has {@code pid} (running or a zombie). */
    static boolean procExists(long pid) {
        return Files.exists(Path.of("/proc/" + pid));
    }

    /**
     * The number of pump threads still running a job after waiting up to 5 s for them to finish
     * (a pump reports its last result to the loop just before its thread goes back to the pool).
     */
    static int busyPumpsAfterSettling() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (PipePumps.busyThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return PipePumps.busyThreads();
    }

    /** The stacks of the pump threads, to say what a busy one is doing. */
    static String pumpStacks() {
        StringBuilder sb = new StringBuilder("pump threads:");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith(PipePumps.THREAD_NAME_PREFIX)) {
                sb.append('\n').append(thread.getName()).append(' ').append(thread.getState());
                for (StackTraceElement frame : stack) {
                    sb.append("\n    at ").append(frame);
                }
            }
        });
        return sb.toString();
    }

    /** A task that wakes every 10 ms and records how late it woke. */
    static final class Heartbeat {
        private final Task<Void> task;
        private long maxLateNanos;
        private int beats;

        Heartbeat() {
            task = Aio.createTask(
                    () -> {
                        long period = Duration.ofMillis(10).toNanos();
                        while (true) {
                            long due = System.nanoTime() + period;
                            Aio.sleep(Duration.ofNanos(period));
                            maxLateNanos = Math.max(maxLateNanos, System.nanoTime() - due);
                            beats++;
                        }
                    },
                    "heartbeat");
        }

        /** Stops the heartbeat; returns its worst lateness. */
        Duration stop() {
            task.cancel();
            return Duration.ofNanos(maxLateNanos);
        }

        int beats() {
            return beats;
        }
    }
}
