package dev.aio4j.examples;

import static dev.aio4j.examples.HttpExamplesTest.output;
import static dev.aio4j.examples.HttpExamplesTest.peer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code Proxy} example run as a program in front of a real backend (Python's
 * {@code http.server}, serving a directory, echoing POST bodies, and slow on {@code /slow}),
 * talked to with curl.
 */
@org.junit.jupiter.api.Timeout(value = 180, threadMode = ThreadMode.SEPARATE_THREAD)
class ProxyTest {

    /** Files from the directory; POST echoes the body with the path and X-Forwarded-For as headers; /slow sleeps 30 s. */
    private static final String BACKEND =
            """
            import sys, time
            from functools import partial
            from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
            class Handler(SimpleHTTPRequestHandler):
                def do_GET(self):
                    if self.path == '/slow':
                        time.sleep(30)
                    super().do_GET()
                def do_POST(self):
                    body = self.rfile.read(int(self.headers['Content-Length']))
                    self.send_response(201)
                    self.send_header('Content-Type', self.headers['Content-Type'])
                    self.send_header('Content-Length', str(len(body)))
                    self.send_header('X-Seen-Path', self.path)
                    self.send_header('X-Seen-Forwarded-For', self.headers['X-Forwarded-For'])
                    self.send_header('X-Seen-Connection', str(self.headers['Connection']))
                    self.send_header('X-Seen-Private', str(self.headers['X-Private']))
                    self.end_headers()
                    self.wfile.write(body)
            server = ThreadingHTTPServer(('127.0.0.1', 0), partial(Handler, directory=sys.argv[1]))
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """;

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private int backendPort;

    @BeforeEach
    void startBackend() throws IOException {
        Path script = dir.resolve("backend.py");
        Files.writeString(script, BACKEND);
        Files.createDirectories(dir.resolve("www"));
        Process backend = new ProcessBuilder(
                        peer("python3", "python3"),
                        script.toString(),
                        dir.resolve("www").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        started.add(backend);
        String line =
                new BufferedReader(new InputStreamReader(backend.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the Python backend's port").matches("\\d+");
        backendPort = Integer.parseInt(line);
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** Starts the proxy in front of {@code backendPort}; returns its port. */
    private int proxy(int backendPort, Path accessLog, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("--backend", "http://127.0.0.1:" + backendPort, "--port", "0"));
        args.addAll(List.of(options));
        int[] port = new int[1];
        started.add(NetworkExamplesTest.start("Proxy", args, port, accessLog));
        return port[0];
    }

    private static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(peer("curl", "curl"), "-sS"));
        cmd.addAll(List.of(args));
        return output(cmd, Duration.ofSeconds(60));
    }

    @Test
    void forwardsAFileAndItsHeadersAndLogsTheRequest() throws Exception {
        byte[] file = new byte[300_000];
        new Random(7).nextBytes(file);
        Files.write(dir.resolve("www/data.bin"), file);
        Files.writeString(dir.resolve("www/hello.txt"), "hello through the proxy\n");
        Path log = dir.resolve("access.log");
        int port = proxy(backendPort, log);
        String base = "http://127.0.0.1:" + port;

        String headers = curl("-o", dir.resolve("got.bin").toString(), "-D", "-", base + "/data.bin?x=1");
        assertThat(headers)
                .startsWith("HTTP/1.1 200")
                .containsIgnoringCase("Content-Length: 300000")
                .containsIgnoringCase("Server: SimpleHTTP")
                .containsIgnoringCase("Last-Modified:");
        assertThat(Files.readAllBytes(dir.resolve("got.bin"))).isEqualTo(file);
        assertThat(curl(base + "/hello.txt")).isEqualTo("hello through the proxy\n");
        assertThat(curl("-I", base + "/hello.txt"))
                .startsWith("HTTP/1.1 200")
                .containsIgnoringCase("Content-Length: 24");
        assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", base + "/missing.txt"))
                .isEqualTo("404");

        String logged = waitForLines(log, 4);
        assertThat(logged)
                .contains(
                        "\"HEAD /hello.txt\" 200",
                        "127.0.0.1 \"GET /data.bin?x=1\" 200",
                        "\"GET /hello.txt\" 200",
                        "\"GET /missing.txt\" 404");
    }

    @Test
    void forwardsAPostBodyWithThePathAndXForwardedForAndWithoutHopByHopHeaders() throws Exception {
        byte[] body = new byte[200_000];
        new Random(11).nextBytes(body);
        Files.write(dir.resolve("upload.bin"), body);
        int port = proxy(backendPort, null);

        String headers = curl(
                "-o",
                dir.resolve("echo.bin").toString(),
                "-D",
                "-",
                "--data-binary",
                "@" + dir.resolve("upload.bin"),
                "-H",
                "Content-Type: application/x-test",
                "-H",
                "X-Forwarded-For: 10.0.0.1",
                "-H",
                "Connection: keep-alive, X-Private",
                "-H",
                "X-Private: secret",
                "http://127.0.0.1:" + port + "/echo/here?a=1&b=%20");
        assertThat(headers)
                .startsWith("HTTP/1.1 201")
                .containsIgnoringCase("Content-Type: application/x-test")
                .containsIgnoringCase("X-Seen-Path: /echo/here?a=1&b=%20")
                .containsIgnoringCase("X-Seen-Forwarded-For: 10.0.0.1, 127.0.0.1")
                .doesNotContainIgnoringCase("X-Seen-Connection: keep-alive")
                .containsIgnoringCase("X-Seen-Private: None"); // named in Connection: hop-by-hop
        assertThat(Files.readAllBytes(dir.resolve("echo.bin"))).isEqualTo(body);
    }

    @Test
    void answers502WhenTheBackendIsDown() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens there once it is closed
        }
        Path log = dir.resolve("access.log");
        int port = proxy(closedPort, log);
        String out = curl("-w", "\n%{http_code}", "http://127.0.0.1:" + port + "/anything");
        assertThat(out).startsWith("502 Bad Gateway").endsWith("\n502");
        assertThat(waitForLines(log, 2))
                .contains(
                        "backend failed for GET /anything: dev.aio4j.http.client.ClientConnectorError",
                        "\"GET /anything\" 502");
    }

    @Test
    void answers504WhenTheBackendIsSlowerThanTheTimeout() throws Exception {
        int port = proxy(backendPort, null, "--timeout", "1");
        long t0 = System.nanoTime();
        String out = curl("-w", "\n%{http_code}", "http://127.0.0.1:" + port + "/slow");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(out).startsWith("504 Gateway Timeout").endsWith("\n504");
        assertThat(millis)
                .as("answered after the 1 s timeout, long before the backend's 30 s")
                .isBetween(900L, 20_000L);
    }

    /** The access log once it has {@code n} lines (bounded wait: lines are written as requests end). */
    private static String waitForLines(Path log, int n) throws Exception {
        for (int i = 0; i < 100; i++) {
            List<String> lines = Files.readAllLines(log);
            if (lines.size() >= n) {
                return String.join("\n", lines);
            }
            Thread.sleep(100);
        }
        return String.join("\n", Files.readAllLines(log));
    }
}
