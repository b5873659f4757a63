package dev.aio4j.http.server;

import static dev.aio4j.http.HttpTesting.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.Timeout;
import dev.aio4j.http.HttpTesting;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Clients that misbehave: the server stays up and leaks neither descriptors nor tasks. */
class HttpAbuseTest {

    private static final byte[] HEAD_END = "\r\n\r\n".getBytes();

    private static Router app() {
        return new Router()
                .get("/", r -> Response.text("hello"))
                .get(
                        "/big",
                        r -> Response.stream("application/octet-stream", out -> {
                            byte[] block = new byte[64 * 1024];
                            for (int i = 0; i < 10_000; i++) {
                                out.write(block);
                            }
                        }));
    }

    /** Waits (bounded) until the server has no connection and the loop only the test's tasks. */
    private static void assertNoLeaks(HttpServer server, int fdsBefore, int tasksBefore) throws Exception {
        for (int i = 0;
                i < 500
                        && (server.connectionCount() > 0
                                || Aio.allTasks().size() > tasksBefore
                                || HttpTesting.openFds() > fdsBefore + 5);
                i++) {
            Aio.sleep(Duration.ofMillis(10));
        }
        assertThat(server.connectionCount()).as("connections").isZero();
        assertThat(Aio.allTasks().size()).as("tasks: " + Aio.allTasks()).isLessThanOrEqualTo(tasksBefore);
        assertThat(HttpTesting.openFds()).as("open file descriptors").isLessThanOrEqualTo(fdsBefore + 5);
    }

    @Test
    void aSlowlorisHeadIsAnswered408WithinTheHeaderTimeout() {
        run(() -> {
            HttpServer server = HttpServer.start(
                    app(), "127.0.0.1", 0, HttpServerOptions.defaults().withHeaderTimeout(Duration.ofSeconds(1)));
            Connection c = Net.openConnection("127.0.0.1", server.port());
            long t0 = System.nanoTime();
            String head = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
            boolean cut = false;
            for (int i = 0; i < 100 && !cut; i++) {
                try {
                    c.writer().write(head.substring(i % head.length(), i % head.length() + 1));
                    c.writer().drain();
                } catch (java.io.IOException e) {
                    cut = true;
                }
                Aio.sleep(Duration.ofMillis(100));
                cut |= c.reader().bufferedSize() > 0 || c.reader().atEof();
            }
            String resp = HttpTesting.str(
                    Timeout.after(Duration.ofSeconds(10), () -> c.reader().read()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(resp).startsWith("HTTP/1.1 408 ");
            assertThat(seconds).isBetween(0.9, 8.0);

            // A connection that never sends a byte is closed quietly after the header timeout.
            Connection silent = Net.openConnection("127.0.0.1", server.port());
            assertThat(Timeout.after(
                            Duration.ofSeconds(10), () -> silent.reader().read()))
                    .isEmpty();
            server.close();
        });
    }

    @Test
    void tenThousandRequestsOnOneKeepAliveConnection() {
        run(() -> {
            HttpServer server = HttpServer.start(app(), "127.0.0.1", 0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            byte[] request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes();
            for (int i = 0; i < 10_000; i++) {
                c.writer().write(request);
                String head = HttpTesting.str(c.reader().readUntil(HEAD_END));
                assertThat(head).startsWith("HTTP/1.1 200 OK").doesNotContain("Connection: close");
                assertThat(c.reader().readExactly(5)).isEqualTo("hello".getBytes());
            }
            assertThat(server.connectionCount()).isEqualTo(1);
            c.writer().close();
            server.close();
        });
    }

    @Test
    void twoThousandIdleConnectionsAreHeldAndAllStillServed() {
        run(() -> {
            int n = 2000;
            HttpServer server = HttpServer.start(
                    app(),
                    "127.0.0.1",
                    0,
                    HttpServerOptions.defaults()
                            .withNet(dev.aio4j.net.ServerOptions.defaults().withBacklog(1024)));
            int fds = HttpTesting.openFds();
            int tasks = Aio.allTasks().size();
            List<Connection> conns = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                conns.add(Net.openConnection("127.0.0.1", server.port()));
            }
            for (int i = 0; i < 200 && server.connectionCount() < n; i++) {
                Aio.sleep(Duration.ofMillis(20));
            }
            assertThat(server.connectionCount()).isEqualTo(n);
            // A request on the last one is answered at once while the others idle.
            Connection last = conns.get(n - 1);
            last.writer().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(HttpTesting.str(last.reader().readUntil(HEAD_END))).startsWith("HTTP/1.1 200 OK");
            last.reader().readExactly(5);
            for (Connection c : conns) {
                c.writer().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            }
            for (Connection c : conns) {
                assertThat(HttpTesting.str(c.reader().read()))
                        .startsWith("HTTP/1.1 200 OK")
                        .endsWith("hello");
                c.writer().close();
            }
            assertNoLeaks(server, fds, tasks);
            server.close();
        });
    }

    @Test
    void aClientThatDisconnectsMidResponseLeavesTheServerServing() {
        run(() -> {
            HttpServer server = HttpServer.start(app(), "127.0.0.1", 0);
            int fds = HttpTesting.openFds();
            int tasks = Aio.allTasks().size();
            for (int round = 0; round < 20; round++) {
                Connection c = Net.openConnection("127.0.0.1", server.port());
                c.writer().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
                c.reader().readExactly(100_000);
                c.writer().transport().abort();
            }
            assertNoLeaks(server, fds, tasks);
            assertThat(HttpTesting.exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .endsWith("hello");
            server.close();
        });
    }

    @Test
    void wrkLoadGetsOnlySuccessfulAnswersAndLeavesNothingBehind() {
        run(() -> {
            String wrk = HttpTesting.peer("wrk", "wrk");
            HttpServer server = HttpServer.start(app(), "127.0.0.1", 0);
            int fds = HttpTesting.openFds();
            int tasks = Aio.allTasks().size();
            HttpTesting.Ran r = HttpTesting.runPeer(
                    List.of(wrk, "-t1", "-c50", "-d3s", "http://127.0.0.1:" + server.port() + "/"),
                    Duration.ofSeconds(30));
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out())
                    .contains("Requests/sec")
                    .doesNotContain("Non-2xx")
                    .doesNotContain("Socket errors");
            assertNoLeaks(server, fds, tasks);
            server.close();
        });
    }
}
