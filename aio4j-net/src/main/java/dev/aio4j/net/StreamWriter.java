package dev.aio4j.net;

import dev.aio4j.Aio;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The writing half of a stream connection (asyncio's {@code StreamWriter}).
 *
 * <p>{@code write} never blocks: bytes the socket does not take at once are buffered. Call
 * {@link #drain()} after writing to wait while the buffer is above the transport's high-water
 * mark (64 KiB by default); that keeps memory bounded when the peer reads slowly. Methods are
 * loop-affine. A writer is {@link AutoCloseable}: try-with-resources closes it (gracefully, as
 * {@link #close()}; asyncio's {@code async with writer} is the same), without waiting for the
 * close to finish ({@link #waitClosed()} does that).
 */
public final class StreamWriter implements AutoCloseable {

    /**
     * The most a task writes beyond what its connection received before {@link #drain()} gives
     * the loop a turn.
     */
    static final int YIELD_BYTES = 64 * 1024;

    private Transport transport;
    /** Bytes handed to the transport since the task last gave the loop a turn. */
    private long sinceYield;
    /** The reader's {@link StreamReader#waits()} when this writer last looked. */
    private long readerWaits;
    /** The reader's {@link StreamReader#received()} when the task last gave the loop a turn. */
    private long receivedMark;

    private final StreamProtocol protocol;
    private final StreamReader reader;

    StreamWriter(Transport transport, StreamProtocol protocol, StreamReader reader) {
        this.transport = transport;
        this.protocol = protocol;
        this.reader = reader;
        protocol.writer = this;
    }

    /** The transport underneath (the TLS one after {@link #startTls}). */
    public Transport transport() {
        return transport;
    }

    /** Buffers {@code data} for sending; never blocks. */
    public void write(byte[] data) {
        count(data.length);
        transport.write(data);
    }

    /**
     * Sends the remaining bytes of {@code data}, buffering a copy of what the socket does not
     * take at once; {@code data} may be reused as soon as this returns. A direct buffer goes to
     * the socket without a copy (see {@link StreamReader#readInto(ByteBuffer)}).
     */
    public void write(ByteBuffer data) {
        count(data.remaining());
        transport.write(data);
    }

    /** Adds {@code n} to the bytes written since the task last gave the loop a turn. */
    private void count(long n) {
        sinceReaderWaited();
        sinceYield += n;
    }

    /** A read of the connection that suspended the task since this writer last looked was a turn. */
    private void sinceReaderWaited() {
        if (reader != null && reader.waits() != readerWaits) {
            readerWaits = reader.waits();
            receivedMark = reader.receivedAtWait();
            sinceYield = 0;
        }
    }

    /** Bytes the connection received since the task last gave the loop a turn. */
    private long receivedSinceTurn() {
        return reader == null ? 0 : reader.received() - receivedMark;
    }

    /** The task gives the loop a turn now (a yield, or a wait in drain). */
    private void turn() {
        sinceYield = 0;
        receivedMark = reader == null ? 0 : reader.received();
    }

    /** Writes {@code text} in UTF-8. */
    public void write(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends every array in order (on a plain socket, gathered into as few system calls as it
     * takes); buffers what the socket does not take. Never blocks.
     */
    public void writelines(Iterable<byte[]> lines) {
        for (byte[] line : lines) {
            count(line.length);
        }
        transport.writelines(lines);
    }

    /**
     * Waits until the write buffer is at or below the low-water mark, if it went above the
     * high-water mark; returns at once otherwise.
     *
     * <p>Unlike asyncio, drain also gives the loop a turn (a zero sleep) once the task wrote 64 KiB
     * beyond what the connection received since it last gave the loop one (a drain that waited
     * or yielded, or a read of this connection that waited for data), even when the socket took
     * every byte: a task that writes and drains in a loop would otherwise hold the loop for as
     * long as the kernel keeps accepting (megabytes per connection on loopback), delaying every
     * timer and reader of the loop. A task that writes back what it reads (an echo, a proxy)
     * never needs the extra turn, and what can arrive between two of its turns is bounded by the
     * reader, which stops its transport above 2 x limit.
     *
     * @throws IOException the reader's error if it has one; the error the connection was lost
     *     with, or {@code SocketException("Connection lost")} once it is gone
     */
    public void drain() throws IOException {
        if (reader != null && reader.exception() != null) {
            throw StreamReader.rethrow(reader.exception());
        }
        sinceReaderWaited();
        if (transport.isClosing() || sinceYield >= YIELD_BYTES + receivedSinceTurn()) {
            // Closing: let connectionLost run first, as asyncio does, so the error below is the
            // real one. Otherwise: a forced turn for the rest of the loop (see above).
            turn();
            Aio.sleep(Duration.ZERO);
        }
        long received = reader == null ? 0 : reader.received();
        if (protocol.drainHelper()) {
            sinceYield = 0;
            receivedMark = received;
        }
    }

    /** Closes the connection after the buffered bytes are sent; a second call does nothing. */
    @Override
    public void close() {
        transport.close();
    }

    /** True once closing started. */
    public boolean isClosing() {
        return transport.isClosing();
    }

    /**
     * Waits until the connection is closed.
     *
     * @throws IOException the error the connection was lost with, if any
     */
    public void waitClosed() throws IOException {
        protocol.awaitClosed();
    }

    /** Whether {@link #writeEof()} works (not over TLS). */
    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /** Half-closes: EOF after the buffered bytes; reading goes on. */
    public void writeEof() {
        transport.writeEof();
    }

    /** See {@link Transport#getExtraInfo(String)}. */
    public Object getExtraInfo(String name) {
        return transport.getExtraInfo(name);
    }

    /** {@link #getExtraInfo(String)} with a default. */
    public Object getExtraInfo(String name, Object defaultValue) {
        return transport.getExtraInfo(name, defaultValue);
    }

    /**
     * Upgrades this connection to TLS in place (asyncio's {@code StreamWriter.start_tls}): drains,
     * then handshakes as a client ({@code serverHostname} for SNI and verification; null means
     * the host the connection was opened to) or, on a server's connection, as the server. The
     * reader and writer keep working over TLS afterwards.
     *
     * @throws IOException if the handshake fails (the connection is then closed)
     */
    public void startTls(SSLContext context, String serverHostname) throws IOException {
        startTls(context, serverHostname, Tls.DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** {@link #startTls(SSLContext, String)} with a handshake timeout. */
    public void startTls(SSLContext context, String serverHostname, Duration handshakeTimeout) throws IOException {
        Objects.requireNonNull(context, "context");
        drain();
        boolean serverSide = transport instanceof SocketTransport st && st.isServerSide();
        String host = serverHostname;
        if (host == null && !serverSide) {
            host = protocol.connectHost;
        }
        Transport tls = Tls.upgrade(transport, protocol, context, serverSide, host, handshakeTimeout);
        this.transport = tls;
    }

    @Override
    public String toString() {
        return "StreamWriter[transport=" + transport + (reader != null ? ", reader=" + reader : "") + "]";
    }
}
