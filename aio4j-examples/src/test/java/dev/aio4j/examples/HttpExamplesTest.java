package dev.aio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.Timeout;
import dev.aio4j.http.websocket.WebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    private static String peer(String program, String debianPackage) {
        Path p = Path.of("/usr/bin", program);
        assertThat(Files.isExecutable(p)).as("the test peer " + p + " is missing: install the Debian package "
                + debianPackage + " (./aio4j test installs it)").isTrue();
        return p.toString();
    }

    /** Runs a command to its end (bounded) and returns its standard output. */
    private static String output(List<String> command, Duration limit) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
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
            String out = output(List.of(peer("curl", "curl"), "-s", base + "/", base + "/hello/aio4j"), Duration.ofSeconds(30));
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
            Thread member = Thread.ofPlatform().start(() -> Aio.run(() -> Timeout.after(Duration.ofSeconds(90), () -> {
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
            String dom = output(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=5000", "--dump-dom",
                    "http://127.0.0.1:" + port[0] + "/?hello=browser%20says%20hi"), Duration.ofSeconds(90));
            member.join(30_000);
            assertThat(javaSaw).contains("welcome, 1 online", "browser says hi");
            assertThat(dom).contains("<li>welcome, 2 online</li>").contains("<li>browser says hi</li>")
                    .contains("<li>java says hi</li>");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
