package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.internal.WaitQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;

/**
 * The reading half of a stream connection (asyncio's {@code StreamReader}): a buffer fed by
 * the transport, read by one task at a time.
 *
 * <p>Reads suspend only the calling task. The buffer holds at most about {@code 2 x limit}
 * bytes: above that the transport stops reading, and it reads again once the buffer is down to
 * {@code limit}. {@code readUntil} and {@code readline} never return more than {@code limit}
 * bytes before the separator.
 *
 * <p>Errors: {@link IncompleteReadError} (EOF came first; the buffer is emptied into its
 * {@code partial}), {@link LimitOverrunError}, the error the connection was lost with, and
 * {@link IllegalStateException} when a second task reads while one already waits.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: the bytes {@code buf[start..end)}; {@code waiter} is the wait queue of the one
 * task waiting for data (the core's WaitQueue). The buffer grows by what arrives (reads that do not fit land
 * in a per-loop scratch buffer first) and is dropped when it empties if it is over 1 KiB, so an
 * idle connection costs no read buffer (asyncio's bytearray behaves alike). Invariants: (1) after {@code eof} no data is fed; (2) a read
 * that waits consumes nothing until it can return, so a read cancelled while waiting loses no
 * bytes; (3) {@code paused} is true exactly while this reader has paused its transport.
 */
public final class StreamReader {

