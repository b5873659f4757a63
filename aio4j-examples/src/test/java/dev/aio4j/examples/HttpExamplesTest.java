package dev.aio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.Timeout;
import dev.aio4j.http.websocket.WebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP examples run as programs and talked to by curl, a WebSocket client and Chromium. */
@org.junit.jupiter.api.Timeout(value = 180, threadMode = ThreadMode.SEPARATE_THREAD)
class HttpExamplesTest {

    @TempDir
    Path dir;

    private static Process start(String main, int[] port) throws IOException {
        return NetworkExamplesTest.start(main, List.of("--host", "127.0.0.1", "--port", "0"), port);
    }

    static String peer(String program, String debianPackage) {
        Path p = Path.of("/usr/bin", program);
        assertThat(Files.isExecutable(p))
                .as("the test peer " + p + " is missing: install the Debian package " + debianPackage
                        + " (./aio4j test installs it)")
                .isTrue();
        return p.toString();
    }

    /** Runs a command to its end (bounded) and returns its standard output. */
    static String output(List<String> command, Duration limit) throws Exception {
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread pump = Thread.ofPlatform().daemon(true).start(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // ended
            }
        });
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish within " + limit);
        }
        pump.join(10_000);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void httpHelloAnswersCurlOnBothRoutes() throws Exception {
        int[] port = new int[1];
        Process p = start("HttpHello", port);
        try {
            String base = "http://127.0.0.1:" + port[0];
            String out = output(
                    List.of(peer("curl", "curl"), "-s", base + "/", base + "/hello/aio4j"), Duration.ofSeconds(30));
            assertThat(out).isEqualTo("Hello, world\nHello, aio4j\n");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void webSocketChatCarriesMessagesBetweenChromiumAndAJavaMember() throws Exception {
        String chromium = peer("chromium", "chromium");
        int[] port = new int[1];
        Process p = start("WebSocketChat", port);
        try {
            // A Java member joins first, answers the browser's greeting, and records what it saw.
            List<String> javaSaw = new ArrayList<>();
            Thread member = Thread.ofPlatform()
                    .start(() -> Aio.run(() -> Timeout.after(Duration.ofSeconds(90), () -> {
                        WebSocket ws = WebSocket.connect("ws://127.0.0.1:" + port[0] + "/ws");
                        javaSaw.add(ws.receive().text()); // the welcome
                        synchronized (javaSaw) {
                            javaSaw.notifyAll();
                        }
                        while (true) {
                            String m = ws.receive().text();
                            synchronized (javaSaw) {
                                javaSaw.add(m);
                            }
                            if (m.equals("browser says hi")) {
                                ws.send("java says hi");
                                break;
                            }
                        }
                        ws.receive(); // our own message, broadcast back
                        ws.close();
                        return null;
                    })));
            synchronized (javaSaw) {
                for (int i = 0; i < 100 && javaSaw.isEmpty(); i++) {
                    javaSaw.wait(100);
                }
            }
            // The browser stays open and is read through the DevTools protocol until the three
            // lines are on the page (a --dump-dom snapshot races the broadcasts).
            Path profile = dir.resolve("profile");
            Process browser = new ProcessBuilder(
                            chromium,
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--no-first-run",
                            "--user-data-dir=" + profile,
                            "--remote-debugging-port=0",
                            "--remote-allow-origins=*",
                            "http://127.0.0.1:" + port[0] + "/?hello=browser%20says%20hi")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String page;
            try {
                page = pageTextOnceItShows(profile, List.of("welcome, 2 online", "browser says hi", "java says hi"));
            } finally {
                browser.destroyForcibly();
                browser.waitFor(10, TimeUnit.SECONDS);
            }
            member.join(30_000);
            assertThat(javaSaw).contains("welcome, 1 online", "browser says hi");
            assertThat(page).contains("welcome, 2 online", "browser says hi", "java says hi");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Reads the chat log's text from the browser's page through the DevTools protocol (over
     * aio4j's own WebSocket client) until it holds every expected line, or 60 s pass; returns the
     * last text read.
     */
    private static String pageTextOnceItShows(Path profile, List<String> expected) throws Exception {
        Path activePort = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(activePort) || Files.readAllLines(activePort).isEmpty()) {
            assertThat(System.nanoTime() < deadline)
                    .as("Chromium wrote no DevToolsActivePort")
                    .isTrue();
            Thread.sleep(100);
        }
        int devtoolsPort =
                Integer.parseInt(Files.readAllLines(activePort).get(0).trim());
        String pageSocket = null;
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (pageSocket == null) {
                assertThat(System.nanoTime() < deadline)
                        .as("Chromium listed no page")
                        .isTrue();
                String targets = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + devtoolsPort + "/json/list"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                Matcher m = Pattern.compile("\"webSocketDebuggerUrl\":\\s*\"(ws://[^\"]+/devtools/page/[^\"]+)\"")
                        .matcher(targets);
                if (m.find()) {
                    pageSocket = m.group(1);
                } else {
                    Thread.sleep(100);
                }
            }
        }
        String url = pageSocket;
        return Aio.run(() -> {
            WebSocket ws = WebSocket.connect(url);
            try {
                String text = "";
                for (int id = 1; System.nanoTime() < deadline; id++) {
                    ws.send("{\"id\":" + id + ",\"method\":\"Runtime.evaluate\",\"params\":{\"expression\":"
                            + "\"document.getElementById('log').innerText\"}}");
                    String reply;
                    do {
                        reply = ws.receive().text(); // events carry no id; skip them
                    } while (!reply.contains("\"id\":" + id + ","));
                    text = reply;
                    String shown = text;
                    if (expected.stream().allMatch(shown::contains)) {
                        return text;
                    }
                    Aio.sleep(Duration.ofMillis(100));
                }
                return text;
            } finally {
                ws.close();
            }
        });
    }
}
