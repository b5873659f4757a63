package dev.aio4j.http.websocket;

import static dev.aio4j.http.HttpTesting.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.http.HttpTesting;
import dev.aio4j.http.server.HttpServer;
import dev.aio4j.http.server.Router;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** aio4j's WebSocket client against aio4j's server, and raw frames against the server. */
class WebSocketTest {

    static Router echo(List<Integer> serverCloseCodes) {
        return new Router().webSocket("/echo", ws -> {
            try {
                for (WebSocketMessage m : ws) {
                    if (m.isText()) {
                        ws.send(m.text());
                    } else {
                        ws.send(m.data());
                    }
                }
            } finally {
                serverCloseCodes.add(ws.closeCode());
            }
        });
    }

    @Test
    void echoesTextAndBinaryAndClosesNormally() {
        run(() -> {
            List<Integer> codes = new ArrayList<>();
            HttpServer server = HttpServer.start(echo(codes), "127.0.0.1", 0);
            WebSocket ws = WebSocket.connect("ws://127.0.0.1:" + server.port() + "/echo");
            ws.send("héllo");
            assertThat(ws.receive().text()).isEqualTo("héllo");
            byte[] big = new byte[300_000];
            big[299_999] = 7;
            ws.send(big);
            WebSocketMessage m = ws.receive();
            assertThat(m.isText()).isFalse();
            assertThat(m.data()).isEqualTo(big);
            ws.ping("p".getBytes());
            ws.send("after ping");
            assertThat(ws.receive().text()).isEqualTo("after ping");
            ws.close();
            assertThat(ws.closeCode()).isEqualTo(1000);
            assertThatThrownBy(ws::receive).isInstanceOf(WebSocketClosedError.class);
            server.shutdown(Duration.ofSeconds(5));
            assertThat(codes).containsExactly(1000);
        });
    }

    @Test
    void closeWithACodeReachesTheServerAndIterationThrowsForAnAbnormalCode() {
        run(() -> {
            List<Integer> codes = new ArrayList<>();
            HttpServer server = HttpServer.start(echo(codes), "127.0.0.1", 0);
            WebSocket ws = WebSocket.connect("ws://127.0.0.1:" + server.port() + "/echo");
            ws.close(4001, "custom");
            assertThat(ws.closeCode()).isEqualTo(4001);
            server.shutdown(Duration.ofSeconds(5));
            assertThat(codes).containsExactly(4001);
        });
    }

    @Test
    void aMessageOverTheLimitClosesWith1009() {
        run(() -> {
            Router r = new Router()
                    .webSocket(
                            "/small",
                            ws -> {
                                for (WebSocketMessage m : ws) {
                                    ws.send(m.text());
                                }
                            },
                            WebSocketOptions.defaults().withMaxMessageBytes(1000));
            HttpServer server = HttpServer.start(r, "127.0.0.1", 0);
            WebSocket ws = WebSocket.connect("ws://127.0.0.1:" + server.port() + "/small");
            ws.send("x".repeat(1001));
            assertThatThrownBy(ws::receive)
                    .isInstanceOf(WebSocketClosedError.class)
                    .satisfies(
                            e -> assertThat(((WebSocketClosedError) e).code()).isEqualTo(1009));
            server.close();
        });
    }

    @Test
    void sendWaitsForASlowReaderAndOtherTasksKeepRunning() {
        run(() -> {
            // The server pushes 64 MiB; the client reads slowly. The server's send must wait (not buffer it all).
            int[] sentBeforeFirstRead = new int[1];
            Router r = new Router().webSocket("/push", ws -> {
                byte[] block = new byte[64 * 1024];
                for (int i = 0; i < 1024; i++) {
                    ws.send(block);
                    sentBeforeFirstRead[0]++;
                }
            });
            HttpServer server = HttpServer.start(r, "127.0.0.1", 0);
            // Uncompressed: 64 MiB of zeros would otherwise deflate to almost nothing.
            WebSocket ws = WebSocket.connect(
                    "ws://127.0.0.1:" + server.port() + "/push",
                    WebSocketOptions.defaults().withCompress(false));
            int[] beats = new int[1];
            Task<Void> heart = Aio.createTask(() -> {
                while (true) {
                    Aio.sleep(Duration.ofMillis(10));
                    beats[0]++;
                }
            });
            Aio.sleep(Duration.ofMillis(300));
            assertThat(sentBeforeFirstRead[0])
                    .as("blocks sent before the client read")
                    .isLessThan(200);
            assertThat(beats[0]).isGreaterThan(5);
            long total = 0;
            for (int i = 0; i < 1024; i++) {
                total += ws.receive().data().length;
            }
            assertThat(total).isEqualTo(64L * 1024 * 1024);
            heart.cancel();
            ws.close();
            server.close();
        });
    }

    // ------------------------------------------------------------------ raw frames

