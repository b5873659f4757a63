package dev.aio4j.net;

import static dev.aio4j.net.NetTesting.run;
import static dev.aio4j.net.NetTesting.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Connecting: name resolution, several addresses, timeouts and Happy Eyeballs. */
class ConnectTest {

    /**
     * A port on 127.0.0.1 whose connects hang: a listener with a full accept queue that never
     * accepts drops further SYNs (Linux), so a connect waits for SYN retransmissions.
     */
    private ServerSocketChannel blackhole;

    private final List<SocketChannel> fillers = new ArrayList<>();
    private int blackholePort;

    @BeforeEach
    void makeBlackhole() throws IOException {
        blackhole = ServerSocketChannel.open();
        blackhole.bind(new InetSocketAddress("127.0.0.1", 0), 1);
        blackholePort = ((InetSocketAddress) blackhole.getLocalAddress()).getPort();
        for (int i = 0; i < 8; i++) { // fill the accept queue; later connects would block
            SocketChannel c = SocketChannel.open();
            c.configureBlocking(false);
            c.connect(blackhole.getLocalAddress());
            fillers.add(c);
        }
    }

    @AfterEach
    void closeBlackhole() throws IOException {
        for (SocketChannel c : fillers) {
            c.close();
        }
        blackhole.close();
    }

