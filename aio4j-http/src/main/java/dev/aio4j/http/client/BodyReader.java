package dev.aio4j.http.client;

import dev.aio4j.http.client.internal.BodyBridge;
import dev.aio4j.http.client.internal.ExchangeTimer;
import dev.aio4j.net.IncompleteReadError;
import dev.aio4j.net.LimitOverrunError;
import dev.aio4j.net.StreamReader;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Callable;

/**
 * The body of a {@link ClientResponse} as a stream (aiohttp's {@code response.content}, a
 * {@code StreamReader}), for bodies too large to hold: the same reads as aio4j-net's
 * {@link StreamReader}, each suspending only the task and bounded by the request's
 * {@link ClientTimeout} (total, and sockRead between pieces).
 *
 * <pre>{@code
 * try (ClientResponse r = session.get(url); OutputStream out = Files.newOutputStream(path)) {
 *     r.raiseForStatus();
 *     for (byte[] piece; (piece = r.content().read(64 * 1024)).length > 0; ) {
 *         out.write(piece);
 *     }
 * }
 * }</pre>
 *
 * <p>Memory stays bounded: the JDK client is asked for more of the body only while less than
 * the session's {@code readLimit} (64 KiB by default) is buffered here, or a read waits for
 * more; a reader that stops reading stops the download (TCP's window closes at the server).
 *
 * <p>Errors: a deadline throws {@link ClientTimeoutError} and abandons the body (the connection
 * is closed); a connection lost throws {@link ClientConnectionError}; a body cut short or
 * corrupt throws {@link ClientPayloadError}; reading after the response was closed throws
 * {@link IllegalStateException}. A cancelled read loses no bytes, as a StreamReader's.
 */
public final class BodyReader {
    private final BodyBridge bridge;
    private final ExchangeTimer timer;
    private final StreamReader reader;

    BodyReader(BodyBridge bridge, ExchangeTimer timer) {
        this.bridge = bridge;
        this.timer = timer;
        this.reader = bridge.reader();
    }

    /** Up to {@code n} bytes as soon as some are there; an empty array at the end; {@code n < 0}: all to the end. */
    public byte[] read(int n) throws IOException {
        return timed(() -> reader.read(n));
    }

    /** Everything to the end of the body. */
    public byte[] read() throws IOException {
        return timed(reader::read);
    }

    /**
     * Exactly {@code n} bytes.
     *
     * @throws IncompleteReadError if the body ends first
     */
    public byte[] readExactly(int n) throws IOException {
        return timed(() -> reader.readExactly(n));
    }

    /** One line through {@code '\n'}; a partial line at the end; an empty array at the end. */
    public byte[] readline() throws IOException {
        return timed(reader::readline);
    }

    /**
     * The data through the first of {@code separators} (included).
     *
     * @throws IncompleteReadError if the body ends first
     * @throws LimitOverrunError if no separator shows within the read limit
     */
    public byte[] readUntil(byte[]... separators) throws IOException {
        return timed(() -> reader.readUntil(separators));
    }

    /**
     * Copies the rest of the body to {@code out} (a blocking stream: use it for files or memory;
     * a slow {@code out} holds the loop) and returns the byte count.
     */
    public long transferTo(OutputStream out) throws IOException {
        long n = 0;
        for (byte[] piece; (piece = read(reader.limit())).length > 0; ) {
            out.write(piece);
            n += piece.length;
        }
        return n;
    }

    /** True when the whole body has been read. */
    public boolean atEof() {
        return reader.atEof();
    }

    /** Bytes buffered and not read yet. */
    public int bufferedSize() {
        return reader.bufferedSize();
    }

    private <T> T timed(Callable<T> op) throws IOException {
        bridge.readStarted();
        try {
            return timer.run(op);
        } catch (ClientTimeoutError e) {
            bridge.abort(e);
            throw e;
        } finally {
            bridge.readEnded();
        }
    }

    @Override
    public String toString() {
        return "BodyReader[" + bridge + "]";
    }
}
