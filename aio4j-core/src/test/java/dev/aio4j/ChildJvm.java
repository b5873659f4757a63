package dev.aio4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test program run in its own JVM (same class path, same mode), its output and error merged
 * and read line by line, and real signals sent to it with the {@code kill} program.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final List<String> seen = new ArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
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
        if (ignored != null) {
            cmd.addAll(0, List.of("sh", "-c", "trap '' " + ignored + "; exec \"$@\"", "sh"));
        }
        return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Reads lines until one contains {@code wanted}; false at the end of the output. */
    boolean readUntil(String wanted) throws IOException {
        for (String line; (line = out.readLine()) != null; ) {
            seen.add(line);
            if (line.contains(wanted)) {
                return true;
            }
        }
        return false;
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
        for (String line; (line = out.readLine()) != null; ) {
            seen.add(line);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
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
