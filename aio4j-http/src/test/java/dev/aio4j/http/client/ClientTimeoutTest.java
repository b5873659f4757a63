package dev.aio4j.http.client;

import static dev.aio4j.http.HttpTesting.run;
import static dev.aio4j.http.client.HttpTesting.stat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.TimeoutError;
import dev.aio4j.http.client.HttpTesting.Peer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each deadline of a ClientTimeout, connection failures, and cancellation of an exchange. */
class ClientTimeoutTest {

    static final Peer peer = Peer.shared();

    private static ClientTimeoutError.Kind kindOf(Throwable e) {
        assertThat(e).isInstanceOf(ClientTimeoutError.class).isInstanceOf(TimeoutError.class);
        return ((ClientTimeoutError) e).kind();
    }

    private static double since(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Polls the peer until it has at most {@code open} connections; returns what it last saw. */
    private static long awaitOpenAtMost(long open) {
        long now = Long.MAX_VALUE;
        for (int i = 0; i < 100 && (now = stat(peer, "open")) > open; i++) {
            Aio.sleep(Duration.ofMillis(50));
        }
        return now;
    }

    @Test
    void theTotalDeadlineCoversTheWaitForHeaders() {
        run(() -> {
            try (HttpSession s = HttpSession.builder()
                    .timeout(ClientTimeout.ofTotal(Duration.ofMillis(300)))
                    .build()) {
                long start = System.nanoTime();
                Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> s.get(peer.url("/delay?ms=5000")));
                assertThat(kindOf(e)).isEqualTo(ClientTimeoutError.Kind.TOTAL);
                assertThat(((ClientTimeoutError) e).url().getPath()).isEqualTo("/delay");
                assertThat(since(start)).isBetween(0.25, 3.0);
                assertThat(s.inFlight()).isZero();
            }
        });
    }

    @Test
    void theTotalDeadlineCoversTheBody() {
        run(() -> {
            try (HttpSession s = HttpSession.create()) {
                ClientResponse r = s.request("GET", peer.url("/slowbody?parts=30&ms=100"))
                        .timeout(ClientTimeout.ofTotal(Duration.ofMillis(600)))
                        .send();
                assertThat(r.status()).isEqualTo(200);
                assertThatThrownBy(r::text)
                        .satisfies(e -> assertThat(kindOf(e)).isEqualTo(ClientTimeoutError.Kind.TOTAL));
                assertThat(r.released()).isTrue();
                assertThat(s.inFlight()).isZero();
            }
        });
    }

