package dev.aio4j.http.internal;

import dev.aio4j.net.StreamReader;
import dev.aio4j.net.StreamWriter;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One connection's streams plus the bytes read from it but not yet parsed. HTTP parsing reads
 * ahead; whatever follows one request (a pipelined request, the first WebSocket frames) stays
 * here for the next reader.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>{@code in} is in read mode and wraps an array that is never written after it was wrapped,
 * so slices handed out by a parser stay valid after {@link #fill()} replaced {@code in}.
 * Loop-affine: one task reads at a time (the HTTP connection, then the request's task, then a
 * WebSocket).
 */
public final class Wire {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** The most bytes taken from the stream per {@link #fill()}. */
    private static final int READ_SIZE = 64 * 1024;

    public final StreamReader reader;
    public final StreamWriter writer;
    private ByteBuffer in = EMPTY;

    public Wire(StreamReader reader, StreamWriter writer) {
        this.reader = reader;
        this.writer = writer;
    }

    /** The unparsed bytes (read mode); a parser consumes them by advancing its position. */
    public ByteBuffer in() {
        return in;
    }

    /** True if unparsed bytes are waiting. */
    public boolean hasInput() {
        return in.hasRemaining();
    }

    /**
     * Reads at least one more byte from the stream and appends it to {@link #in()}.
     *
     * @return false at EOF
     */
    public boolean fill() throws IOException {
        byte[] data = reader.read(READ_SIZE);
        if (data.length == 0) {
            return false;
        }
        if (!in.hasRemaining()) {
            in = ByteBuffer.wrap(data);
        } else {
            byte[] joined = new byte[in.remaining() + data.length];
            int n = in.remaining();
            in.get(joined, 0, n);
            System.arraycopy(data, 0, joined, n, data.length);
            in = ByteBuffer.wrap(joined);
        }
        return true;
    }

    /**
     * Exactly {@code n} bytes, from the unparsed bytes first, then the stream.
     *
     * @throws dev.aio4j.net.IncompleteReadError if EOF comes first
     */
    public byte[] readExactly(int n) throws IOException {
        byte[] out = new byte[n];
        int have = Math.min(n, in.remaining());
        in.get(out, 0, have);
        if (have < n) {
            byte[] rest = reader.readExactly(n - have);
            System.arraycopy(rest, 0, out, have, rest.length);
        }
        return out;
    }

    /** Writes {@code data} and waits while the peer is slow to read (back-pressure). */
    public void send(byte[] data) throws IOException {
        writer.write(data);
        writer.drain();
    }
}
