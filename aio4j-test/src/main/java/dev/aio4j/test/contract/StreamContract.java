package dev.aio4j.test.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Task;
import dev.aio4j.net.ClientHandler;
import dev.aio4j.net.Connection;
import dev.aio4j.test.AioTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The contract every stream connection keeps (the reader and writer over TCP, TLS, Unix-domain
 * sockets, in-memory pairs, or a transport of yours): bytes arrive in order, a cancelled read
 * loses nothing, EOF comes after the last byte, half-close works where it is supported, and
 * {@code drain} fails once the connection is gone. Extend it and say how to make an endpoint:
 *
 * <pre>{@code
 * class TcpStreamTest extends StreamContract {
 *     protected Endpoint start(ClientHandler handler) throws IOException {
 *         Server server = Net.startServer(handler, "127.0.0.1", 0);
 *         return Endpoint.of(() -> Net.openConnection("127.0.0.1", server.port()), () -> {
 *             server.close(); server.closeClients(); server.waitClosed();
 *         });
 *     }
 * }
 * }</pre>
 *
 * <p>Runs on the real clock (real peers answer in real time); every test closes what it opened,
 * so the extension's leak checks hold.
 */
@AioTest
public abstract class StreamContract {

    /** For subclasses, which JUnit makes. */
    protected StreamContract() {}

    /** A place to connect to: each connection's far end runs the handler in a task of its own. */
    public interface Endpoint {
        /** Opens a connection; its far end runs the handler given to {@link #start}. */
        Connection connect() throws Exception;

        /** Closes the endpoint and every connection it accepted, and waits until they are closed. */
        void close() throws Exception;

        /** An endpoint from two lambdas. */
        static Endpoint of(Opener connect, Closer close) {
            return new Endpoint() {
                public Connection connect() throws Exception {
                    return connect.open();
                }

                public void close() throws Exception {
                    close.close();
                }
            };
        }

        /** Opens a connection. */
        @FunctionalInterface
        interface Opener {
            /** Opens a connection to the endpoint. */
            Connection open() throws Exception;
        }

        /** Closes an endpoint. */
        @FunctionalInterface
        interface Closer {
            /** Closes the endpoint and what it accepted, and waits until they are closed. */
            void close() throws Exception;
        }
    }

    /** Starts an endpoint whose connections are served by {@code handler}. */
    protected abstract Endpoint start(ClientHandler handler) throws Exception;

    /** Whether {@code writeEof} works (false over TLS, as in asyncio). */
    protected boolean supportsHalfClose() {
        return true;
    }

    /** A handler that echoes every byte until EOF. */
    protected static final ClientHandler ECHO = (reader, writer) -> {
        for (byte[] b; (b = reader.read(64 * 1024)).length > 0; ) {
            writer.write(b);
            writer.drain();
        }
        writer.close();
    };

    /** 300 KB written in pieces come back from the echo in order. */
    @Test
    public void bytesComeBackInOrder() throws Exception {
        byte[] payload = new byte[300_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 7);
        }
        Endpoint endpoint = start(ECHO);
        Connection c = endpoint.connect();
        Task<byte[]> reading = Aio.createTask(() -> c.reader().readExactly(payload.length));
        c.writer().write(payload);
        c.writer().drain();
        assertArrayEquals(payload, reading.await());
        c.writer().close();
        c.writer().waitClosed();
        endpoint.close();
    }

    /** A readExactly cancelled while waiting loses no byte: the next read gets them all. */
    @Test
    public void aCancelledReadExactlyLeavesItsBytesForTheNextRead() throws Exception {
        Endpoint endpoint = start((reader, writer) -> {
            writer.write("01234");
            writer.drain();
            reader.readline();
            writer.write("56789");
            writer.drain();
            reader.read();
            writer.close();
        });
        Connection c = endpoint.connect();
        Task<byte[]> t = Aio.createTask(() -> c.reader().readExactly(10));
        for (int i = 0; i < 5_000 && c.reader().bufferedSize() < 5; i++) {
            Aio.sleep(Duration.ofMillis(1));
        }
        assertEquals(5, c.reader().bufferedSize(), "the first half arrived");
        t.cancel();
        assertThrows(CancelledError.class, t::await);
        c.writer().write("more\n");
        assertEquals("0123456789", str(c.reader().readExactly(10)));
        c.writer().close();
        c.writer().waitClosed();
        endpoint.close();
    }

    /** The peer's close reads as EOF, after every byte it wrote. */
    @Test
    public void thePeersCloseIsEofAfterTheLastByte() throws Exception {
        Endpoint endpoint = start((reader, writer) -> {
            writer.write("last words\n");
            writer.close();
        });
        Connection c = endpoint.connect();
        assertEquals("last words\n", str(c.reader().readline()));
        assertEquals(0, c.reader().read(100).length);
        assertTrue(c.reader().atEof());
        c.writer().close();
        c.writer().waitClosed();
        endpoint.close();
    }

    /** writeEof lets the peer read EOF while the other direction stays open (skipped where not supported). */
    @Test
    public void halfCloseWorksWhereSupported() throws Exception {
        Endpoint endpoint = start((reader, writer) -> {
            byte[] all = reader.read();
            writer.write("got " + all.length);
            writer.close();
        });
        Connection c = endpoint.connect();
        assertEquals(supportsHalfClose(), c.writer().canWriteEof());
        if (c.writer().canWriteEof()) {
            c.writer().write("abc");
            c.writer().writeEof();
            assertEquals("got 3", str(c.reader().read()));
        } else {
            assertThrows(UnsupportedOperationException.class, () -> c.writer().writeEof());
        }
        c.writer().close();
        c.writer().waitClosed();
        endpoint.close();
    }

    /** drain throws once the peer has aborted the connection. */
    @Test
    public void drainThrowsOnceTheConnectionIsGone() throws Exception {
        Endpoint endpoint = start((reader, writer) -> writer.transport().abort());
        Connection c = endpoint.connect();
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
        assertNotNull(failure, "drain failed after the peer was gone");
        c.writer().close();
        endpoint.close();
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
