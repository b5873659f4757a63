package dev.aio4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test program run in its own JVM (same class path, same mode), its output and error merged
 * and read line by line, and real signals sent to it with the {@code kill} program.
 *
 * <p>The child starts with the default disposition of the signals the tests send, whatever this
 * JVM inherited: a test run started as a background job of a non-interactive shell has SIGINT
 * ignored, and an ignored SIGINT is inherited through exec, so the JVM would never install its
 * handler. A short python3 step (a peer the test set-up installs) resets them before exec. Every
 * read waits at most {@link #LIMIT_SECONDS}.
 */
final class ChildJvm implements AutoCloseable {
    private static final long LIMIT_SECONDS = 60;
    /** Resets HUP, INT, QUIT, TERM and PIPE to their defaults, ignores argv[1] if not "-", execs the rest. */
    private static final String DEFAULT_SIGNALS = "import os, signal, sys\n"
            + "for s in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGPIPE):\n"
            + "    signal.signal(s, signal.SIG_DFL)\n"
            + "if sys.argv[1] != '-':\n"
            + "    signal.signal(getattr(signal, 'SIG' + sys.argv[1]), signal.SIG_IGN)\n"
            + "os.execv(sys.argv[2], sys.argv[2:])\n";

    private static final String EOF = new String("end of output");

    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private boolean ended;

    private ChildJvm(Process process) {
        this.process = process;
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofPlatform().daemon().name("child-jvm-output").start(() -> {
            try (out) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException closed) {
                // the child was destroyed
            }
            lines.add(EOF);
        });
    }

    static ChildJvm start(Class<?> main, String... args) throws IOException {
        return start(null, main, args);
    }

    /** Starts the child with {@code ignored} (a signal name) ignored from the start, as {@code nohup} does. */
    static ChildJvm startIgnoring(String ignored, Class<?> main, String... args) throws IOException {
        return start(ignored, main, args);
    }

    private static ChildJvm start(String ignored, Class<?> main, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new ArrayList<>(List.of(java));
        if (TestSupport.carrierMode()) {
            cmd.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        cmd.addAll(0, List.of("python3", "-c", DEFAULT_SIGNALS, ignored == null ? "-" : ignored));
        return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /**
     * Reads lines until one contains {@code wanted}; false at the end of the output.
     *
     * @throws AssertionError if no such line and no end came within the limit
     */
    boolean readUntil(String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        for (String line; (line = next(deadline)) != null; ) {
            if (line.contains(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** The next line, or null at the end of the output; fails the test at the deadline. */
    @SuppressWarnings("ReferenceEquality") // EOF is a sentinel instance
    private String next(long deadline) throws InterruptedException {
        if (ended) {
            return null;
        }
        String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
            throw new AssertionError(
                    "the child JVM wrote nothing more for " + LIMIT_SECONDS + " s; its output: " + seen);
        }
        if (line == EOF) {
            ended = true;
            return null;
        }
        seen.add(line);
        return line;
    }

    /** Sends {@code signal} with {@code kill -NAME pid}. */
    void kill(Signal signal) throws Exception {
        int status = new ProcessBuilder("kill", "-" + signal.name(), Long.toString(process.pid()))
                .inheritIO()
                .start()
                .waitFor();
        if (status != 0) {
            throw new AssertionError("kill -" + signal.name() + " failed with status " + status);
        }
    }

    /** Reads the rest of the output and waits for the exit; returns the status. */
    int exitStatus() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        while (next(deadline) != null) {
            // collect the rest
        }
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("the child JVM did not exit; its output: " + seen);
        }
        return process.exitValue();
    }

    /** Every line read so far. */
    List<String> lines() {
        return seen;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
