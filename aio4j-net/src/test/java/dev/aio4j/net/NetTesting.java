package dev.aio4j.net;

import static org.assertj.core.api.Assertions.fail;

import dev.aio4j.Aio;
import dev.aio4j.CheckedRunnable;
import dev.aio4j.ExceptionContext;
import dev.aio4j.RunOptions;
import dev.aio4j.Timeout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** What the network tests share: a bounded run, real peers, byte helpers. */
final class NetTesting {
    private NetTesting() {}

    /** How long any one network test body may run on the loop before it fails. */
    static final Duration BODY_LIMIT = Duration.ofSeconds(30);

    /** Runs {@code body} on a fresh loop (real clock: real sockets), failing after BODY_LIMIT. */
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

    /** The path of a peer program; fails naming the Debian package when it is missing. */
    static String peer(String program, String debianPackage) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return fail("the test peer '" + program + "' is missing: install the Debian package " + debianPackage
                + " (./aio4j test installs it)");
    }

    static String python() {
        return peer("python3", "python3");
    }

    /** A started peer process; its output is collected by a platform thread. */
    static final class PeerProcess implements AutoCloseable {
        final Process process;
        private final StringBuilder out = new StringBuilder();
        private final Thread pump;

        PeerProcess(List<String> command) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            process = pb.start();
            pump = Thread.ofPlatform().daemon(true).start(() -> {
                try (InputStream in = process.getInputStream()) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (out) {
                            out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                            out.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
        }

        /** Waits (blocking this platform thread, up to {@code timeout}) until the output contains {@code text}. */
        String awaitOutput(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (out) {
                while (out.indexOf(text) < 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError(
                                "peer did not print '" + text + "' within " + timeout + "; output:\n" + out);
                    }
                    TimeUnit.NANOSECONDS.timedWait(out, left);
                }
                return out.toString();
            }
        }

        String output() {
            synchronized (out) {
                return out.toString();
            }
        }

        int waitFor(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("peer did not exit within " + timeout + "; output:\n" + output());
            }
            pump.join(timeout.toMillis());
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    /** Records what reaches a loop's exception handler. */
    static final class Recorded {
        final List<ExceptionContext> contexts = new ArrayList<>();

        void install() {
            Aio.getRunningLoop().setExceptionHandler((loop, ctx) -> contexts.add(ctx));
        }
    }

    static RunOptions defaults() {
        return RunOptions.defaults();
    }

    /** The number of open file descriptors of this process. */
    static int openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }
}