    private static int refusedPort() throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
    }

    @Test
    void badArgumentsFailWithTheCheckAndTheValue() {
        run(() -> {
            assertThatThrownBy(() -> Net.getaddrinfo("127.0.0.1", 70000))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("port not in 0..65535: 70000");
            assertThatThrownBy(
                            () -> Net.createServer(() -> new Protocol() {}, "127.0.0.1", -1, ServerOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("port not in 0..65535: -1");
            assertThatThrownBy(() -> Net.openDatagramEndpoint(null, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("localAddress and remoteAddress both null");
            SocketChannel unused = SocketChannel.open();
            unused.close();
            assertThatThrownBy(() -> Net.sockRecv(unused, -1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("n < 0: -1");
        });
        assertThatThrownBy(() -> ConnectOptions.defaults().withServerHostname("example.org"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serverHostname without ssl: example.org");
        assertThatThrownBy(() -> ConnectOptions.defaults().withLimit(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit <= 0: 0");
        assertThatThrownBy(() -> new WriteBufferLimits(10, -2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("low < 0: -2");
    }

    @Test
    void aConnectTimeoutEndsAnAttemptThatHangs() {
        run(() -> {
            long start = System.nanoTime();
            assertThatThrownBy(() -> Net.openConnection(
                            "127.0.0.1",
                            blackholePort,
                            ConnectOptions.defaults().withConnectTimeout(Duration.ofMillis(300))))
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("timed out after PT0.3S");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        });
    }

    @Test
    void happyEyeballsStartsTheNextAttemptAfterTheDelayAndTheFirstSuccessWins() {
        run(() -> {
            Server server = Net.startServer(TcpStreamsTest.ECHO, "127.0.0.1", 0);
            List<InetSocketAddress> addrs = List.of(
                    new InetSocketAddress("127.0.0.1", blackholePort),
                    new InetSocketAddress("127.0.0.1", server.port()));
            long start = System.nanoTime();
            SocketChannel ch = Connector.staggeredRace(
                    addrs, ConnectOptions.defaults().withHappyEyeballsDelay(Duration.ofMillis(100)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(((InetSocketAddress) ch.getRemoteAddress()).getPort()).isEqualTo(server.port());
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(90)).isLessThan(Duration.ofSeconds(3));
            ch.close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void happyEyeballsMovesOnAtOnceWhenAnAttemptFails() throws IOException {
        int refused = refusedPort();
        run(() -> {
            Server server = Net.startServer(TcpStreamsTest.ECHO, "127.0.0.1", 0);
            List<InetSocketAddress> addrs = List.of(
                    new InetSocketAddress("127.0.0.1", refused), new InetSocketAddress("127.0.0.1", server.port()));
            long start = System.nanoTime();
            SocketChannel ch = Connector.staggeredRace(
                    addrs, ConnectOptions.defaults().withHappyEyeballsDelay(Duration.ofSeconds(10)));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(((InetSocketAddress) ch.getRemoteAddress()).getPort()).isEqualTo(server.port());
            ch.close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void whenEveryAttemptFailsTheErrorsAreCombined() throws IOException {
        int a = refusedPort();
        run(() -> {
            List<InetSocketAddress> addrs =
                    List.of(new InetSocketAddress("127.0.0.1", a), new InetSocketAddress("127.0.0.1", blackholePort));
            assertThatThrownBy(() -> Connector.staggeredRace(
                            addrs,
                            ConnectOptions.defaults()
                                    .withHappyEyeballsDelay(Duration.ofMillis(10))
                                    .withConnectTimeout(Duration.ofMillis(200))))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("Multiple exceptions: ")
                    .hasMessageContaining("Connect call failed")
                    .hasMessageContaining("timed out");
        });
    }

    @Test
    void localhostResolvesOffTheLoopAndConnects() {
        String got = run(() -> {
            Server server = Net.startServer(TcpStreamsTest.ECHO, "127.0.0.1", 0);
            List<InetSocketAddress> found = Net.getaddrinfo("localhost", server.port());
            assertThat(found).isNotEmpty();
            Connection c = Net.openConnection(
                    "localhost",
                    server.port(),
                    ConnectOptions.defaults().withHappyEyeballsDelay(Duration.ofMillis(250)));
            c.writer().write("resolved\n");
            String line = str(c.reader().readline());
            c.writer().close();
            server.close();
            server.waitClosed();
            return line;
        });
        assertThat(got).isEqualTo("resolved\n");
    }

    @Test
    void anUnknownHostIsAnUnknownHostException() {
        run(() -> {
            assertThatThrownBy(() -> Net.openConnection("no-such-host.invalid", 80))
                    .isInstanceOf(java.net.UnknownHostException.class);
        });
    }

    @Test
    void aLocalAddressIsBoundBeforeConnecting() {
        run(() -> {
            Server server = Net.startServer(TcpStreamsTest.ECHO, "127.0.0.1", 0);
            InetSocketAddress local = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
            Connection c = Net.openConnection(
                    "127.0.0.1", server.port(), ConnectOptions.defaults().withLocalAddress(local));
            assertThat(((InetSocketAddress) c.writer().getExtraInfo("sockname")).getAddress())
                    .isEqualTo(local.getAddress());
            c.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void interleavingAlternatesFamiliesAfterTheFirstCount() throws Exception {
        InetSocketAddress v4a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1);
        InetSocketAddress v4b = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 1);
        InetSocketAddress v6a = new InetSocketAddress(InetAddress.getByName("::1"), 1);
        InetSocketAddress v6b = new InetSocketAddress(InetAddress.getByName("::2"), 1);
        assertThat(Connector.interleave(List.of(v6a, v6b, v4a, v4b), 1)).containsExactly(v6a, v4a, v6b, v4b);
        assertThat(Connector.interleave(List.of(v6a, v6b, v4a, v4b), 2)).containsExactly(v6a, v6b, v4a, v4b);
        assertThat(Connector.interleave(List.of(v6a, v6b, v4a, v4b), 0)).containsExactly(v6a, v6b, v4a, v4b);
    }

    @Test
    void sequentialAttemptsTryTheNextAddressAfterARefusal() throws IOException {
        int refused = refusedPort();
        run(() -> {
            Server server = Net.startServer(TcpStreamsTest.ECHO, "127.0.0.1", 0);
            SocketChannel ch = Connector.sequential(
                    List.of(
                            new InetSocketAddress("127.0.0.1", refused),
                            new InetSocketAddress("127.0.0.1", server.port())),
                    ConnectOptions.defaults());
            assertThat(((InetSocketAddress) ch.getRemoteAddress()).getPort()).isEqualTo(server.port());
            ch.close();
            assertThatThrownBy(() -> Connector.sequential(
                            List.of(new InetSocketAddress("127.0.0.1", refused)), ConnectOptions.defaults()))
                    .isInstanceOf(ConnectException.class);
            server.close();
            server.waitClosed();
        });
    }
}
