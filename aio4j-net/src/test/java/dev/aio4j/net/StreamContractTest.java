package dev.aio4j.net;

import static dev.aio4j.net.NetTesting.run;
import static dev.aio4j.net.NetTesting.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Task;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The contract every stream connection keeps, run over TCP, TLS, Unix-domain sockets and TLS on those. */
class StreamContractTest {

    /** One way to make a server and connect to it. */
    enum Kind {
        TCP,
        TLS,
        UNIX,
        TLS_OVER_UNIX;

        boolean tls() {
            return this == TLS || this == TLS_OVER_UNIX;
        }

        Server start(ClientHandler handler) throws Exception {
            ServerOptions o = tls()
                    ? ServerOptions.defaults().withSsl(TestCerts.get().serverContext())
                    : ServerOptions.defaults();
            if (this == UNIX || this == TLS_OVER_UNIX) {
                Path dir = Files.createTempDirectory("aio4j-contract");
                dir.toFile().deleteOnExit();
                return Net.startUnixServer(handler, dir.resolve("s.sock"), o);
            }
            return Net.startServer(handler, "127.0.0.1", 0, o);
        }

        Connection connect(Server server) throws Exception {
            ConnectOptions o = ConnectOptions.defaults();
            if (tls()) {
                o = o.withSsl(TestCerts.get().clientContext()).withServerHostname("localhost");
            }
            if (this == UNIX || this == TLS_OVER_UNIX) {
                return Net.openUnixConnection(Path.of(server.addresses().get(0).toString()), o);
            }
            return Net.openConnection("127.0.0.1", server.port(), o);
        }
    }

    private static void close(Server server) {
        server.close();
        server.closeClients();
        server.waitClosed();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void bytesComeBackInOrder(Kind kind) {
        byte[] payload = new byte[300_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 7);
        }
        byte[] got = run(() -> {
            Server server = kind.start(TcpStreamsTest.ECHO);
            Connection c = kind.connect(server);
            Task<byte[]> reading = Aio.createTask(() -> c.reader().readExactly(payload.length));
            c.writer().write(payload);
            c.writer().drain();
            byte[] back = reading.await();
            c.writer().close();
            c.writer().waitClosed();
            close(server);
            return back;
        });
        assertThat(Arrays.equals(got, payload)).isTrue();
    }

    /** Echoes through one direct buffer: readInto fills it, write(ByteBuffer) sends it. */
    static final ClientHandler BUFFER_ECHO = (reader, writer) -> {
        ByteBuffer buffer = ByteBuffer.allocateDirect(50_000);
        while (reader.readInto(buffer.clear()) > 0) {
            writer.write(buffer.flip());
            writer.drain();
        }
        writer.close();
    };

    @ParameterizedTest
    @EnumSource(Kind.class)
    void readIntoAndBufferWritesCarryEveryByteInOrder(Kind kind) {
        byte[] payload = new byte[700_001];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 13 + 1);
        }
        byte[] got = run(() -> {
            Server server = kind.start(BUFFER_ECHO);
            Connection c = kind.connect(server);
            Task<byte[]> reading = Aio.createTask(() -> {
                byte[] back = new byte[payload.length];
                int at = 0;
                while (at < back.length) {
                    int n = c.reader().readInto(back, at, Math.min(30_000, back.length - at));
                    assertThat(n).as("no EOF before the last byte").isPositive();
                    at += n;
                }
                return back;
            });
            List<byte[]> pieces = new ArrayList<>();
            for (int at = 0; at < payload.length; at += 100_000) {
                pieces.add(Arrays.copyOfRange(payload, at, Math.min(payload.length, at + 100_000)));
            }
            c.writer().writelines(pieces);
            c.writer().drain();
            byte[] back = reading.await();
            c.writer().close();
            c.writer().waitClosed();
            close(server);
            return back;
        });
        assertThat(Arrays.equals(got, payload)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aCancelledReadExactlyLeavesItsBytesForTheNextRead(Kind kind) {
        String got = run(() -> {
            Server server = kind.start((reader, writer) -> {
                writer.write("01234");
                writer.drain();
                reader.readline();
                writer.write("56789");
                writer.drain();
                reader.read();
                writer.close();
            });
            Connection c = kind.connect(server);
            Task<byte[]> t = Aio.createTask(() -> c.reader().readExactly(10));
            TcpStreamsTest.eventually(() -> c.reader().bufferedSize() == 5, "the first half arrives");
            t.cancel();
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
            c.writer().write("more\n");
            String all = str(c.reader().readExactly(10));
            c.writer().close();
            close(server);
            return all;
        });
        assertThat(got).isEqualTo("0123456789");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void thePeersCloseIsEofAfterTheLastByte(Kind kind) {
        run(() -> {
            Server server = kind.start((reader, writer) -> {
                writer.write("last words\n");
                writer.close();
            });
            Connection c = kind.connect(server);
            assertThat(str(c.reader().readline())).isEqualTo("last words\n");
            assertThat(c.reader().read(100)).isEmpty();
            assertThat(c.reader().atEof()).isTrue();
            c.writer().close();
            close(server);
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void halfCloseWorksWhereSupported(Kind kind) {
        run(() -> {
            Server server = kind.start((reader, writer) -> {
                byte[] all = reader.read();
                writer.write("got " + all.length);
                writer.close();
            });
            Connection c = kind.connect(server);
            assertThat(c.writer().canWriteEof()).isEqualTo(!kind.tls());
            if (c.writer().canWriteEof()) {
                c.writer().write("abc");
                c.writer().writeEof();
                assertThat(str(c.reader().read())).isEqualTo("got 3");
            } else {
                assertThatThrownBy(() -> c.writer().writeEof()).isInstanceOf(UnsupportedOperationException.class);
            }
            c.writer().close();
            close(server);
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void drainThrowsOnceTheConnectionIsGone(Kind kind) {
        run(() -> {
            Server server = kind.start((reader, writer) -> writer.transport().abort());
            Connection c = kind.connect(server);
            IOException failure = null;
            for (int i = 0; i < 300 && failure == null; i++) {
                try {
                    c.writer().write(new byte[32 * 1024]);
                    c.writer().drain();
                    Aio.sleep(Duration.ofMillis(5));
                } catch (IOException e) {
                    failure = e;
                }
            }
            assertThat(failure).as("drain fails after the peer is gone").isNotNull();
            close(server);
        });
    }
}
