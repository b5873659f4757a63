package dev.aio4j.net;

import static dev.aio4j.net.NetTesting.bytes;
import static dev.aio4j.net.NetTesting.run;
import static dev.aio4j.net.NetTesting.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.Future;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The low-level API: transports, protocols, flow control, and the sock* functions. */
class TransportProtocolTest {

    /** Records every callback as a short word. */
    static class Recorder implements Protocol {
        final List<String> events = new ArrayList<>();
        final StringBuilder data = new StringBuilder();
        Transport transport;
        boolean keepOpenOnEof;
        Future<Void> lost;

        Recorder() {
            lost = Aio.getRunningLoop().createFuture();
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            events.add("made");
        }

        @Override
        public void dataReceived(byte[] d) {
            if (events.isEmpty() || !events.get(events.size() - 1).equals("data")) {
                events.add("data");
            }
            data.append(str(d));
        }

        @Override
        public boolean eofReceived() {
            events.add("eof");
            return keepOpenOnEof;
        }

        @Override
        public void connectionLost(Throwable error) {
            events.add(error == null ? "lost" : "lost " + error.getClass().getSimpleName());
            lost.setResult(null);
        }

        @Override
        public void pauseWriting() {
            events.add("pause");
        }

        @Override
        public void resumeWriting() {
            events.add("resume");
        }
    }

    @Test
    void callbacksComeInAsynciosOrder() {
        List<String> events = run(() -> {
            Server server = Net.startServer(
                    (reader, writer) -> {
                        writer.write("hello");
                        writer.close();
                    },
                    "127.0.0.1",
                    0);
            Recorder r = new Recorder();
            Transport t = Net.createConnection(() -> r, "127.0.0.1", server.port(), ConnectOptions.defaults());
            assertThat(t.getProtocol()).isSameAs(r);
            assertThat(r.events)
                    .as("connectionMade has run when createConnection returns")
                    .containsExactly("made");
            r.lost.await();
            assertThat(r.data.toString()).isEqualTo("hello");
            server.close();
            server.waitClosed();
            return r.events;
        });
        assertThat(events).containsExactly("made", "data", "eof", "lost");
    }

    @Test
    void aProtocolThatKeepsHalfOpenCanStillWriteAfterEof() {
        String got = run(() -> {
            Future<Void> serverDone = Aio.getRunningLoop().createFuture();
            Server server = Net.createServer(
                    () -> new Recorder() {
                        {
                            keepOpenOnEof = true;
                        }

                        @Override
                        public boolean eofReceived() {
                            super.eofReceived();
                            transport.write(bytes("you sent " + data));
                            transport.close();
                            serverDone.setResult(null);
                            return true;
                        }
                    },
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults());
            Connection c = Net.openConnection("127.0.0.1", server.port());
            c.writer().write("abc");
            c.writer().writeEof();
            String answer = str(c.reader().read());
            serverDone.await();
            server.close();
            server.waitClosed();
            return answer;
        });
        assertThat(got).isEqualTo("you sent abc");
    }

    @Test
    void writingPausesStrictlyAboveTheHighWaterMarkAndResumesAtTheLowOne() {
        List<String> events = run(() -> {
            List<Transport> serverSide = new ArrayList<>();
            Server server = Net.createServer(
                    () -> new Recorder() {
                        @Override
                        public void connectionMade(Transport t) {
                            super.connectionMade(t);
                            t.pauseReading(); // a peer that does not read yet
                            serverSide.add(t);
                        }
                    },
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults());
            Recorder r = new Recorder();
            Transport t = Net.createConnection(() -> r, "127.0.0.1", server.port(), ConnectOptions.defaults());
            t.setWriteBufferLimits(100_000, 1_000);
            assertThat(t.getWriteBufferLimits()).containsExactly(1_000, 100_000);
            byte[] block = new byte[50_000];
            for (int i = 0; i < 400 && !r.events.contains("pause"); i++) {
                t.write(block);
                if (t.getWriteBufferSize() <= 100_000) {
                    assertThat(r.events).doesNotContain("pause");
                }
                Aio.sleep(Duration.ofMillis(1));
            }
            assertThat(r.events).contains("pause");
            assertThat(t.getWriteBufferSize()).isGreaterThan(100_000);
            serverSide.get(0).resumeReading();
            TcpStreamsTest.eventually(() -> r.events.contains("resume"), "resumeWriting after the peer reads");
            assertThat(t.getWriteBufferSize()).isLessThanOrEqualTo(1_000);
            t.close();
            r.lost.await();
            server.close();
            server.abortClients();
            server.waitClosed();
            return r.events;
        });
        assertThat(events).containsExactly("made", "pause", "resume", "lost");
    }