    @Test
    void sockReadBoundsTheWaitForHeaders() {
        run(() -> {
            try (HttpSession s = HttpSession.builder()
                    .timeout(ClientTimeout.DEFAULT.withSockRead(Duration.ofMillis(300)))
                    .build()) {
                long start = System.nanoTime();
                Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> s.get(peer.url("/delay?ms=5000")));
                assertThat(kindOf(e)).isEqualTo(ClientTimeoutError.Kind.SOCK_READ);
                assertThat(since(start)).isBetween(0.25, 3.0);
            }
        });
    }

    @Test
    void sockReadBoundsASilenceInTheBodyAndClosesTheConnection() {
        run(() -> {
            try (HttpSession s = HttpSession.builder()
                    .limitPerHost(1)
                    .timeout(ClientTimeout.DEFAULT.withSockRead(Duration.ofMillis(300)))
                    .build()) {
                ClientResponse r = s.get(peer.url("/stall"));
                assertThat(r.content().readExactly(10)).hasSize(10);
                long start = System.nanoTime();
                assertThatThrownBy(() -> r.content().read(100))
                        .satisfies(e -> assertThat(kindOf(e)).isEqualTo(ClientTimeoutError.Kind.SOCK_READ));
                assertThat(since(start)).isBetween(0.25, 3.0);
                assertThat(r.released()).isTrue();
                assertThatThrownBy(() -> r.content().read(1)).isInstanceOf(ClientTimeoutError.class);
                assertThat(s.get(peer.url("/hello")).text()).isEqualTo("hello"); // the slot came back
            }
        });
    }

    @Test
    void sockReadRestartsWithEachPieceOfTheBody() {
        run(() -> {
            try (HttpSession s = HttpSession.builder()
                    .timeout(ClientTimeout.DEFAULT.withSockRead(Duration.ofMillis(1000)))
                    .build()) {
                long start = System.nanoTime();
                String body = s.get(peer.url("/slowbody?parts=10&ms=150")).text();
                assertThat(body).startsWith("part 0\n").endsWith("part 9\n");
                assertThat(since(start)).as("longer than sockRead in all").isGreaterThan(1.0);
            }
        });
    }

    @Test
    void aConnectionThatDoesNotOpenInTimeIsAConnectTimeout() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                fillBacklog(full, queued);
                run(() -> {
                    try (HttpSession s = HttpSession.builder()
                            .timeout(ClientTimeout.DEFAULT.withConnect(Duration.ofMillis(400)))
                            .build()) {
                        long start = System.nanoTime();
                        Throwable e = org.assertj.core.api.Assertions.catchThrowable(
                                () -> s.get("http://127.0.0.1:" + full.getLocalPort() + "/"));
                        assertThat(kindOf(e)).isEqualTo(ClientTimeoutError.Kind.CONNECT);
                        assertThat(since(start)).isBetween(0.3, 5.0);
                        assertThat(s.inFlight()).isZero();
                    }
                });
            } finally {
                for (Socket q : queued) {
                    q.close();
                }
            }
        }
    }

    /** Connects until the listener's accept queue is full and new connections hang (Linux drops the SYN). */
    private static void fillBacklog(ServerSocket server, List<Socket> queued) throws IOException {
        for (int i = 0; i < 64; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), 300);
                queued.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                return;
            }
        }
        throw new IllegalStateException("the accept queue of " + server + " never filled");
    }

    @Test
    void aRefusedConnectionIsAClientConnectorError() throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        run(() -> {
            try (HttpSession s = HttpSession.create()) {
                assertThatThrownBy(() -> s.get("http://127.0.0.1:" + port + "/"))
                        .isInstanceOfSatisfying(ClientConnectorError.class, e -> {
                            assertThat(e.port()).isEqualTo(port);
                            assertThat(e.host()).isEqualTo("127.0.0.1");
                        })
                        .isInstanceOf(ClientConnectionError.class)
                        .isInstanceOf(ClientError.class)
                        .hasMessageContaining("Cannot connect to host 127.0.0.1:" + port);
                assertThat(s.inFlight()).isZero();
            }
        });
    }

    @Test
    void cancellingTheTaskCancelsTheExchangeAndTheServerSeesTheConnectionClose() {
        run(() -> {
            try (HttpSession s = HttpSession.builder().limitPerHost(1).build()) {
                long openBefore = awaitOpenAtMost(0);
                Task<String> waiting =
                        Aio.createTask(() -> s.get(peer.url("/delay?ms=20000")).text());
                Aio.sleep(Duration.ofMillis(300));
                assertThat(stat(peer, "open")).isGreaterThan(openBefore);
                waiting.cancel();
                assertThatThrownBy(waiting::await).isInstanceOf(CancelledError.class);
                assertThat(s.inFlight()).isZero();
                assertThat(awaitOpenAtMost(openBefore))
                        .as("open connections at the server")
                        .isEqualTo(openBefore);
                assertThat(s.get(peer.url("/hello")).text()).isEqualTo("hello");
            }
        });
    }

    @Test
    void aTimeoutScopeAroundARequestIsAPlainTimeoutErrorAndReleasesTheSlot() {
        run(() -> {
            try (HttpSession s = HttpSession.builder().limitPerHost(1).build()) {
                assertThatThrownBy(() -> Timeout.after(Duration.ofMillis(200), () -> s.get(peer.url("/delay?ms=5000"))
                                .text()))
                        .isExactlyInstanceOf(TimeoutError.class);
                assertThat(s.inFlight()).isZero();
                assertThat(s.get(peer.url("/hello")).text()).isEqualTo("hello");
            }
        });
    }
}
