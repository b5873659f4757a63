package dev.aio4j.http.server;

import static dev.aio4j.http.HttpTesting.exchange;
import static dev.aio4j.http.HttpTesting.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.http.HttpTesting;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpServerTest {

    private static Router hello() {
        return new Router()
                .get("/", r -> Response.text("hello"))
                .post("/echo", r -> Response.bytes(r.bytes(), r.header("Content-Type")))
                .get("/users/{id}", r -> Response.text("user " + r.pathParam("id") + " q=" + r.query("q")));
    }

    @Test
    void answersAGetWithContentLength() {
        run(() -> {
            HttpServer server = HttpServer.start(hello(), "127.0.0.1", 0);
            String resp = exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(resp)
                    .startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("Content-Length: 5\r\n")
                    .contains("Connection: close\r\n")
                    .endsWith("\r\n\r\nhello");
            server.close();
        });
    }

    @Test
    void keepsTheConnectionForPipelinedRequestsAndAnswersInOrder() {
        run(() -> {
            HttpServer server = HttpServer.start(hello(), "127.0.0.1", 0);
            String resp = exchange(
                    server.port(),
                    "GET /users/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                            + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                            + "GET /users/2?q=a%20b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(resp.split("HTTP/1.1 200 OK", -1)).hasSize(4);
            assertThat(resp.indexOf("user 1 q=null")).isLessThan(resp.indexOf("abc"));
            assertThat(resp.indexOf("abc")).isLessThan(resp.indexOf("user 2 q=a b"));
            server.close();
        });
    }

    @Test
    void readsAChunkedBodyAndStreamsAChunkedResponse() {
        run(() -> {
            Router r = new Router().post("/up", req -> {
                byte[] all = req.bytes();
                return Response.stream("text/plain", out -> {
                    for (int i = 0; i < 3; i++) {
                        out.write(("part" + i + ":" + all.length + "\n").getBytes());
                    }
                });
            });
            HttpServer server = HttpServer.start(r, "127.0.0.1", 0);
            String resp = exchange(
                    server.port(),
                    "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                            + "Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            assertThat(resp)
                    .contains("Transfer-Encoding: chunked\r\n")
                    .contains("9\r\npart0:11\n\r\n")
                    .endsWith("0\r\n\r\n");
            server.close();
        });
    }

    @Test
    void answersHeadWithoutABody() {
        run(() -> {
            HttpServer server = HttpServer.start(hello(), "127.0.0.1", 0);
            String resp = exchange(server.port(), "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(resp)
                    .startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("Content-Length: 5\r\n")
                    .endsWith("\r\n\r\n");
            server.close();
        });
    }

    @Test
    void sendsContinueOnlyWhenTheHandlerReadsTheBody() {
        run(() -> {
            HttpServer server = HttpServer.start(hello().post("/ignore", r -> Response.text("no")), "127.0.0.1", 0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            c.writer().write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertThat(HttpTesting.str(c.reader().readUntil("\r\n\r\n".getBytes())))
                    .isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            c.writer().write("data");
            String head = HttpTesting.str(c.reader().readUntil("\r\n\r\n".getBytes()));
            assertThat(head).startsWith("HTTP/1.1 200 OK");
            assertThat(HttpTesting.str(c.reader().readExactly(4))).isEqualTo("data");
            c.writer().close();
            // A handler that does not read: no 100, and the connection closes after the answer.
            String resp = exchange(
                    server.port(),
                    "POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n" + "Expect: 100-continue\r\n\r\n");
            assertThat(resp)
                    .startsWith("HTTP/1.1 200 OK")
                    .doesNotContain("100 Continue")
                    .contains("Connection: close");
            server.close();
        });
    }

    @Test
    void routesGive404And405WithAllow() {
        run(() -> {
            HttpServer server = HttpServer.start(hello(), "127.0.0.1", 0);
            assertThat(exchange(server.port(), "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 404 Not Found")
                    .endsWith("404 Not Found\n");
            assertThat(exchange(server.port(), "DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 405 Method Not Allowed")
                    .contains("Allow: GET, HEAD\r\n");
            server.close();
        });
    }

    @Test
    void aFailingHandlerGives500AndMiddlewareWrapsEveryAnswer() {
        run(() -> {
            Router r = hello().get("/boom", req -> {
                        throw new IllegalStateException("boom");
                    })
                    .get("/teapot", req -> {
                        throw new HttpError(418, "short and stout");
                    })
                    .use((req, next) -> next.handle(req).header("X-Mw", "1"));
            HttpServer server = HttpServer.start(r, "127.0.0.1", 0);
            assertThat(exchange(server.port(), "GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 500 Internal Server Error")
                    .endsWith("500 Internal Server Error\n");
            assertThat(exchange(server.port(), "GET /teapot HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 418 ")
                    .contains("X-Mw: 1")
                    .endsWith("short and stout\n");
            assertThat(exchange(server.port(), "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .contains("X-Mw: 1");
            server.close();
        });
    }

    @Test
    void streamsARequestBodyWithBoundedMemory() {
        run(() -> {
            long total = 20L * 1024 * 1024;
            Router r = new Router().post("/count", req -> {
                long n = 0;
                try (InputStream in = req.bodyStream()) {
                    byte[] buf = new byte[8192];
                    for (int k; (k = in.read(buf)) > 0; ) {
                        n += k;
                    }
                }
                return Response.text(Long.toString(n));
            });
            HttpServer server = HttpServer.start(
                    r, "127.0.0.1", 0, HttpServerOptions.defaults().withMaxBodyBytes(total));
            Connection c = Net.openConnection("127.0.0.1", server.port());
            c.writer()
                    .write("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: " + total
                            + "\r\nConnection: close\r\n\r\n");
            byte[] block = new byte[64 * 1024];
            for (long sent = 0; sent < total; sent += block.length) {
                c.writer().write(block);
                c.writer().drain();
            }
            String resp = HttpTesting.str(c.reader().read());
            assertThat(resp).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\n" + total);
            server.close();
        });
    }

    @Test
    void shutdownClosesIdleConnectionsAndLetsARunningRequestFinish() {
        run(() -> {
            Router r = hello().get("/slow", req -> {
                Aio.sleep(Duration.ofMillis(300));
                return Response.text("done");
            });
            HttpServer server = HttpServer.start(r, "127.0.0.1", 0);
            Connection idle = Net.openConnection("127.0.0.1", server.port());
            idle.writer().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpTesting.str(idle.reader().readUntil("hello".getBytes()));
            Connection busy = Net.openConnection("127.0.0.1", server.port());
            busy.writer().write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            Aio.sleep(Duration.ofMillis(100));
            server.shutdown(Duration.ofSeconds(10));
            assertThat(idle.reader().read()).isEmpty();
            String resp = HttpTesting.str(busy.reader().read());
            assertThat(resp)
                    .startsWith("HTTP/1.1 200 OK")
                    .contains("Connection: close")
                    .endsWith("done");
            assertThat(server.connectionCount()).isZero();
        });
    }

    @Test
    void writesOneAccessLogLinePerRequestThroughSystemLogger() {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.aio4j.http.access");
        List<String> lines = new java.util.ArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                synchronized (lines) {
                    lines.add(r.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(h);
        try {
            run(() -> {
                HttpServer server = HttpServer.start(
                        hello(), "127.0.0.1", 0, HttpServerOptions.defaults().withAccessLog(true));
                exchange(server.port(), "GET /users/9?q=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                server.close();
            });
        } finally {
            jul.removeHandler(h);
        }
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).matches("127\\.0\\.0\\.1 \"GET /users/9\\?q=1 HTTP/1\\.1\" 200 \\d+ [\\d.]+ms");
    }

    @Test
    void anHttp2PrefaceGetsAnErrorAndTheConnectionCloses() {
        run(() -> {
            HttpServer server = HttpServer.start(hello(), "127.0.0.1", 0);
            String resp = exchange(server.port(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            assertThat(resp).startsWith("HTTP/1.1 505 ").contains("Connection: close");
            server.close();
        });
    }

    @Test
    void slowHandlersSuspendOnlyTheirOwnTasks() {
        run(() -> {
            Router r = hello().get("/slow", req -> {
                Aio.sleep(Duration.ofMillis(500));
                return Response.text("slept");
            });
            HttpServer server = HttpServer.start(r, "127.0.0.1", 0);
            double[] worstLateness = new double[1];
            dev.aio4j.Task<Void> heart = Aio.createTask(() -> {
                while (true) {
                    long t0 = System.nanoTime();
                    Aio.sleep(Duration.ofMillis(10));
                    worstLateness[0] = Math.max(worstLateness[0], (System.nanoTime() - t0) / 1e6 - 10);
                }
            });
            long t0 = System.nanoTime();
            List<dev.aio4j.Task<String>> clients = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                clients.add(Aio.createTask(
                        () -> exchange(server.port(), "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
            }
            for (dev.aio4j.Task<String> c : clients) {
                assertThat(c.await()).endsWith("slept");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            heart.cancel();
            assertThat(seconds).as("20 handlers sleeping 0.5 s each, at once").isLessThan(4.0);
            assertThat(worstLateness[0]).as("heartbeat lateness in ms").isLessThan(400);
            server.close();
        });
    }

    @Test
    void aStreamedResponseWaitsForAClientThatDoesNotRead() {
        run(() -> {
            int[] written = new int[1];
            Router r = new Router()
                    .get(
                            "/flood",
                            req -> Response.stream("application/octet-stream", out -> {
                                byte[] block = new byte[64 * 1024];
                                for (int i = 0; i < 1024; i++) {
                                    out.write(block);
                                    written[0]++;
                                }
                            }));
            HttpServer server = HttpServer.start(r, "127.0.0.1", 0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            c.writer().write("GET /flood HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            Aio.sleep(Duration.ofMillis(500));
            // The client's reader pauses its socket at 2 x 64 KiB, so only the socket buffers fill up.
            assertThat(written[0])
                    .as("64 KiB blocks written while the client read nothing")
                    .isLessThan(200);
            long total = 0;
            for (byte[] b; (b = c.reader().read(1 << 20)).length > 0; ) {
                total += b.length;
            }
            assertThat(total).isGreaterThan(64L * 1024 * 1024);
            assertThat(written[0]).isEqualTo(1024);
            server.close();
        });
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheKeepAliveTimeout() {
        run(() -> {
            HttpServer server = HttpServer.start(
                    hello(), "127.0.0.1", 0, HttpServerOptions.defaults().withKeepAliveTimeout(Duration.ofMillis(300)));
            Connection c = Net.openConnection("127.0.0.1", server.port());
            c.writer().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            c.reader().readUntil("hello".getBytes());
            long t0 = System.nanoTime();
            assertThat(dev.aio4j.Timeout.after(
                            Duration.ofSeconds(10), () -> c.reader().read()))
                    .isEmpty();
            assertThat((System.nanoTime() - t0) / 1e9).isBetween(0.25, 5.0);
            server.close();
        });
    }
}