    private static Connection upgrade(int port, String path) throws IOException {
        Connection c = Net.openConnection("127.0.0.1", port);
        c.writer()
                .write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes());
        String head = HttpTesting.str(c.reader().readUntil("\r\n\r\n".getBytes()));
        assertThat(head).startsWith("HTTP/1.1 101 ").contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        return c;
    }

    private static byte[] frame(int first, byte[] payload, boolean mask) {
        byte[] f = new byte[2 + (mask ? 4 : 0) + payload.length];
        f[0] = (byte) first;
        f[1] = (byte) ((mask ? 0x80 : 0) | payload.length);
        int at = 2;
        byte[] key = {1, 2, 3, 4};
        if (mask) {
            System.arraycopy(key, 0, f, 2, 4);
            at = 6;
        }
        for (int i = 0; i < payload.length; i++) {
            f[at + i] = (byte) (payload[i] ^ (mask ? key[i & 3] : 0));
        }
        return f;
    }

    /** The close code of the Close frame the server sends next (data frames skipped). */
    private static int closeCodeFrom(Connection c) throws IOException {
        while (true) {
            byte[] h = c.reader().readExactly(2);
            int len = h[1] & 0x7f;
            byte[] p = c.reader().readExactly(len);
            if ((h[0] & 0x0f) == 0x8) {
                return ((p[0] & 0xff) << 8) | (p[1] & 0xff);
            }
        }
    }

    @Test
    void reassemblesFragmentsWithAPingBetweenThem() {
        run(() -> {
            HttpServer server = HttpServer.start(echo(new ArrayList<>()), "127.0.0.1", 0);
            Connection c = upgrade(server.port(), "/echo");
            c.writer().write(frame(0x01, "frag".getBytes(), true)); // text, not final
            c.writer().write(frame(0x89, "hi".getBytes(), true)); // ping in between
            c.writer().write(frame(0x80, "mented".getBytes(), true)); // final continuation
            byte[] pong = c.reader().readExactly(4);
            assertThat(pong[0] & 0xff).isEqualTo(0x8A);
            byte[] h = c.reader().readExactly(2);
            assertThat(h[0] & 0xff).isEqualTo(0x81);
            assertThat(HttpTesting.str(c.reader().readExactly(h[1]))).isEqualTo("fragmented");
            c.writer().write(frame(0x88, new byte[] {0x03, (byte) 0xe8}, true));
            assertThat(closeCodeFrom(c)).isEqualTo(1000);
            assertThat(c.reader().read()).isEmpty(); // the server closes TCP after the handshake
            server.close();
        });
    }

    @Test
    void protocolViolationsCloseWithTheirCodes() {
        run(() -> {
            HttpServer server = HttpServer.start(echo(new ArrayList<>()), "127.0.0.1", 0);
            Connection c = upgrade(server.port(), "/echo");
            c.writer().write(frame(0x81, "unmasked".getBytes(), false));
            assertThat(closeCodeFrom(c)).isEqualTo(1002);

            c = upgrade(server.port(), "/echo");
            c.writer().write(frame(0x81, new byte[] {(byte) 0xc3, (byte) 0x28}, true)); // invalid UTF-8
            assertThat(closeCodeFrom(c)).isEqualTo(1007);

            c = upgrade(server.port(), "/echo");
            c.writer().write(frame(0x80, "x".getBytes(), true)); // continuation with nothing to continue
            assertThat(closeCodeFrom(c)).isEqualTo(1002);

            c = upgrade(server.port(), "/echo");
            c.writer().write(frame(0xC1, "x".getBytes(), true)); // RSV1 without an extension
            assertThat(closeCodeFrom(c)).isEqualTo(1002);
            server.close();
        });
    }

    @Test
    void aPlainGetToAWebSocketPathGets426() {
        run(() -> {
            HttpServer server = HttpServer.start(echo(new ArrayList<>()), "127.0.0.1", 0);
            assertThat(HttpTesting.exchange(
                            server.port(), "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 426 ");
            assertThatThrownBy(() -> WebSocket.connect("ws://127.0.0.1:" + server.port() + "/nope"))
                    .isInstanceOf(WebSocketHandshakeError.class)
                    .satisfies(e ->
                            assertThat(((WebSocketHandshakeError) e).status()).isEqualTo(404));
            server.close();
        });
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ permessage-deflate

    private static Connection upgradeWith(int port, String path, String extensions, String[] answer)
            throws IOException {
        Connection c = Net.openConnection("127.0.0.1", port);
        c.writer()
                .write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                                + "Sec-WebSocket-Extensions: " + extensions + "\r\n\r\n")
                        .getBytes());
        answer[0] = HttpTesting.str(c.reader().readUntil("\r\n\r\n".getBytes()));
        return c;
    }

    private static byte[] deflate(byte[] data) {
        java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        byte[] buf = new byte[data.length + 1024];
        int n = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
        d.end();
        return java.util.Arrays.copyOf(buf, n - 4); // without the 00 00 ff ff tail
    }

    private static byte[] maskedFrame(int first, byte[] payload) {
        int n = payload.length;
        int ext = n > 65535 ? 8 : n > 125 ? 2 : 0;
        byte[] f = new byte[2 + ext + 4 + n];
        f[0] = (byte) first;
        if (ext == 0) {
            f[1] = (byte) (0x80 | n);
        } else if (ext == 2) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
        } else {
            f[1] = (byte) (0x80 | 127);
            java.nio.ByteBuffer.wrap(f, 2, 8).putLong(n);
        }
        // mask key 0: the payload goes as it is
        System.arraycopy(payload, 0, f, 2 + ext + 4, n);
        return f;
    }

    @Test
    void negotiatesPermessageDeflateAndEchoesCompressedMessages() {
        run(() -> {
            HttpServer server = HttpServer.start(echo(new ArrayList<>()), "127.0.0.1", 0);
            String[] answer = new String[1];
            Connection c = upgradeWith(server.port(), "/echo", "permessage-deflate; client_max_window_bits", answer);
            assertThat(answer[0])
                    .contains("Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n");
            String text = "compress me ".repeat(100);
            c.writer().write(maskedFrame(0xC1, deflate(text.getBytes()))); // FIN + RSV1 + text
            byte[] h = c.reader().readExactly(2);
            assertThat(h[0] & 0xff).as("FIN + RSV1 + text").isEqualTo(0xC1);
            int len = h[1] & 0x7f;
            assertThat(len).as("compressed echo").isLessThan(126);
            byte[] body = c.reader().readExactly(len);
            java.util.zip.Inflater inf = new java.util.zip.Inflater(true);
            byte[] in = java.util.Arrays.copyOf(body, body.length + 4);
            in[body.length + 2] = (byte) 0xff;
            in[body.length + 3] = (byte) 0xff;
            inf.setInput(in);
            byte[] out = new byte[4096];
            int n = inf.inflate(out);
            inf.end();
            assertThat(new String(out, 0, n, StandardCharsets.UTF_8)).isEqualTo(text);
            server.close();
        });
    }

    @Test
    void declinesAnOfferItCannotHonourAndRefusesACompressionBomb() {
        run(() -> {
            Router r = new Router()
                    .webSocket(
                            "/small",
                            ws -> {
                                for (WebSocketMessage m : ws) {
                                    ws.send(m.text());
                                }
                            },
                            WebSocketOptions.defaults().withMaxMessageBytes(10_000));
            HttpServer server = HttpServer.start(r, "127.0.0.1", 0);
            String[] answer = new String[1];
            upgradeWith(server.port(), "/small", "permessage-deflate; server_max_window_bits=10", answer)
                    .writer()
                    .close();
            assertThat(answer[0]).startsWith("HTTP/1.1 101 ").doesNotContain("Sec-WebSocket-Extensions");
            Connection c = upgradeWith(server.port(), "/small", "permessage-deflate", answer);
            assertThat(answer[0]).contains("permessage-deflate");
            byte[] bomb = deflate(new byte[5_000_000]); // a few KiB that inflate to 5 MB
            assertThat(bomb.length).isLessThan(10_000);
            c.writer().write(maskedFrame(0xC2, bomb));
            assertThat(closeCodeFrom(c)).isEqualTo(1009);
            server.close();
        });
    }

    @Test
    void aClientWithoutCompressionGetsPlainFrames() {
        run(() -> {
            HttpServer server = HttpServer.start(echo(new ArrayList<>()), "127.0.0.1", 0);
            WebSocket ws = WebSocket.connect(
                    "ws://127.0.0.1:" + server.port() + "/echo",
                    WebSocketOptions.defaults().withCompress(false));
            ws.send("y".repeat(5000));
            assertThat(ws.receive().text()).hasSize(5000);
            ws.close();
            server.close();
        });
    }

    @Test
    void serverShutdownClosesOpenWebSocketsWith1001AfterTheGrace() {
        run(() -> {
            HttpServer server = HttpServer.start(echo(new ArrayList<>()), "127.0.0.1", 0);
            WebSocket ws = WebSocket.connect("ws://127.0.0.1:" + server.port() + "/echo");
            ws.send("still here");
            assertThat(ws.receive().text()).isEqualTo("still here");
            long t0 = System.nanoTime();
            server.shutdown(Duration.ofMillis(300));
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5.0);
            assertThat(server.connectionCount()).isZero();
            assertThatThrownBy(ws::receive)
                    .isInstanceOf(WebSocketClosedError.class)
                    .satisfies(
                            e -> assertThat(((WebSocketClosedError) e).code()).isEqualTo(1001));
        });
    }
}
