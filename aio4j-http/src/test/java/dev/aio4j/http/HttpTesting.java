package dev.aio4j.http;

import static org.assertj.core.api.Assertions.fail;

import dev.aio4j.Aio;
import dev.aio4j.CheckedRunnable;
import dev.aio4j.Timeout;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** What the HTTP tests share: a bounded run, raw exchanges, real peers run off the loop. */
public final class HttpTesting {
    private HttpTesting() {}

    /** How long any one test body may run on the loop before it fails. */
    public static final Duration BODY_LIMIT = Duration.ofSeconds(60);

    public static <T> T run(Callable<T> body) {
        return Aio.run(() -> Timeout.after(BODY_LIMIT, body));
    }

    public static void run(CheckedRunnable body) {
        run(() -> {
            body.run();
            return null;
        });
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Sends {@code request} on a fresh connection and returns everything until the server closes. */
    public static String exchange(int port, String request) throws IOException {
        return exchange(port, bytes(request));
    }

    public static String exchange(int port, byte[] request) throws IOException {
        Connection c = Net.openConnection("127.0.0.1", port);
        try {
            c.writer().write(request);
            c.writer().drain();
            return str(Timeout.after(Duration.ofSeconds(20), () -> c.reader().read()));
        } finally {
            c.writer().close();
        }
    }

    /** The path of a peer program; fails naming the Debian package when it is missing. */
    public static String peer(String program, String debianPackage) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return fail("the test peer '" + program + "' is missing: install the Debian package " + debianPackage
                + " (./aio4j test installs it)");
    }

    /** Fails unless Debian's python3 has {@code module} (from {@code debianPackage}). */
    public static String python(String module, String debianPackage) throws Exception {
        String py = peer("python3", "python3");
        Process p = new ProcessBuilder(py, "-c", "import " + module)
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            fail("the Python module '" + module + "' is missing: install the Debian package " + debianPackage
                    + " (./aio4j test installs it)");
        }
        return py;
    }

    /** A finished peer process: its exit code and output. */
    public record Ran(int exit, String out, String err) {}

    /**
     * Runs {@code command} to its end off the loop (the pipes block), killing it after
     * {@code timeout}; suspends only the calling task.
     */
    public static Ran runPeer(List<String> command, Duration timeout) throws Exception {
        return Aio.toThread(() -> runBlocking(command, timeout));
    }

    public static Ran runBlocking(List<String> command, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread pump = Thread.ofPlatform().daemon(true).start(() -> {
            try (InputStream in = p.getErrorStream()) {
                in.transferTo(err);
            } catch (IOException e) {
                // ended
            }
        });
        Thread killer = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        int exit = p.waitFor();
        pump.join();
        killer.interrupt();
        return new Ran(exit, new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The number of open file descriptors of this process. */
    public static int openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }
}