    @Test
    void waterMarkArgumentsFollowAsyncio() {
        run(() -> {
            Server server = Net.startServer(TcpStreamsTest.ECHO, "127.0.0.1", 0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            Transport t = c.writer().transport();
            assertThat(t.getWriteBufferLimits()).containsExactly(16 * 1024, 64 * 1024);
            t.setWriteBufferLimits(-1, 100);
            assertThat(t.getWriteBufferLimits()).containsExactly(100, 400);
            t.setWriteBufferLimits(800, -1);
            assertThat(t.getWriteBufferLimits()).containsExactly(200, 800);
            assertThatThrownBy(() -> t.setWriteBufferLimits(10, 20))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("high < low: 10 < 20");
            c.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aBufferedProtocolReceivesIntoItsOwnBuffer() {
        String got = run(() -> {
            Server server = Net.startServer(
                    (reader, writer) -> {
                        writer.write("buffered bytes");
                        writer.close();
                    },
                    "127.0.0.1",
                    0);
            ByteBuffer mine = ByteBuffer.allocate(4);
            StringBuilder sb = new StringBuilder();
            Future<Void> lost = Aio.getRunningLoop().createFuture();
            Net.createConnection(
                    () -> new BufferedProtocol() {
                        @Override
                        public ByteBuffer getBuffer(int sizeHint) {
                            mine.clear();
                            return mine;
                        }

                        @Override
                        public void bufferUpdated(int nbytes) {
                            sb.append(new String(mine.array(), 0, nbytes));
                        }

                        @Override
                        public void connectionLost(Throwable error) {
                            lost.setResult(null);
                        }
                    },
                    "127.0.0.1",
                    server.port(),
                    ConnectOptions.defaults());
            lost.await();
            server.close();
            server.waitClosed();
            return sb.toString();
        });
        assertThat(got).isEqualTo("buffered bytes");
    }

    @Test
    void writeAfterWriteEofIsAnError() {
        run(() -> {
            Server server = Net.startServer(TcpStreamsTest.ECHO, "127.0.0.1", 0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            c.writer().writeEof();
            assertThatThrownBy(() -> c.writer().write("late"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("writeEof");
            assertThat(c.reader().read()).isEmpty();
            server.close();
            server.waitClosed();
        });
    }

    // ------------------------------------------------------------------ sock* functions

    @Test
    void sockFunctionsMoveBytesBetweenRawChannels() {
        String got = run(() -> {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                var accepting = Aio.createTask(() -> Net.sockAccept(listener));
                try (SocketChannel client = SocketChannel.open()) {
                    client.configureBlocking(false);
                    Net.sockConnect(client, listener.getLocalAddress());
                    try (SocketChannel accepted = accepting.await()) {
                        assertThat(accepted.isBlocking()).isFalse();
                        byte[] big = new byte[4 * 1024 * 1024];
                        big[big.length - 1] = 42;
                        var sending = Aio.createTask(() -> {
                            Net.sockSendall(client, big);
                            Net.sockSendall(client, bytes("tail"));
                            client.shutdownOutput();
                        });
                        ByteBuffer into = ByteBuffer.allocate(64 * 1024);
                        long total = 0;
                        byte last = 0;
                        while (true) {
                            into.clear();
                            int n = Net.sockRecvInto(accepted, into);
                            if (n == 0) {
                                break;
                            }
                            total += n;
                            last = into.get(n - 1);
                        }
                        sending.await();
                        assertThat(total).isEqualTo(big.length + 4L);
                        assertThat(last).isEqualTo((byte) 'l');
                        Net.sockSendall(accepted, bytes("reply"));
                        return str(Net.sockRecv(client, 100));
                    }
                }
            }
        });
        assertThat(got).isEqualTo("reply");
    }

    @Test
    void manyConcurrentSockTransfersAllComplete() {
        // Each wait registers and unregisters its channel; fifty pairs at once make sure no
        // readiness event is lost between those registrations.
        long total = run(() -> {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress("127.0.0.1", 0), 100);
                List<dev.aio4j.Task<Long>> pairs = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    pairs.add(Aio.createTask(() -> {
                        var accepting = Aio.createTask(() -> Net.sockAccept(listener));
                        try (SocketChannel client = SocketChannel.open()) {
                            Net.sockConnect(client, listener.getLocalAddress());
                            try (SocketChannel server = accepting.await()) {
                                var sending = Aio.createTask(() -> {
                                    Net.sockSendall(client, new byte[1 << 20]);
                                    client.shutdownOutput();
                                });
                                long got = 0;
                                ByteBuffer into = ByteBuffer.allocate(8192);
                                for (int n; (n = Net.sockRecvInto(server, into.clear())) > 0; ) {
                                    got += n;
                                }
                                sending.await();
                                return got;
                            }
                        }
                    }));
                }
                long sum = 0;
                for (var t : pairs) {
                    sum += t.await();
                }
                return sum;
            }
        });
        assertThat(total).isEqualTo(50L << 20);
    }

    @Test
    void sockSendToAndRecvFromMoveDatagrams() {
        String got = run(() -> {
            try (java.nio.channels.DatagramChannel a = java.nio.channels.DatagramChannel.open();
                    java.nio.channels.DatagramChannel b = java.nio.channels.DatagramChannel.open()) {
                a.bind(new InetSocketAddress("127.0.0.1", 0));
                b.bind(new InetSocketAddress("127.0.0.1", 0));
                var receiving = Aio.createTask(() -> Net.sockRecvFrom(b, 100));
                assertThat(Net.sockSendTo(a, bytes("datagram"), b.getLocalAddress()))
                        .isEqualTo(8);
                Datagram d = receiving.await();
                assertThat(d.address()).isEqualTo(a.getLocalAddress());
                return str(d.data());
            }
        });
        assertThat(got).isEqualTo("datagram");
    }

    @Test
    void anAcceptedSocketCanBeHandedToATransport() {
        String got = run(() -> {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                var accepting = Aio.createTask(() -> Net.sockAccept(listener));
                Connection c =
                        Net.openConnection("127.0.0.1", ((InetSocketAddress) listener.getLocalAddress()).getPort());
                Recorder r = new Recorder();
                Transport t = Net.connectAcceptedSocket(() -> r, accepting.await(), null);
                assertThat(r.events).containsExactly("made");
                c.writer().write("to the accepted side");
                c.writer().writeEof();
                r.lost.await();
                assertThat(t.isClosing()).isTrue();
                c.writer().close();
                return r.data.toString();
            }
        });
        assertThat(got).isEqualTo("to the accepted side");
    }

    @Test
    void blockingJavaNetSocketsStillWorkInsideATask() throws Exception {
        // The slow path: the JDK parks the task's virtual thread and wakes it through its own
        // poller. The peer runs on a platform thread: in portable mode a blocking JDK call holds
        // the loop, as a blocking call does in asyncio, so the peer cannot be on the same loop.
        try (java.net.ServerSocket listener =
                new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofPlatform().daemon(true).start(() -> {
                try (java.net.Socket s = listener.accept()) {
                    s.getOutputStream().write(s.getInputStream().readNBytes(9));
                } catch (java.io.IOException e) {
                    // the test fails on its side
                }
            });
            String got = run(() -> {
                try (java.net.Socket s = new java.net.Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", listener.getLocalPort()), 10_000);
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(bytes("blocking\n"));
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
                    return Aio.createTask(in::readLine).await();
                }
            });
            peer.join(10_000);
            assertThat(got).isEqualTo("blocking");
        }
    }
}
