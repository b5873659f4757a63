package dev.aio4j.net;

import java.nio.ByteBuffer;

/**
 * A bidirectional byte stream driven by the loop: a TCP or Unix-domain socket, or TLS on one
 * (asyncio's {@code Transport}). Methods are loop-affine and never block: {@code write} buffers
 * what the socket does not take at once and flushes it when the socket can be written.
 *
 * <p>Write flow control: the transport calls its protocol's {@code pauseWriting()} when the
 * buffered size goes strictly above the high-water mark and {@code resumeWriting()} when it
 * falls to or below the low-water mark (defaults 64 KiB and 16 KiB).
 */
public interface Transport {

    /**
     * Buffers {@code data} and sends it as soon as possible; the bytes are copied.
     *
     * @throws IllegalStateException after {@link #writeEof()}
     */
    void write(byte[] data);

    /** Writes the remaining bytes of {@code data} (they are consumed or copied). */
    void write(ByteBuffer data);

    /** Writes every array in order. */
    default void writelines(Iterable<byte[]> lines) {
        for (byte[] line : lines) {
            write(line);
        }
    }

    /** Half-closes: sends EOF after the buffered bytes; reading goes on. */
    void writeEof();

    /** Whether {@link #writeEof()} is supported (false over TLS, as in asyncio). */
    boolean canWriteEof();

    /**
     * Closes after the buffered bytes are sent; the protocol's {@code connectionLost(null)}
     * follows. Idempotent.
     */
    void close();

    /** Closes at once, dropping the buffered bytes; {@code connectionLost(null)} follows soon. */
    void abort();

    /** True once {@code close()}/{@code abort()} was called or the connection was lost. */
    boolean isClosing();

    /**
     * Optional information: "peername", "sockname" (SocketAddress), "socket" (the channel),
     * and over TLS "sslcontext", "ssl_object" (SSLEngine), "peercert" (X509Certificate or null),
     * "cipher" (String), "tls_version" (String). Null when unknown.
     */
    Object getExtraInfo(String name);

    /** {@link #getExtraInfo(String)} with a default. */
    default Object getExtraInfo(String name, Object defaultValue) {
        Object v = getExtraInfo(name);
        return v != null ? v : defaultValue;
    }

    /** Stops calling {@code dataReceived} until {@link #resumeReading()}. Idempotent. */
    void pauseReading();

    /** Undoes {@link #pauseReading()}. Idempotent; no-op while closing. */
    void resumeReading();

    /** True while the transport reads (not paused, not closing). */
    boolean isReading();

    /**
     * Sets the write water marks: {@code high < 0} means "4 x low" (or 64 KiB when both are
     * negative); {@code low < 0} means "high / 4" ({@link WriteBufferLimits#of} says it once for
     * every implementation).
     *
     * @throws IllegalArgumentException unless high >= low >= 0
     */
    void setWriteBufferLimits(int high, int low);

    /** The buffered, not yet sent, byte count. */
    int getWriteBufferSize();

    /** {low, high}. */
    int[] getWriteBufferLimits();

    /** The protocol receiving this transport's callbacks. */
    Protocol getProtocol();

    /** Replaces the protocol; later callbacks go to {@code protocol}. */
    void setProtocol(Protocol protocol);
}
