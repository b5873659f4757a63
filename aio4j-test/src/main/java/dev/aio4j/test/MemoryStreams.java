package dev.aio4j.test;

import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import dev.aio4j.net.Protocol;
import dev.aio4j.net.StreamReader;
import dev.aio4j.net.Transport;
import dev.aio4j.test.internal.MemoryTransport;

/**
 * Connected stream pairs in memory, for testing protocol code without sockets (Trio's
 * {@code memory_stream_pair}): what one side's {@code StreamWriter} writes, the other side's
 * {@code StreamReader} reads. Real {@link dev.aio4j.net.StreamReader}/{@code StreamWriter}
 * objects over an in-memory transport, so the code under test cannot tell them from a socket's.
 *
 * <pre>{@code
 * StreamPair pair = MemoryStreams.pair(1);       // one byte at a time: framing bugs show up
 * Aio.createTask(() -> server.handle(pair.right().reader(), pair.right().writer()));
 * pair.left().writer().write("GET /\r\n\r\n");
 * assertEquals("200 OK\r\n", new String(pair.left().reader().readline(), UTF_8));
 * }</pre>
 *
 * <p>The buffer size is both the most bytes delivered to the reader per loop iteration and the
 * writer's high-water mark: a small one makes data arrive in pieces and makes {@code drain()}
 * wait until the other side reads. Closing, half-closing ({@code writeEof}) and aborting behave
 * as TCP's do (an abort is a reset for the other side). Call from a task of the loop.
 */
public final class MemoryStreams {
    private MemoryStreams() {}

    /** The two ends of an in-memory connection. */
    public record StreamPair(Connection left, Connection right) {}

    /** The two transports of an in-memory connection, for protocol-level tests. */
    public record TransportPair(Transport left, Transport right) {}

    /** A pair with a 64 KiB buffer. */
    public static StreamPair pair() {
        return pair(StreamReader.DEFAULT_LIMIT);
    }

    /**
     * A pair whose buffer holds {@code bufferSize} bytes; the readers have the default limit.
     *
     * @throws IllegalArgumentException if {@code bufferSize <= 0}
     */
    public static StreamPair pair(int bufferSize) {
        return pair(bufferSize, StreamReader.DEFAULT_LIMIT);
    }

    /** A pair with {@code bufferSize} and readers of {@code readerLimit}. */
    public static StreamPair pair(int bufferSize, int readerLimit) {
        MemoryTransport[] ends = MemoryTransport.pair(bufferSize, "left", "right");
        Connection left = Net.connectStreams(ends[0], new StreamReader(readerLimit));
        Connection right = Net.connectStreams(ends[1], new StreamReader(readerLimit));
        return new StreamPair(left, right);
    }

    /**
     * Two connected transports delivering to {@code left} and {@code right} (asyncio's protocol
     * level); each protocol's {@code connectionMade} is called before this returns.
     */
    public static TransportPair transports(Protocol left, Protocol right, int bufferSize) {
        MemoryTransport[] ends = MemoryTransport.pair(bufferSize, "left", "right");
        ends[0].bind(left);
        ends[1].bind(right);
        left.connectionMade(ends[0]);
        right.connectionMade(ends[1]);
        return new TransportPair(ends[0], ends[1]);
    }
}
