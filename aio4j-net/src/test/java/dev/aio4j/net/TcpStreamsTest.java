package dev.aio4j.net;

import static dev.aio4j.net.NetTesting.bytes;
import static dev.aio4j.net.NetTesting.run;
import static dev.aio4j.net.NetTesting.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Future;
import dev.aio4j.Task;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Streams over real TCP sockets on 127.0.0.1: openConnection, startServer, faults. */
class TcpStreamsTest {

    static final ClientHandler ECHO = (reader, writer) -> {
        while (true) {
            byte[] data = reader.read(64 * 1024);
            if (data.length == 0) {
                break;
            }
            writer.write(data);
            writer.drain();
        }
        writer.close();
    };

    /** Waits, a bounded number of 10 ms sleeps, for {@code condition}. */
    static void eventually(java.util.function.BooleanSupplier condition, String what) {
        for (int i = 0; i < 500; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Aio.sleep(Duration.ofMillis(10));
        }
        throw new AssertionError("not within 5 s: " + what);
    }

    // ------------------------------------------------------------------ the happy path

    @Test
    void echoesLinesThroughAServerOnAFreePort() {
        List<String> got = run(() -> {
            Server server = Net.startServer(ECHO, "127.0.0.1", 0);
            assertThat(server.port()).isPositive();
            assertThat(server.isServing()).isTrue();
            Connection c = Net.openConnection("127.0.0.1", server.port());
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                c.writer().write("line " + i + "\n");
                lines.add(str(c.reader().readline()));
            }
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
            return lines;
        });
        assertThat(got).containsExactly("line 0\n", "line 1\n", "line 2\n");
    }

    @Test
    void tryWithResourcesClosesTheServerAndTheConnection() {
        boolean[] closing = new boolean[2];
        String echoed = run(() -> {
            String line;
            Connection kept;
            try (Server server = Net.startServer(ECHO, "127.0.0.1", 0);
                    Connection c = Net.openConnection("127.0.0.1", server.port())) {
                c.writer().write("hello\n");
                line = str(c.reader().readline());
                kept = c;
                closing[1] = server.isServing();
            }
            closing[0] = kept.writer().isClosing();
            kept.writer().waitClosed();
            return line;
        });
        assertThat(echoed).isEqualTo("hello\n");
        assertThat(closing[0])
                .as("the connection closes at the end of the block")
                .isTrue();
        assertThat(closing[1]).as("the server served inside the block").isTrue();
    }

    @Test
    void extraInfoNamesBothEndsAndTheSocket() {
        run(() -> {
            Server server = Net.startServer(ECHO, "127.0.0.1", 0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            InetSocketAddress peer = (InetSocketAddress) c.writer().getExtraInfo("peername");
            InetSocketAddress local = (InetSocketAddress) c.writer().getExtraInfo("sockname");
            assertThat(peer.getPort()).isEqualTo(server.port());
            assertThat(local.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            SocketChannel ch = (SocketChannel) c.writer().getExtraInfo("socket");
            assertThat(ch.getOption(StandardSocketOptions.TCP_NODELAY))
                    .as("TCP_NODELAY on by default")
                    .isTrue();
            assertThat(c.writer().getExtraInfo("peercert", "none")).isEqualTo("none");
            c.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void bigPayloadsRoundTripIntact() {
        byte[] payload = new byte[3 * 1024 * 1024 + 7];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        byte[] got = run(() -> {
            Server server = Net.startServer(ECHO, "127.0.0.1", 0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            Task<byte[]> reading = Aio.createTask(() -> c.reader().readExactly(payload.length));
            c.writer().write(payload);
            c.writer().drain();
            byte[] back = reading.await();
            c.writer().close();
            server.close();
            server.waitClosed();
            return back;
        });
        assertThat(Arrays.equals(got, payload)).isTrue();
    }

    @Test
    void aLargeMessageReadInPiecesWhileReadingPausesArrivesExactly() {
        byte[] payload = new byte[1024 * 1024 + 13];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 131 + i / 256);
        }
        boolean[] paused = new boolean[1];
        byte[] got = run(() -> {
            // A small limit: the reader pauses its transport at 8 KiB, each socket read brings up
            // to 16 KiB, and the reads ask for other sizes, so what arrives is cut and joined.
            Server server = Net.startServer(
                    (reader, writer) -> {
                        Transport t = writer.transport();
                        eventually(() -> !t.isReading(), "reading pauses");
                        paused[0] = true;
                        for (int i = 0; ; i++) {
                            byte[] data;
                            try {
                                data = i % 3 == 2 ? reader.readExactly(5000) : reader.read(i % 3 == 0 ? 7777 : 100);
                            } catch (IncompleteReadError e) {
                                writer.write(e.partial());
                                break;
                            }
                            if (data.length == 0) {
                                break;
                            }
                            writer.write(data);
                            writer.drain();
                        }
                        writer.close();
                    },
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withLimit(4096));
            Connection c = Net.openConnection("127.0.0.1", server.port());
            Task<byte[]> reading = Aio.createTask(() -> c.reader().readExactly(payload.length));
            c.writer().write(payload);
            c.writer().writeEof();
            byte[] back = reading.await();
            assertThat(c.reader().read()).as("nothing after the echo").isEmpty();
            c.writer().close();
            server.close();
            server.waitClosed();
            return back;
        });
        assertThat(paused[0]).isTrue();
        assertThat(Arrays.equals(got, payload)).isTrue();
    }

    @Test
    void drainGivesTheLoopATurnOnceTheTaskWroteYieldBytesBeyondWhatItReceivedSinceItsLastWait() {
        List<String> seen = run(() -> {
            Future<Void> go = Aio.getRunningLoop().createFuture();
            Server server = Net.startServer(
                    (reader, writer) -> {
                        go.await();
                        writer.write(bytes("!"));
                        reader.read(1); // until the client closes
                    },
                    "127.0.0.1",
                    0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            // High water far above what is written: drain never waits for the socket here.
            c.writer().transport().setWriteBufferLimits(64 * 1024 * 1024, 0);
            int yieldBytes = StreamWriter.YIELD_BYTES;
            Task<List<String>> writer = Aio.createTask(() -> {
                List<String> out = new ArrayList<>();
                boolean[] ran = new boolean[1];
                c.reader().read(1); // waits: the server writes its one byte once told to
                for (int n : new int[] {yieldBytes, 1, yieldBytes - 1, 1}) {
                    ran[0] = false;
                    Aio.createTask(() -> ran[0] = true);
                    c.writer().write(new byte[n]);
                    c.writer().drain();
                    out.add(n + ": " + (ran[0] ? "turn" : "no turn"));
                }
                return out;
            });
            Aio.sleep(Duration.ZERO); // the writer task now waits in its read
            go.setResult(null);
            List<String> out = writer.await();
            c.writer().close();
            server.close();
            server.closeClients();
            return out;
        });
        // One byte received since the wait: the first turn comes after yieldBytes + 1 written;
        // after that turn nothing was received, so the next after yieldBytes.
        assertThat(seen)
                .containsExactly(
                        StreamWriter.YIELD_BYTES + ": no turn",
                        "1: turn",
                        (StreamWriter.YIELD_BYTES - 1) + ": no turn",
                        "1: turn");
    }

    @Test
    void writelinesOfMoreArraysThanOneGatherKeepsEveryByteInOrder() {
        List<byte[]> pieces = new ArrayList<>();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            byte[] p = new byte[i % 7 == 0 ? 40_000 : 1 + i];
            Arrays.fill(p, (byte) i);
            pieces.add(p);
            all.write(p, 0, p.length);
        }
        pieces.add(new byte[0]);
        byte[] expected = all.toByteArray();
        byte[] got = run(() -> {
            Server server = Net.startServer(ECHO, "127.0.0.1", 0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            Task<byte[]> reading = Aio.createTask(() -> c.reader().readExactly(expected.length));
            c.writer().writelines(pieces);
            c.writer().writelines(pieces.subList(0, 3)); // while the first batch may still be buffered
            c.writer().drain();
            byte[] back = reading.await();
            byte[] tail = c.reader().readExactly(pieces.get(0).length + pieces.get(1).length + pieces.get(2).length);
            assertThat(tail[0]).isEqualTo((byte) 0);
            c.writer().close();
            server.close();
            server.waitClosed();
            return back;
        });
        assertThat(Arrays.equals(got, expected)).isTrue();
    }

    @Test
    void readIntoSuspendsOnlyItsTask() {
        long[] result = run(() -> {
            Server server = Net.startServer(
                    (reader, writer) -> {
                        Aio.sleep(Duration.ofMillis(300));
                        writer.write("late");
                        writer.drain();
                        reader.read();
                        writer.close();
                    },
                    "127.0.0.1",
                    0);
            long[] lateNanos = {0};
            boolean[] stopped = {false};
            Task<Void> heartbeat = Aio.createTask(() -> {
                while (!stopped[0]) {
                    long before = System.nanoTime();
                    Aio.sleep(Duration.ofMillis(10));
                    lateNanos[0] = Math.max(lateNanos[0], System.nanoTime() - before - 10_000_000);
                }
            });
            List<Connection> connections = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                connections.add(Net.openConnection("127.0.0.1", server.port()));
            }
            long start = System.nanoTime();
            List<Task<Integer>> reads = new ArrayList<>();
            for (Connection c : connections) {
                reads.add(Aio.createTask(() -> c.reader().readInto(java.nio.ByteBuffer.allocateDirect(16))));
            }
            int total = 0;
            for (Task<Integer> r : reads) {
                total += r.await();
            }
            long took = System.nanoTime() - start;
            stopped[0] = true;
            heartbeat.await();
            for (Connection c : connections) {
                c.writer().close();
            }
            server.close();
            server.waitClosed();
            return new long[] {total, took / 1_000_000, lateNanos[0] / 1_000_000};
        });
        assertThat(result[0]).as("bytes read by the five readIntos").isEqualTo(20);
        // Five 300 ms waits at once: about 300 ms in all, not 1.5 s; generous bounds for a loaded machine.
        assertThat(result[1]).as("ms for all five").isLessThan(1_200);
        assertThat(result[2]).as("heartbeat's worst lateness, ms").isLessThan(250);
    }

    @Test
    void writelinesAfterWriteEofIsAClearError() {
        run(() -> {
            Server server = Net.startServer(ECHO, "127.0.0.1", 0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            c.writer().writeEof();
            assertThatThrownBy(() -> c.writer().writelines(List.of(bytes("x"))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("writeEof");
            c.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void manyClientsAreServedConcurrently() {
        int total = run(() -> {
            Server server = Net.startServer(ECHO, "127.0.0.1", 0);
            List<Task<Integer>> clients = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                clients.add(Aio.createTask(() -> {
                    Connection c = Net.openConnection("127.0.0.1", server.port());
                    c.writer().write("client " + n + "\n");
                    String line = str(c.reader().readline());
                    assertThat(line).isEqualTo("client " + n + "\n");
                    c.writer().close();
                    return 1;
                }));
            }
            int sum = 0;
            for (Task<Integer> t : clients) {
                sum += t.await();
            }
            server.close();
            server.waitClosed();
            return sum;
        });
        assertThat(total).isEqualTo(50);
    }

    @Test
    void twoHundredClientsWithRandomMessageSizesAllGetTheirOwnBytesBack() {
        long total = run(() -> {
            Server server = Net.startServer(ECHO, "127.0.0.1", 0);
            List<Task<Long>> clients = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                java.util.Random random = new java.util.Random(i);
                clients.add(Aio.createTask(() -> {
                    Connection c = Net.openConnection("127.0.0.1", server.port());
                    long bytes = 0;
                    for (int m = 0; m < 20; m++) {
                        byte[] msg = new byte[1 + random.nextInt(random.nextBoolean() ? 100 : 150_000)];
                        random.nextBytes(msg);
                        c.writer().write(msg);
                        Task<byte[]> back = Aio.createTask(() -> c.reader().readExactly(msg.length));
                        c.writer().drain();
                        assertThat(Arrays.equals(back.await(), msg)).isTrue();
                        bytes += msg.length;
                    }
                    c.writer().close();
                    c.writer().waitClosed();
                    return bytes;
                }));
            }
            long sum = 0;
            for (Task<Long> t : clients) {
                sum += t.await();
            }
            server.close();
            server.waitClosed();
            return sum;
        });
        assertThat(total).isPositive();
    }

    // ------------------------------------------------------------------ faults

    @Test
    void connectionRefusedIsAConnectException() throws IOException {
        int port;
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
        int p = port;
        run(() -> {
            assertThatThrownBy(() -> Net.openConnection("127.0.0.1", p))
                    .isInstanceOf(ConnectException.class)
                    .hasMessageContaining("127.0.0.1");
        });
    }

    @Test
    void resetByPeerMidReadFailsTheReadWithTheResetError() {
        run(() -> {
            Server server = Net.startServer(
                    (reader, writer) -> {
                        writer.write("partial");
                        writer.drain();
                        reader.readline(); // wait for the client's go
                        SocketChannel ch = (SocketChannel) writer.getExtraInfo("socket");
                        ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                        writer.transport().abort(); // close with linger 0: an RST
                    },
                    "127.0.0.1",
                    0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            assertThat(str(c.reader().readExactly(7))).isEqualTo("partial");
            c.writer().write("go\n");
            assertThatThrownBy(() -> c.reader().readExactly(100))
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
            assertThatThrownBy(() -> c.writer().waitClosed()).isInstanceOf(SocketException.class);
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void peerHalfCloseDeliversEofAndTheOtherDirectionKeepsWorking() {
        String got = run(() -> {
            Server server = Net.startServer(
                    (reader, writer) -> {
                        byte[] all = reader.read(); // to EOF
                        writer.write("got " + all.length + " bytes");
                        writer.close();
                    },
                    "127.0.0.1",
                    0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            assertThat(c.writer().canWriteEof()).isTrue();
            c.writer().write("12345");
            c.writer().writeEof();
            String answer = str(c.reader().read());
            assertThat(c.reader().atEof()).isTrue();
            server.close();
            server.waitClosed();
            return answer;
        });
        assertThat(got).isEqualTo("got 5 bytes");
    }

    @Test
    void aLineLongerThanTheLimitOverTcpIsALimitOverrun() {
        run(() -> {
            Server server = Net.startServer(
                    (reader, writer) -> {
                        writer.write(new byte[5000]);
                        writer.write("\nshort\n");
                        writer.close();
                    },
                    "127.0.0.1",
                    0);
            Connection c = Net.openConnection(
                    "127.0.0.1", server.port(), ConnectOptions.defaults().withLimit(1024));
            assertThatThrownBy(() -> c.reader().readline()).isInstanceOf(LimitOverrunError.class);
            // readline's rule: what was buffered is dropped; keep reading lines until "short".
            String line = "";
            for (int i = 0; i < 20 && !line.equals("short\n"); i++) {
                try {
                    line = str(c.reader().readline());
                } catch (LimitOverrunError again) {
                    line = "";
                }
            }
            assertThat(line).isEqualTo("short\n");
            c.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aSlowReaderKeepsTheFastWritersBufferBoundedByTheWaterMarks() {
        int chunk = 16 * 1024;
        long[] maxBuffered = new long[1];
        long total = run(() -> {
            Future<Void> allWritten = Aio.getRunningLoop().createFuture();
            Server server = Net.startServer(
                    (reader, writer) -> {
                        byte[] data = new byte[chunk];
                        for (int i = 0; i < 400; i++) { // 6.25 MiB
                            writer.write(data);
                            maxBuffered[0] =
                                    Math.max(maxBuffered[0], writer.transport().getWriteBufferSize());
                            writer.drain();
                        }
                        writer.close();
                        allWritten.setResult(null);
                    },
                    "127.0.0.1",
                    0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            Aio.sleep(Duration.ofMillis(200)); // the reader lags; the writer must wait in drain()
            assertThat(allWritten.done()).isFalse();
            long n = c.reader().read().length;
            server.close();
            server.waitClosed();
            return n;
        });
        assertThat(total).isEqualTo(400L * chunk);
        assertThat(maxBuffered[0])
                .as("writer buffer never above high water + one write")
                .isLessThanOrEqualTo(64 * 1024 + chunk);
    }

    @Test
    void readingPausesAboveTwiceTheLimitAndResumesAtTheLimit() {
        run(() -> {
            int limit = 4096;
            Server server = Net.startServer(
                    (reader, writer) -> {
                        writer.write(new byte[1024 * 1024]);
                        writer.drain();
                        writer.close();
                    },
                    "127.0.0.1",
                    0);
            Connection c = Net.openConnection(
                    "127.0.0.1", server.port(), ConnectOptions.defaults().withLimit(limit));
            Transport t = c.writer().transport();
            eventually(() -> !t.isReading(), "the transport pauses reading");
            assertThat(c.reader().bufferedSize()).isGreaterThan(2 * limit).isLessThanOrEqualTo(2 * limit + 64 * 1024);
            int first = c.reader().read(c.reader().bufferedSize() - limit).length;
            assertThat(t.isReading()).as("resumed at the limit").isTrue();
            assertThat(first + c.reader().read().length).isEqualTo(1024 * 1024);
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void drainAfterThePeerVanishedRaisesTheLossError() {
        run(() -> {
            Server server = Net.startServer(
                    (reader, writer) -> {
                        SocketChannel ch = (SocketChannel) writer.getExtraInfo("socket");
                        ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                        writer.transport().abort();
                    },
                    "127.0.0.1",
                    0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            IOException failure = null;
            for (int i = 0; i < 200 && failure == null; i++) {
                try {
                    c.writer().write(new byte[64 * 1024]);
                    c.writer().drain();
                    Aio.sleep(Duration.ofMillis(5));
                } catch (IOException e) {
                    failure = e;
                }
            }
            assertThat(failure).isInstanceOf(SocketException.class);
            assertThatThrownBy(() -> c.writer().drain()).isInstanceOf(SocketException.class);
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aHandlerThatThrowsIsReportedAndItsConnectionClosed() {
        NetTesting.Recorded recorded = new NetTesting.Recorded();
        run(() -> {
            recorded.install();
            Server server = Net.startServer(
                    (reader, writer) -> {
                        throw new IllegalStateException("handler bug");
                    },
                    "127.0.0.1",
                    0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            assertThat(c.reader().read()).isEmpty(); // EOF: the server closed the connection
            server.close();
            server.waitClosed();
        });
        assertThat(recorded.contexts).hasSize(1);
        assertThat(recorded.contexts.get(0).message()).isEqualTo("ClientHandler failed");
        assertThat(recorded.contexts.get(0).exception()).hasMessage("handler bug");
    }

    // ------------------------------------------------------------------ the server's lifecycle

    @Test
    void closingTheServerLeavesClientsConnectedAndWaitClosedWaitsForThem() {
        run(() -> {
            Server server = Net.startServer(ECHO, "127.0.0.1", 0);
            int port = server.port();
            Connection c = Net.openConnection("127.0.0.1", port);
            c.writer().write("before\n");
            assertThat(str(c.reader().readline())).isEqualTo("before\n");
            server.close();
            assertThat(server.isServing()).isFalse();
            assertThat(server.addresses()).isEmpty();
            Aio.sleep(Duration.ZERO); // the listening socket is released at the loop's next select
            assertThatThrownBy(() -> Net.openConnection("127.0.0.1", port)).isInstanceOf(ConnectException.class);
            c.writer().write("after\n");
            assertThat(str(c.reader().readline())).as("the client still served").isEqualTo("after\n");
            Task<Void> waiting = Aio.createTask(server::waitClosed);
            Aio.sleep(Duration.ofMillis(50));
            assertThat(waiting.done()).as("waitClosed waits for the client").isFalse();
            server.closeClients();
            waiting.await();
            assertThat(c.reader().read()).isEmpty();
        });
    }

    @Test
    void abortClientsDropsEveryConnection() {
        run(() -> {
            Server server = Net.startServer(ECHO, "127.0.0.1", 0);
            Connection a = Net.openConnection("127.0.0.1", server.port());
            Connection b = Net.openConnection("127.0.0.1", server.port());
            a.writer().write("x");
            b.writer().write("y");
            a.reader().readExactly(1);
            b.reader().readExactly(1);
            assertThat(server.clientCount()).isEqualTo(2);
            server.close();
            server.abortClients();
            server.waitClosed();
            assertThat(server.clientCount()).isZero();
            assertThat(a.reader().read()).isEmpty();
            assertThat(b.reader().read()).isEmpty();
        });
    }

    @Test
    void cancellingServeForeverClosesTheServer() {
        run(() -> {
            Server server = Net.startServer(
                    ECHO, "127.0.0.1", 0, ServerOptions.defaults().withStartServing(false));
            assertThat(server.isServing()).isFalse();
            Task<Void> serving = Aio.createTask(server::serveForever);
            Aio.sleep(Duration.ofMillis(20));
            assertThat(server.isServing()).isTrue();
            assertThatThrownBy(server::serveForever)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already");
            Connection c = Net.openConnection("127.0.0.1", server.port());
            c.writer().write("hi\n");
            assertThat(str(c.reader().readline())).isEqualTo("hi\n");
            c.writer().close();
            serving.cancel();
            assertThatThrownBy(serving::await).isInstanceOf(CancelledError.class);
            assertThat(server.state()).isEqualTo(Server.State.CLOSED);
            assertThatThrownBy(server::serveForever)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        });
    }

    @Test
    void bindingAPortInUseNamesTheAddress() {
        run(() -> {
            Server first = Net.startServer(
                    ECHO, "127.0.0.1", 0, ServerOptions.defaults().withReuseAddress(false));
            assertThatThrownBy(() -> Net.startServer(
                            ECHO,
                            "127.0.0.1",
                            first.port(),
                            ServerOptions.defaults().withReuseAddress(false)))
                    .isInstanceOf(java.net.BindException.class)
                    .hasMessageContaining("127.0.0.1:" + first.port());
            first.close();
            first.waitClosed();
        });
    }

    @Test
    void reusePortLetsTwoServersShareAPort() {
        run(() -> {
            ServerOptions shared = ServerOptions.defaults().withReusePort(true);
            Server a = Net.startServer(ECHO, "127.0.0.1", 0, shared);
            Server b = Net.startServer(ECHO, "127.0.0.1", a.port(), shared);
            assertThat(b.port()).isEqualTo(a.port());
            Connection c = Net.openConnection("127.0.0.1", a.port());
            c.writer().write("either\n");
            assertThat(str(c.reader().readline())).isEqualTo("either\n");
            c.writer().close();
            a.close();
            b.close();
            a.waitClosed();
            b.waitClosed();
        });
    }

    // ------------------------------------------------------------------ resources

    @Test
    void aThousandConnectionsOpenedAndClosedLeakNoFileDescriptors() {
        run(() -> {
            Server server = Net.startServer(ECHO, "127.0.0.1", 0);
            // Warm up once so that lazily opened JDK descriptors are not counted as a leak.
            Connection warm = Net.openConnection("127.0.0.1", server.port());
            warm.writer().close();
            warm.writer().waitClosed();
            eventually(() -> server.clientCount() == 0, "the warm-up client is gone");
            Aio.sleep(Duration.ofMillis(20));
            int before = NetTesting.openFds();
            for (int i = 0; i < 1000; i++) {
                Connection c = Net.openConnection("127.0.0.1", server.port());
                c.writer().write("x");
                c.reader().readExactly(1);
                c.writer().close();
                c.writer().waitClosed();
            }
            eventually(() -> server.clientCount() == 0, "every server-side connection is gone");
            Aio.sleep(Duration.ofMillis(20)); // one more select flushes the cancelled keys
            int after = NetTesting.openFds();
            assertThat(after).as("fds before %d, after %d", before, after).isLessThanOrEqualTo(before + 5);
            server.close();
            server.waitClosed();
        });
    }
}
