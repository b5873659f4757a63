package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.internal.WaitQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
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
 * <p>Representation: the bytes {@code buf[start..end)}, then {@code next} if it is set (see
 * below); {@code waiter} is the wait queue of the one task waiting for data (the core's
 * WaitQueue). The buffer grows by what arrives and is dropped when it empties if it is over
 * 1 KiB, so an idle connection costs no read buffer (asyncio's bytearray behaves alike).
 * Invariants: (1) after {@code eof} no data is fed; (2) a read that waits consumes nothing until
 * it can return, so a read cancelled while waiting loses no bytes; (3) {@code paused} is true
 * exactly while this reader has paused its transport; (4) while {@code next} is set,
 * {@code buf} is exactly full ({@code end == buf.length}).
 *
 * <p>The byte path: a socket read lands in the loop's direct buffer ({@link LoopBuffers}) and is
 * copied once into {@code buf}; into an empty reader that copy is an array of exactly the size
 * read, which a read of at least that much takes as it is (no second copy). While a
 * {@code read(n)} or {@code readExactly(n)} waits on an empty buffer and a socket read brings
 * more than {@code n}, that copy is cut in two arrays, {@code n} bytes in {@code buf} and the
 * rest in {@code next}: the waiting read takes {@code buf} as it is, and a next read of at least
 * the rest takes {@code next} as it is. So a message larger than the reads that ask for it costs
 * one socket read, one copy and one wake-up of the task, not one of each per read. A
 * {@code readExactly(n)} whose bytes come in several socket reads has {@code buf} grown to
 * exactly {@code n} ({@link #reserve}), so it too returns the array as it is. Any other
 * use of the buffer first appends {@code next} to {@code buf} ({@link #join}). No socket read
 * asks for more than {@code 2 x limit} (at least {@link #MIN_READ}), so one read overshoots the
 * pause threshold by at most that; while a read of fewer than {@link #MIN_READ} bytes waits on
 * an empty buffer, it asks for {@link #MIN_READ} at most. While a {@link #readInto} waits on an empty buffer, the
 * socket reads straight into the caller's buffer ({@code into}) and nothing passes through
 * {@code buf}; {@code landed} counts those bytes until the task takes them, and a readInto that
 * fails or is cancelled after they landed puts them back in front of {@code buf} and restores
 * the caller's position, so invariant (2) holds for it too.
 *
 * <p>For the writer: {@code waits} counts the reads that suspended their task and
 * {@code received} the bytes fed, so {@link StreamWriter#drain()} can tell when the task last
 * gave the loop a turn and what the connection brought since.
 */
public final class StreamReader {

    /** The default limit, 64 KiB, as asyncio's {@code _DEFAULT_LIMIT}. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    /**
     * The least a socket read asks for, whatever the limit, and the most it asks for while a read
     * of fewer bytes waits on an empty reader: small reads are served from buf.
     */
    static final int MIN_READ = 16 * 1024;

    private static final byte[] EMPTY = new byte[0];
    /** A buffer larger than this is dropped when it empties: an idle connection keeps none. */
    private static final int RETAIN_EMPTY = 1024;

    private final EventLoop loop;
    private final int limit;
    private byte[] buf = EMPTY;
    /**
     * Bytes that arrived after {@code buf}'s, in an array of their own, or null: a socket read
     * larger than what the waiting read asked for is cut there, so that read and the next one
     * each take an array as it is. While it is set, {@code buf} is exactly full.
     */
    private byte[] next;
    /** The loop's direct buffers, fetched on the first socket read. */
    private LoopBuffers buffers;
    /** The buffer freeSpace handed out, until bytesFed; else null. */
    private ByteBuffer handedOut;
    /** How many bytes the waiting read wants (where to cut what arrives), else 0. */
    private int wanted;
    /** Whether the waiting read is a readExactly: it returns exactly {@code size() + wanted}. */
    private boolean wantedExactly;
    /** The caller's buffer of a readInto waiting on an empty reader, else null. */
    private ByteBuffer into;
    /** Bytes the socket put straight into {@code into} that its readInto has not returned yet. */
    private int landed;

    private int start;
    private int end;
    /** How many times a read here suspended its task (the task gave the loop a turn). */
    private long waits;
    /** Bytes fed in all; and that count when a read last suspended its task. */
    private long received;

    private long receivedAtWait;

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
        join();
        ensureCapacity(data.length);
        System.arraycopy(data, 0, buf, end, data.length);
        end += data.length;
        received += data.length;
        wakeWaiter();
        if (transport != null && !paused && size() > 2L * limit) {
            transport.pauseReading();
            paused = true;
        }
    }

    /**
     * Space for the transport to read into, at most {@code max} bytes: the buffer of a readInto
     * waiting on an empty reader, else the loop's direct read buffer, whose bytes
     * {@link #bytesFed} then copies into {@code buf} grown only by what arrived (cut where the
     * waiting read ends). So {@code buf} is sized to the data, and a read that finds nothing (or
     * EOF) allocates nothing. Follow with {@link #bytesFed}.
     */
    ByteBuffer freeSpace(int max) {
        if (eof) {
            throw new IllegalStateException("freeSpace after feedEof: " + this);
        }
        if (into != null && landed == 0 && size() == 0) {
            handedOut = into;
            return into;
        }
        if (buffers == null) {
            buffers = LoopBuffers.of(loop);
        }
        ByteBuffer b = buffers.read;
        // At most 2 x limit per read, so a small limit also bounds what one read can overshoot.
        int chunk = (int) Math.min(Math.min(max, b.capacity()), Math.max(2L * limit, MIN_READ));
        if (wanted > 0 && wanted < MIN_READ) {
            // A small request does not pull 2 x limit in at once.
            chunk = Math.min(chunk, MIN_READ);
        }
        b.clear().limit(chunk);
        handedOut = b;
        return b;
    }

    /** {@code n} bytes were read into the space {@link #freeSpace} returned. */
    @SuppressWarnings("ReferenceEquality") // which buffer was handed out: identity is the question
    void bytesFed(int n) {
        ByteBuffer b = handedOut;
        handedOut = null;
        if (n <= 0 || b == null) {
            return;
        }
        received += n;
        if (b == into) {
            landed = n;
            wakeWaiter();
            return;
        }
        if (wanted > 0 && n > wanted && size() == 0) {
            // The waiting read takes the first array whole, the next read the second.
            buf = new byte[wanted];
            b.get(0, buf, 0, wanted);
            next = new byte[n - wanted];
            b.get(wanted, next, 0, n - wanted);
            start = 0;
            end = wanted;
        } else {
            join();
            reserve(n);
            b.get(0, buf, end, n);
            end += n;
        }
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
            wanted = n;
            try {
                waitForData("read");
            } finally {
                wanted = 0;
            }
        }
        int take = Math.min(n, size());
        return take(take);
    }

    /**
     * Reads up to {@code dst.remaining()} bytes into {@code dst}, as soon as at least one is
     * there, and advances its position by the count returned: 0 when {@code dst} has no room,
     * -1 at EOF (as {@link java.nio.channels.ReadableByteChannel#read} does). asyncio's
     * StreamReader has no such call; it is {@link #read(int)} without the new array per call.
     *
     * <p>Fewer copies: bytes already buffered are copied into {@code dst} once; when the reader
     * is empty and the task waits, the socket reads straight into {@code dst} and they do not
     * pass through this reader at all. A direct {@code dst} written back with
     * {@link StreamWriter#write(ByteBuffer)} makes an echo that copies no byte in Java. TLS and
     * in-memory streams copy once through the reader.
     *
     * <p>A readInto cancelled or failed while waiting leaves {@code dst} as it was and loses no
     * bytes (any that reached {@code dst} are buffered again for the next read).
     *
     * @throws IllegalArgumentException if {@code dst} is read-only
     * @throws IllegalStateException if another task is waiting on this reader
     * @throws IOException the error the connection was lost with
     */
    public int readInto(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("dst is read-only: " + dst);
        }
        throwIfFailed();
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (size() == 0 && !eof) {
            int from = dst.position();
            into = dst;
            try {
                while (landed == 0 && size() == 0 && !eof) {
                    waitForData("readInto");
                }
            } catch (Throwable e) {
                unland(dst, from);
                throw e;
            } finally {
                into = null;
            }
            int n = landed;
            if (n > 0) {
                landed = 0;
                return n;
            }
        }
        if (size() == 0) {
            return -1;
        }
        join();
        int n = Math.min(dst.remaining(), size());
        dst.put(buf, start, n);
        consume(n);
        return n;
    }

    /**
     * {@link #readInto(ByteBuffer)} into {@code b[off..off+len)}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code b}
     */
    public int readInto(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return readInto(ByteBuffer.wrap(b, off, len));
    }

    /** Puts bytes that landed in {@code dst} back in front of the buffer; restores its position. */
    private void unland(ByteBuffer dst, int from) {
        int n = landed;
        if (n == 0) {
            return;
        }
        landed = 0;
        join();
        byte[] back = new byte[n + size()];
        dst.get(from, back, 0, n);
        System.arraycopy(buf, start, back, n, size());
        buf = back;
        start = 0;
        end = back.length;
        dst.position(from);
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
                join();
                byte[] partial = Arrays.copyOfRange(buf, start, end);
                clear();
                throw new IncompleteReadError(partial, n);
            }
            wanted = n - size();
            wantedExactly = true;
            try {
                waitForData("readExactly");
            } finally {
                wanted = 0;
                wantedExactly = false;
            }
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
            join();
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
            throw new IllegalStateException(
                    op + "() called while another task is already waiting for incoming data: " + this);
        }
        if (paused) {
            paused = false;
            transport.resumeReading();
        }
        waits++;
        receivedAtWait = received;
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
     * array (a read that arrived into an empty reader is stored exactly sized, cut where the
     * waiting read ends), the array itself is handed over instead of a copy, so such a chunk is
     * copied once, from the loop's direct buffer.
     */
    private byte[] take(int n) {
        if (start == 0 && n == buf.length && end == n && n > 0) {
            byte[] data = buf;
            buf = EMPTY;
            start = end = 0;
            promoteNext();
            maybeResumeTransport();
            return data;
        }
        if (n > end - start) {
            join();
        }
        byte[] data = Arrays.copyOfRange(buf, start, start + n);
        consume(n);
        return data;
    }

    private int size() {
        return end - start + (next == null ? 0 : next.length);
    }

    /** Makes the buffered bytes one run, {@code buf[start..end)}: appends {@code next} to it. */
    private void join() {
        byte[] rest = next;
        if (rest == null) {
            return;
        }
        next = null;
        if (start == end) {
            buf = rest;
            start = 0;
            end = rest.length;
            return;
        }
        ensureCapacity(rest.length);
        System.arraycopy(rest, 0, buf, end, rest.length);
        end += rest.length;
    }

    /** {@code buf} was emptied: {@code next}, if any, becomes the buffer as it is. */
    private void promoteNext() {
        if (next != null) {
            buf = next;
            next = null;
            start = 0;
            end = buf.length;
        }
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
        next = null;
        emptied();
        maybeResumeTransport();
    }

    private void emptied() {
        start = end = 0;
        if (buf.length > RETAIN_EMPTY) {
            buf = EMPTY;
        }
        promoteNext();
    }

    private void maybeResumeTransport() {
        if (paused && size() <= limit) {
            paused = false;
            transport.resumeReading();
        }
    }

    /**
     * Room for {@code more} bytes from the socket. When a readExactly waits for at least that
     * many, a new array is exactly what it will return, so it takes the array as it is once the
     * rest arrives (no doubling, no copy at the end).
     */
    private void reserve(int more) {
        if (wantedExactly && more <= wanted && end + more > buf.length) {
            int size = end - start;
            byte[] exact = new byte[size + wanted];
            System.arraycopy(buf, start, exact, 0, size);
            buf = exact;
            start = 0;
            end = size;
            return;
        }
        ensureCapacity(more);
    }

    private void ensureCapacity(int more) {
        if (end + more <= buf.length) {
            return;
        }
        int size = end - start;
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

    /** How many times a read suspended its task here; a writer counts bytes from the last one. */
    long waits() {
        return waits;
    }

    /** How many bytes were fed in all. */
    long received() {
        return received;
    }

    /** {@link #received()} when a read last suspended its task. */
    long receivedAtWait() {
        return receivedAtWait;
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