    /** The default limit, 64 KiB, as asyncio's {@code _DEFAULT_LIMIT}. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    /** Where a read lands when the buffer has no room for it; one per loop (reads run on it). */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64 * 1024]);
    private static final byte[] EMPTY = new byte[0];
    /** A buffer larger than this is dropped when it empties: an idle connection keeps none. */
    private static final int RETAIN_EMPTY = 1024;

    private final EventLoop loop;
    private final int limit;
    private byte[] buf = EMPTY;
    /** The loop's scratch buffer while a read into it is under way (freeSpace to bytesFed), else null. */
    private byte[] scratch;
    private int start;
    private int end;
    private boolean eof;
    private Throwable exception;
    /** The task waiting for data, at most one; its wake-up is a broadcast (nothing to hand on). */
    private final WaitQueue waiter = new WaitQueue(this);
    private Transport transport;
    private boolean paused;

    /** A reader with the default limit, bound to the running loop. */
    public StreamReader() {
        this(DEFAULT_LIMIT);
    }

    /**
     * A reader with {@code limit}, bound to the running loop.
     *
     * @throws IllegalArgumentException if {@code limit <= 0}
     * @throws IllegalStateException if no loop runs the caller
     */
    public StreamReader(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit <= 0: " + limit);
        }
        this.limit = limit;
        this.loop = Aio.getRunningLoop();
    }

    /** The limit this reader was made with. */
    public int limit() {
        return limit;
    }

    // ------------------------------------------------------------------ the transport side

    void setTransport(Transport transport) {
        assert Aio.inLoop(loop);
        this.transport = transport;
    }

    /** Appends {@code data} and wakes the waiting reader (protocol side). */
    public void feedData(byte[] data) {
        if (eof) {
            throw new IllegalStateException("feedData after feedEof: " + this);
        }
        if (data.length == 0) {
            return;
        }
        ensureCapacity(data.length);
        System.arraycopy(data, 0, buf, end, data.length);
        end += data.length;
        wakeWaiter();
        if (transport != null && !paused && size() > 2L * limit) {
            transport.pauseReading();
            paused = true;
        }
    }

    /**
     * Space for the transport to read into (at least {@code min} bytes): the free end of the
     * buffer if it has that much room, else the loop's scratch buffer, whose bytes
     * {@link #bytesFed} then copies into a buffer grown only by what arrived. So the buffer is
     * sized to the data, and a read that finds nothing (or EOF) allocates nothing. Follow with
     * {@link #bytesFed}.
     */
    java.nio.ByteBuffer freeSpace(int min) {
        if (eof) {
            throw new IllegalStateException("freeSpace after feedEof: " + this);
        }
        if (buf.length - end >= min) {
            scratch = null;
            return java.nio.ByteBuffer.wrap(buf, end, buf.length - end);
        }
        byte[] s = SCRATCH.get();
        scratch = s;
        return java.nio.ByteBuffer.wrap(s, 0, Math.min(min, s.length));
    }

    /** {@code n} bytes were read into the space {@link #freeSpace} returned. */
    void bytesFed(int n) {
        byte[] s = scratch;
        scratch = null;
        if (n <= 0) {
            return;
        }
        if (s != null) {
            ensureCapacity(n);
            System.arraycopy(s, 0, buf, end, n);
        }
        end += n;
        wakeWaiter();
        if (transport != null && !paused && size() > 2L * limit) {
            transport.pauseReading();
            paused = true;
        }
    }

    /** Marks EOF and wakes the waiting reader (protocol side). */
    public void feedEof() {
        eof = true;
        wakeWaiter();
    }

    /** Makes every later read throw {@code error}; wakes the waiting reader. */
    public void setException(Throwable error) {
        this.exception = error;
        wakeWaiter();
    }

    /** The error set by {@link #setException}, or null. */
    public Throwable exception() {
        return exception;
    }

    /** True when EOF was fed and the buffer is empty. */
    public boolean atEof() {
        return eof && size() == 0;
    }

    private void wakeWaiter() {
        waiter.unparkAll();
    }

    // ------------------------------------------------------------------ reading

    /**
     * Up to {@code n} bytes, as soon as at least one is there; {@code n < 0} reads to EOF;
     * an empty array at EOF or for {@code n == 0}.
     */
    public byte[] read(int n) throws IOException {
        throwIfFailed();
        if (n == 0) {
            return new byte[0];
        }
        if (n < 0) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            while (true) {
                byte[] block = read(limit);
                if (block.length == 0) {
                    return all.toByteArray();
                }
                all.write(block, 0, block.length);
            }
        }
        if (size() == 0 && !eof) {
            waitForData("read");
        }
        int take = Math.min(n, size());
        return take(take);
    }

    /** Everything to EOF ({@code read(-1)}). */
    public byte[] read() throws IOException {
        return read(-1);
    }

    /**
     * Exactly {@code n} bytes.
     *
     * @throws IncompleteReadError if EOF comes first (with the bytes read; the buffer is emptied)
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public byte[] readExactly(int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0: " + n);
        }
        throwIfFailed();
        if (n == 0) {
            return new byte[0];
        }
        while (size() < n) {
            if (eof) {
                byte[] partial = Arrays.copyOfRange(buf, start, end);
                clear();
                throw new IncompleteReadError(partial, n);
            }
            waitForData("readExactly");
        }
        return take(n);
    }

    /**
     * One line through {@code '\n'}; a partial line at EOF; an empty array at EOF.
     *
     * @throws LimitOverrunError if the line is longer than the limit; the data is consumed
     *     through the newline if there is one in the buffer, else the buffer is cleared
     */
    public byte[] readline() throws IOException {
        try {
            return readUntil(new byte[] {'\n'});
        } catch (IncompleteReadError e) {
            return e.partial();
        } catch (LimitOverrunError e) {
            int at = start + e.consumed();
            if (at < end && buf[at] == '\n') {
                consume(e.consumed() + 1);
            } else {
                clear();
            }
            throw e;
        }
    }

    /** {@link #readUntil(byte[]...)} with {@code '\n'}. */
    public byte[] readUntil() throws IOException {
        return readUntil(new byte[] {'\n'});
    }

    /**
     * The data through the first separator (included). With several separators, the match that
     * ends first wins (asyncio 3.13).
     *
     * @throws IncompleteReadError if EOF comes first (with the bytes; the buffer is emptied)
     * @throws LimitOverrunError if no separator shows within the limit; the data stays
     * @throws IllegalArgumentException for no separator or an empty one
     */
    public byte[] readUntil(byte[]... separators) throws IOException {
        if (separators.length == 0) {
            throw new IllegalArgumentException("separators is empty");
        }
        byte[][] seps = separators.clone();
        Arrays.sort(seps, Comparator.comparingInt(s -> s.length));
        int minLen = seps[0].length;
        int maxLen = seps[seps.length - 1].length;
        if (minLen == 0) {
            throw new IllegalArgumentException("separator is empty");
        }
        throwIfFailed();
        int offset = 0;
        int matchStart = -1;
        int matchEnd = -1;
        while (true) {
            int len = size();
            if (len - offset >= minLen) {
                for (byte[] sep : seps) {
                    int i = indexOf(sep, offset);
                    if (i >= 0 && (matchEnd < 0 || i + sep.length < matchEnd)) {
                        matchStart = i;
                        matchEnd = i + sep.length;
                    }
                }
                if (matchEnd >= 0) {
                    break;
                }
                offset = Math.max(0, len + 1 - maxLen);
                if (offset > limit) {
                    throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
                }
            }
            if (eof) {
                byte[] partial = Arrays.copyOfRange(buf, start, end);
                clear();
                throw new IncompleteReadError(partial, -1);
            }
            waitForData("readUntil");
        }
        if (matchStart > limit) {
            throw new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart);
        }
        return take(matchEnd);
    }

    /**
     * The lines to EOF, each read by {@link #readline()} when the iterator is advanced (asyncio's
     * {@code async for line in reader}). An Iterator cannot throw a checked exception, so the
     * IOException every other read throws comes out of {@code hasNext()}/{@code next()} wrapped,
     * unchanged, in an {@link UncheckedIOException} (its cause); nothing else is wrapped. A
     * server handler failing with it is treated as the IOException itself (a peer reset is a
     * DEBUG line, not an error). To handle it as checked, catch it and rethrow
     * {@code e.getCause()}, or loop on {@link #readline()}.
     */
    public Iterable<byte[]> lines() {
        return () -> new Iterator<>() {
            private byte[] next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = readline();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return next.length > 0;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                byte[] line = next;
                next = null;
                return line;
            }
        };
    }

    // ------------------------------------------------------------------ machinery

    private void waitForData(String op) throws IOException {
        if (waiter.parked() > 0) {
            throw new IllegalStateException(op + "() called while another task is already waiting for incoming data: " + this);
        }
        if (paused) {
            paused = false;
            transport.resumeReading();
        }
        waiter.park(loop);
        throwIfFailed();
    }

    private void throwIfFailed() throws IOException {
        Throwable e = exception;
        if (e != null) {
            throw rethrow(e);
        }
    }

    static IOException rethrow(Throwable e) {
        if (e instanceof IOException io) {
            return io;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new CompletionException(e);
    }

    /**
     * Removes and returns the first {@code n} buffered bytes. When they are the whole buffer
     * array (a read that arrived into an empty reader is stored exactly sized), the array itself
     * is handed over instead of a copy, so such a chunk is copied once, as before this buffer
     * was sized to the data.
     */
    private byte[] take(int n) {
        if (start == 0 && n == buf.length && n > 0) {
            byte[] data = buf;
            buf = EMPTY;
            start = end = 0;
            maybeResumeTransport();
            return data;
        }
        byte[] data = Arrays.copyOfRange(buf, start, start + n);
        consume(n);
        return data;
    }

    private int size() {
        return end - start;
    }

    private int indexOf(byte[] sep, int from) {
        int last = end - sep.length;
        outer:
        for (int i = start + from; i <= last; i++) {
            for (int j = 0; j < sep.length; j++) {
                if (buf[i + j] != sep[j]) {
                    continue outer;
                }
            }
            return i - start;
        }
        return -1;
    }

    private void consume(int n) {
        start += n;
        if (start == end) {
            emptied();
        }
        maybeResumeTransport();
    }

    private void clear() {
        emptied();
        maybeResumeTransport();
    }

    private void emptied() {
        start = end = 0;
        if (buf.length > RETAIN_EMPTY) {
            buf = EMPTY;
        }
    }

    private void maybeResumeTransport() {
        if (paused && size() <= limit) {
            paused = false;
            transport.resumeReading();
        }
    }

    private void ensureCapacity(int more) {
        if (end + more <= buf.length) {
            return;
        }
        int size = size();
        if (size + more <= buf.length) {
            System.arraycopy(buf, start, buf, 0, size);
        } else {
            byte[] bigger = new byte[Math.max(buf.length * 2, size + more)];
            System.arraycopy(buf, start, bigger, 0, size);
            buf = bigger;
        }
        start = 0;
        end = size;
    }

    /** How many bytes are buffered. */
    public int bufferedSize() {
        return size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("StreamReader[");
        sb.append(size()).append(" bytes");
        if (eof) {
            sb.append(", eof");
        }
        if (limit != DEFAULT_LIMIT) {
            sb.append(", limit=").append(limit);
        }
        if (waiter.parked() > 0) {
            sb.append(", waiter");
        }
        if (exception != null) {
            sb.append(", exception=").append(exception);
        }
        if (paused) {
            sb.append(", paused");
        }
        return sb.append(']').toString();
    }
}
