package dev.aio4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * {@link LoopGroup} with real sockets on 127.0.0.1, driven from the test's plain thread with
 * blocking {@link Socket}s, as an outside client would.
 */
@Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class LoopGroupTest {

    private static final int CONNECTIONS = 64;

    /** An echo handler that counts, per loop, the connections it served. */
    private static ClientHandler countingEcho(Map<EventLoop, AtomicInteger> served) {
        return (reader, writer) -> {
            served.computeIfAbsent(Aio.getRunningLoop(), l -> new AtomicInteger())
                    .incrementAndGet();
            for (byte[] line : reader.lines()) {
                writer.write(line);
                writer.drain();
            }
            writer.close();
        };
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(30_000);
        return s;
    }

    private static String roundTrip(Socket s, String line) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    /**
     * The kernel picks the listening socket by a hash of each connection's 4-tuple; with fresh
     * ephemeral source ports each of 64 connections lands on either of 2 loops about evenly and
     * independently, so all 64 land on one loop with probability 2 x 2^-64 = 2^-63 (about 1e-19).
     */
    @Test
    void connectionsSpreadOverEveryLoopAtOnePort() throws Exception {
        Map<EventLoop, AtomicInteger> served = new ConcurrentHashMap<>();
        try (LoopGroup group = LoopGroup.start(2)) {
            GroupServer server = group.startServer(countingEcho(served), "127.0.0.1", 0);
            assertThat(server.port()).isPositive();
            assertThat(server.servers()).hasSize(2);
            for (int i = 0; i < 2; i++) {
                assertThat(server.servers().get(i).port()).isEqualTo(server.port());
                assertThat(server.servers().get(i).getLoop()).isSameAs(group.loop(i));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                try (Socket s = connect(server.port())) {
                    assertThat(roundTrip(s, "ping " + i)).isEqualTo("ping " + i);
                }
            }
            int total = served.values().stream().mapToInt(AtomicInteger::get).sum();
            assertThat(total).isEqualTo(CONNECTIONS);
            assertThat(served.keySet())
                    .as("loops that served connections: %s", served)
                    .containsExactlyInAnyOrderElementsOf(group.loops());
        }
    }

    @Test
    void theProtocolPathServesOnEveryLoopToo() throws Exception {
        Map<EventLoop, AtomicInteger> made = new ConcurrentHashMap<>();
        try (LoopGroup group = LoopGroup.start(2)) {
            GroupServer server = group.createServer(
                    () -> {
                        made.computeIfAbsent(Aio.getRunningLoop(), l -> new AtomicInteger())
                                .incrementAndGet();
                        return new Protocol() {
                            private Transport transport;

                            @Override
                            public void connectionMade(Transport t) {
                                transport = t;
                            }

                            @Override
                            public void dataReceived(byte[] data) {
                                transport.write(data);
                            }
                        };
                    },
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults());
            for (int i = 0; i < CONNECTIONS; i++) {
                try (Socket s = connect(server.port())) {
                    assertThat(roundTrip(s, "p" + i)).isEqualTo("p" + i);
                }
            }
            assertThat(made.keySet()).containsExactlyInAnyOrderElementsOf(group.loops());
        }
    }

    @Test
    void submitGoesRoundRobinAndOneLoopAwaitsAnother() throws Exception {
        try (LoopGroup group = LoopGroup.start(3)) {
            List<CompletableFuture<EventLoop>> ran = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ran.add(group.submit(Aio::getRunningLoop));
            }
            for (int i = 0; i < 6; i++) {
                assertThat(ran.get(i).get(30, TimeUnit.SECONDS)).isSameAs(group.loop(i % 3));
            }
            // a task of loop 0 hands work to loop 2 and awaits it, suspending only itself
            EventLoop other = group.submit(0, () -> Aio.await(group.submit(2, Aio::getRunningLoop)))
                    .get(30, TimeUnit.SECONDS);
            assertThat(other).isSameAs(group.loop(2));
            assertThat(group.size()).isEqualTo(3);
            assertThatThrownBy(() -> group.submit(3, () -> null)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void aFailingMainLeavesItsLoopAndTheOthersRunning() throws Exception {
        Map<EventLoop, AtomicInteger> served = new ConcurrentHashMap<>();
        try (LoopGroup group = LoopGroup.start(2)) {
            GroupServer server = group.startServer(countingEcho(served), "127.0.0.1", 0);
            AtomicInteger ticks = new AtomicInteger();
            CompletableFuture<Void> ticker = group.submit(1, () -> {
                while (true) {
                    ticks.incrementAndGet();
                    Aio.sleep(Duration.ofMillis(5));
                }
            });
            CompletableFuture<Object> failing = group.submit(0, () -> {
                throw new IllegalStateException("boom");
            });
            assertThatThrownBy(() -> failing.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("boom");
            assertThat(group.submit(0, () -> "loop 0 alive").get(30, TimeUnit.SECONDS))
                    .isEqualTo("loop 0 alive");
            int before = ticks.get();
            for (int i = 0; i < 200 && ticks.get() == before; i++) {
                Thread.sleep(10);
            }
            assertThat(ticks.get()).isGreaterThan(before);
            assertThat(ticker).isNotDone();
            for (int i = 0; i < CONNECTIONS; i++) {
                try (Socket s = connect(server.port())) {
                    assertThat(roundTrip(s, "after " + i)).isEqualTo("after " + i);
                }
            }
            assertThat(served.keySet()).containsExactlyInAnyOrderElementsOf(group.loops());
        }
    }

    @Test
    void shutdownClosesServersConnectionsMainsAndLoops() throws Exception {
        int clients = 8;
        CountDownLatch handling = new CountDownLatch(clients);
        LoopGroup group = LoopGroup.start(2);
        GroupServer server = group.startServer(
                (reader, writer) -> {
                    handling.countDown();
                    reader.read(); // waits for data that never comes
                },
                "127.0.0.1",
                0);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                sockets.add(connect(server.port()));
            }
            assertThat(handling.await(30, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Object>> mains = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                mains.add(group.submit(() -> Aio.sleep(Duration.ofHours(1), null)));
            }
            long start = System.nanoTime();
            group.shutdown(Duration.ofSeconds(10));
            // the handlers were cancelled at once, so the grace period was not used up
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));

            assertThat(group.state()).isEqualTo(LoopGroup.State.CLOSED);
            for (EventLoop loop : group.loops()) {
                assertThat(loop.isClosed()).isTrue();
            }
            for (CompletableFuture<Object> main : mains) {
                assertThat(main).isCompletedExceptionally();
                assertThatThrownBy(main::join).isInstanceOf(CancellationException.class);
            }
            for (Socket s : sockets) {
                assertThat(readEofOrReset(s)).isTrue();
            }
            assertThatThrownBy(() -> connect(server.port()).close()).isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> group.submit(() -> null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("shutting down");
            group.shutdown(Duration.ZERO); // idempotent
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            group.close();
        }
    }

    /** True once the peer closed or reset the connection. */
    private static boolean readEofOrReset(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void aPortHeldWithoutReusePortFailsTheWholeServerAndLeavesNoLoopListening() throws Exception {
        try (ServerSocketChannel taken = ServerSocketChannel.open();
                LoopGroup group = LoopGroup.start(2)) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            assertThatThrownBy(() -> group.startServer((r, w) -> {}, "127.0.0.1", port))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining(Integer.toString(port));
            assertThat(group.toString()).contains("servers=0");
            // the group still works after the failure
            assertThat(group.submit(() -> 42).get(30, TimeUnit.SECONDS)).isEqualTo(42);
        }
    }

    @Test
    void aTaskOfTheGroupStartsAServerAndHearsABindErrorAsItself() throws Exception {
        Map<EventLoop, AtomicInteger> served = new ConcurrentHashMap<>();
        try (ServerSocketChannel taken = ServerSocketChannel.open();
                LoopGroup group = LoopGroup.start(2)) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int takenPort = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            // from a task of loop 1: the waits suspend only that task, so loop 1 can bind its share
            GroupServer server = group.submit(1, () -> {
                        try {
                            group.startServer((r, w) -> {}, "127.0.0.1", takenPort);
                            throw new AssertionError("bound a port held without SO_REUSEPORT");
                        } catch (BindException expected) {
                            // as from a plain thread
                        }
                        return group.startServer(countingEcho(served), "127.0.0.1", 0);
                    })
                    .get(30, TimeUnit.SECONDS);
            for (int i = 0; i < CONNECTIONS; i++) {
                try (Socket s = connect(server.port())) {
                    assertThat(roundTrip(s, "t" + i)).isEqualTo("t" + i);
                }
            }
            assertThat(served.keySet()).containsExactlyInAnyOrderElementsOf(group.loops());
        }
    }

    @Test
    void closingAGroupServerStopsListeningEverywhereAndKeepsItsClients() throws Exception {
        try (LoopGroup group = LoopGroup.start(2)) {
            GroupServer server = group.startServer(countingEcho(new ConcurrentHashMap<>()), "127.0.0.1", 0);
            try (Socket client = connect(server.port())) {
                assertThat(roundTrip(client, "before")).isEqualTo("before");
                server.close();
                assertThat(group.toString()).contains("servers=0");
                assertThatThrownBy(() -> connect(server.port()).close()).isInstanceOf(ConnectException.class);
                assertThat(roundTrip(client, "after")).isEqualTo("after");
            }
            ShutdownReport report = server.shutdown(Duration.ofSeconds(5));
            assertThat(report.served()).isEqualTo(1);
        }
    }

    @Test
    void shutdownFromOneOfItsOwnLoopsIsRefused() throws Exception {
        try (LoopGroup group = LoopGroup.start(1)) {
            CompletableFuture<Object> f = group.submit(() -> {
                group.shutdown(Duration.ZERO);
                return null;
            });
            assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("LoopGroup.shutdown() called from one of its own loops: "
                            + "LoopGroup[loops=1, servers=0, RUNNING]");
            assertThatThrownBy(() -> LoopGroup.start(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("loops < 1: 0");
        }
    }
}
