package dev.aio4j.file;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * An open file whose reads and writes run on aio4j's file threads while the calling task is
 * suspended (aiofiles' file object). Made by {@link AioPath#open}, {@link AioPath#openRead},
 * {@link AioPath#openWrite} and {@link AioPath#openAppend}; close it with try-with-resources.
 *
 * <pre>{@code
 * try (AsyncFile f = AioPath.of("access.log").openRead()) {
 *     for (String line : f.lines()) {
 *         count(line);
 *     }
 * }
 * }</pre>
 *
 * <p>Reads are buffered (64 KiB), so {@link #readLine()} and {@link #lines()} cost one trip to
 * a file thread per 64 KiB, not per line; writes are buffered until 64 KiB, {@link #flush()} or
 * {@link #close()}. Text is decoded and encoded with the charset given at open (UTF-8 by
 * default). Use a file from the tasks of one loop; several tasks may share it (each operation
 * waits for the one before).
 *
 * <p><b>Cancellation.</b> A task cancelled while one of its operations is on a file thread gets
 * its {@link CancelledError} at once; the operation itself runs to its end on the file thread
 * and its effect is kept: bytes a cancelled read brought in stay in the buffer and are returned
 * by the next read, a cancelled write or flush lands in the file. The next operation on the
 * file waits for it first, so {@link #position()} always counts exactly the bytes handed out
 * and written, and nothing is read twice or lost. ({@link #readInto} reads into the caller's
 * array and moves the position back instead; see there.) {@link #close()} does not wait for a read
 * that may never end (a FIFO with no writer): it closes the channel, which ends that read.
 * An {@link #open} cancelled while it waits (a FIFO without a writer) closes the file once the
 * open completes.
 *
 * <p>Differs from aiofiles: one type for text and bytes ({@code read} gives bytes,
 * {@code readLine} text); {@code readLine} drops the line terminator and returns null at the end,
 * as {@link java.io.BufferedReader#readLine} does; {@code read(n)} returns {@code n} bytes unless
 * the end comes first, as Python's buffered files do.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: {@code buf[start, end)} holds bytes read from the channel and not yet
 * handed out; {@code scanned} bytes from {@code start} are known to hold no newline;
 * {@code wbuf[0, wlen)} holds bytes written but not yet given to the channel. At most one of
 * the two is non-empty. {@code channelPos} is where the channel stands, so the position the
 * caller sees is {@code channelPos - (end - start) + wlen}.
 *
 * <p>Invariants:
 * <ol>
 *   <li>At most one operation runs on a file thread at a time ({@code inFlight}); every public
 *       method first waits for it ({@link #awaitIdle}). Between an operation's start and its
 *       completion only that operation touches the fields above; the completion of
 *       {@code inFlight} publishes what it wrote to the task that waits next.
 *   <li>Operations are started with {@link FilePool#start}, which nothing cancels, so a waiting
 *       task's cancellation never leaves an operation half-applied to these fields.
 * </ol>
 */
public final class AsyncFile implements AutoCloseable {
    static final int CHUNK = 64 * 1024;
    private static final byte[] EMPTY = new byte[0];
    /**
     * The most one channel call moves. The JDK copies a heap buffer through a temporary direct
     * buffer of the call's size and keeps it per thread: one 1 GiB read would pin 1 GiB of native
     * memory on a file thread, and cost a fresh 1 GiB allocation on every other.
     */
    static final int MAX_IO = 1 << 20;
    /** Java arrays stop a little short of Integer.MAX_VALUE. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private final Path path;
    private final FileChannel channel;
    private final Charset charset;
    private final boolean append;

    private byte[] buf = EMPTY;
    private int start;
    private int end;
    private int scanned;
    private boolean eof;
    private byte[] wbuf = EMPTY;
    private int wlen;
    private long channelPos;
    /** The operation on a file thread, or null / done when none. */
    private CompletableFuture<?> inFlight;

    private boolean closed;

    private AsyncFile(Path path, FileChannel channel, Charset charset, boolean append) {
        this.path = path;
        this.channel = channel;
        this.charset = charset;
        this.append = append;
    }

    /** Opens {@code path} on a file thread; see {@link AioPath#open}. */
    static AsyncFile open(Path path, Charset charset, Set<? extends OpenOption> options) throws IOException {
        if (Aio.currentTask() == null) { // before the open starts: nobody could close what it opens
            throw new IllegalStateException("AsyncFile.open() must be called from a task");
        }
        CompletableFuture<FileChannel> opening = FilePool.start(() -> FileChannel.open(path, options));
        FileChannel ch;
        try {
            ch = FilePool.await(opening);
        } catch (CancelledError e) {
            opening.thenAccept(AsyncFile::closeQuietly); // the open may still succeed: don't leak it
            throw e;
        }
        AsyncFile f = new AsyncFile(path, ch, charset, options.contains(StandardOpenOption.APPEND));
        if (f.append) {
            f.channelPos = f.run(ch::size);
        }
        return f;
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads {@code n} bytes, fewer only if the end of the file comes first; an empty array at
     * the end.
     *
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public byte[] read(int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0: " + n);
        }
        prepareRead();
        while (end - start < n && !eof) {
            int missing = n - (end - start);
            fill(missing, Math.max(missing, CHUNK));
        }
        return take(Math.min(n, end - start));
    }

    /**
     * Reads up to {@code len} bytes into {@code dst} at {@code off} and returns how many, or -1 at
     * the end of the file (Python's {@code readinto}; {@link java.io.InputStream#read(byte[], int,
     * int)}'s contract: fewer than asked is normal, at most 1 MiB). No array is allocated: reading a large file in a loop with one buffer
     * costs no garbage. Bytes already buffered are handed out first; otherwise one read goes
     * straight into {@code dst}.
     *
     * <p>Cancellation differs from the other reads, since the bytes go to the caller's array: a
     * cancelled {@code readInto} still completes on its file thread, then the file's position is
     * moved back by what it read, so the next read reads those bytes again. A FIFO cannot move
     * back: there, the bytes of a cancelled {@code readInto} are lost (use {@link #read(int)}).
     *
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code dst}
     */
    public int readInto(byte[] dst, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        prepareRead();
        if (len == 0) {
            return 0;
        }
        if (end > start) {
            int n = Math.min(len, end - start);
            System.arraycopy(buf, start, dst, off, n);
            start += n;
            scanned = 0;
            return n;
        }
        if (eof) {
            return -1;
        }
        CompletableFuture<Integer> started = FilePool.start(() -> {
            int r = channel.read(ByteBuffer.wrap(dst, off, Math.min(len, MAX_IO)));
            if (r < 0) {
                eof = true;
            } else {
                channelPos += r;
            }
            return r;
        });
        inFlight = started;
        try {
            return FilePool.await(started);
        } catch (CancelledError e) {
            // Give the bytes back: the next operation waits for this rewind.
            inFlight = started.handle((r, error) -> r == null ? 0 : r)
                    .thenApplyAsync(
                            r -> {
                                if (r > 0) {
                                    try {
                                        channel.position(channelPos - r);
                                        channelPos -= r;
                                    } catch (IOException | UnsupportedOperationException cannotMoveBack) {
                                        // a FIFO: the bytes are gone, as documented
                                    }
                                }
                                return null;
                            },
                            FilePool.executor());
            throw e;
        }
    }

    /** Reads everything from the position to the end of the file. */
    public byte[] readAll() throws IOException {
        prepareRead();
        if (!eof) {
            run(() -> {
                long remaining = Math.max(0, channel.size() - channelPos);
                if (remaining + (end - start) > MAX_ARRAY) {
                    throw new IOException(
                            "too large for one array (" + remaining + " bytes left): " + path + "; read it in parts");
                }
                ensureSpace((int) remaining);
                readToEnd();
                return null;
            });
        }
        return take(end - start);
    }

    /** Reads everything left and decodes it with the file's charset. */
    public String readString() throws IOException {
        return new String(readAll(), charset);
    }

    /**
     * Reads one line and returns it without its terminator ({@code \n} or {@code \r\n}), or
     * null at the end of the file. A last line without a terminator is returned as it is.
     */
    public String readLine() throws IOException {
        prepareRead();
        while (true) {
            for (int i = start + scanned; i < end; i++) {
                if (buf[i] == '\n') {
                    int len = i - start;
                    int textLen = len > 0 && buf[i - 1] == '\r' ? len - 1 : len;
                    String line = new String(buf, start, textLen, charset);
                    start = i + 1;
                    scanned = 0;
                    return line;
                }
            }
            scanned = end - start;
            if (eof) {
                return end > start ? new String(take(end - start), charset) : null;
            }
            fill(1, CHUNK);
        }
    }

    /**
     * The remaining lines, read as the loop asks for them (one trip to a file thread per 64 KiB).
     * An IOException while iterating is thrown as an {@link UncheckedIOException}.
     */
    public Iterable<String> lines() {
        return () -> new Iterator<>() {
            private String next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    try {
                        next = readLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    done = next == null;
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String line = next;
                next = null;
                return line;
            }
        };
    }

    // ------------------------------------------------------------------ writing

    /** Writes {@code bytes} at the position (at the end, for a file opened to append). */
    public void write(byte[] bytes) throws IOException {
        prepareWrite();
        if (wlen + bytes.length <= CHUNK) {
            if (wbuf.length < CHUNK) {
                wbuf = new byte[CHUNK];
            }
            System.arraycopy(bytes, 0, wbuf, wlen, bytes.length);
            wlen += bytes.length;
            if (wlen == CHUNK) {
                flush();
            }
            return;
        }
        flush();
        byte[] copy = bytes.clone(); // a cancelled write goes on reading it
        run(() -> writeFully(copy, copy.length));
    }

    /** Writes {@code text} encoded with the file's charset. */
    public void write(String text) throws IOException {
        write(text.getBytes(charset));
    }

    /** Hands the buffered writes to the operating system (aiofiles' flush). */
    public void flush() throws IOException {
        if (wlen == 0) {
            return;
        }
        byte[] data = wbuf;
        int len = wlen;
        wbuf = EMPTY;
        wlen = 0;
        run(() -> writeFully(data, len));
    }

    /** Flushes, then forces the file's content to the storage device ({@code fsync}). */
    public void sync() throws IOException {
        checkOpen();
        flush();
        run(() -> {
            channel.force(true);
            return null;
        });
    }

    // ------------------------------------------------------------------ position

    /** The position: bytes handed out by reads plus bytes written, from where the file started. */
    public long position() throws IOException {
        checkOpen();
        awaitIdle();
        return channelPos - (end - start) + wlen;
    }

    /**
     * Moves to {@code position} (after flushing buffered writes); returns it.
     *
     * @throws IllegalArgumentException if {@code position < 0}
     */
    public long seek(long position) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("position < 0: " + position);
        }
        checkOpen();
        flush();
        run(() -> {
            channel.position(position);
            channelPos = position;
            dropReadBuffer();
            return null;
        });
        return position;
    }

    /** The file's size, buffered writes included. */
    public long size() throws IOException {
        checkOpen();
        flush();
        return run(channel::size);
    }

    // ------------------------------------------------------------------ closing

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Flushes buffered writes and closes the file; idempotent. A read still in flight (left by a
     * cancelled task) ends with an error on its file thread.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            boolean busy = inFlight != null && !inFlight.isDone();
            Callable<Void> closeIt = () -> {
                channel.close();
                return null;
            };
            // A busy file thread may wait forever (a FIFO read): close from a thread of its own.
            CompletableFuture<Void> closing = busy
                    ? FilePool.startOn(
                            r -> Thread.ofPlatform()
                                    .daemon(true)
                                    .name("aio4j-file-close")
                                    .start(r),
                            closeIt)
                    : FilePool.start(closeIt);
            FilePool.await(closing);
            awaitIdle();
        }
    }

    @Override
    public String toString() {
        return "AsyncFile[" + path + (closed ? ", closed" : "") + ", buffered=" + (end - start + wlen) + "]";
    }

    // ------------------------------------------------------------------ machinery

    private void checkOpen() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    /** Waits for the operation in flight, if any, without taking its outcome. */
    private void awaitIdle() throws IOException {
        while (inFlight != null && !inFlight.isDone()) {
            FilePool.await(inFlight.handle((v, e) -> null));
        }
    }

    /** Runs {@code op} on a file thread after the one before; see the class's notes. */
    private <T> T run(Callable<T> op) throws IOException {
        awaitIdle();
        checkOpen();
        CompletableFuture<T> started = FilePool.start(op);
        inFlight = started;
        return FilePool.await(started);
    }

    private void prepareRead() throws IOException {
        checkOpen();
        flush();
        awaitIdle();
    }

    /** Reads and writes share one position: bytes read ahead are given back before a write. */
    private void prepareWrite() throws IOException {
        checkOpen();
        awaitIdle();
        if (end > start || eof) {
            seek(channelPos - (end - start));
        }
    }

    /** On a file thread: reads until {@code min} more bytes or the end, into room for {@code max}. */
    private void fill(int min, int max) throws IOException {
        run(() -> {
            if (start == end) {
                // Empty: a buffer of exactly max, so that a read of max bytes hands it out uncopied.
                start = 0;
                end = 0;
                if (buf.length != max) {
                    buf = new byte[max];
                }
            } else {
                ensureSpace(max);
            }
            int got = 0;
            while (got < min) {
                int r = channel.read(ByteBuffer.wrap(buf, end, Math.min(buf.length - end, MAX_IO)));
                if (r < 0) {
                    eof = true;
                    break;
                }
                end += r;
                got += r;
                channelPos += r;
            }
            return null;
        });
    }

    /** On a file thread: reads to the end of the file, growing the buffer only if it must. */
    private void readToEnd() throws IOException {
        ByteBuffer probe = ByteBuffer.allocate(8192);
        while (true) {
            int r;
            if (end < buf.length) {
                r = channel.read(ByteBuffer.wrap(buf, end, Math.min(buf.length - end, MAX_IO)));
                if (r > 0) {
                    end += r;
                }
            } else {
                probe.clear();
                r = channel.read(probe); // the file may be longer than its size said
                if (r > 0) {
                    ensureSpace(Math.max(r, Math.max(CHUNK, end - start))); // doubling: FIFOs have no size
                    System.arraycopy(probe.array(), 0, buf, end, r);
                    end += r;
                }
            }
            if (r < 0) {
                eof = true;
                return;
            }
            channelPos += Math.max(r, 0);
        }
    }

    /** Makes room for {@code n} more bytes after {@code end}. */
    private void ensureSpace(int n) throws IOException {
        if (buf.length - end >= n) {
            return;
        }
        int live = end - start;
        if ((long) live + n > MAX_ARRAY) {
            throw new IOException("too large for one array: " + path);
        }
        byte[] target = buf.length - live >= n ? buf : new byte[live + n];
        System.arraycopy(buf, start, target, 0, live);
        buf = target;
        start = 0;
        end = live;
    }

    /** Hands out {@code n} buffered bytes; the buffer array itself when it holds exactly those. */
    private byte[] take(int n) {
        scanned = 0;
        if (n == 0) {
            return EMPTY;
        }
        byte[] out;
        if (start == 0 && end == n && buf.length == n) {
            out = buf;
            buf = EMPTY;
        } else {
            out = Arrays.copyOfRange(buf, start, start + n);
            start += n;
        }
        if (start == end || buf == EMPTY) {
            start = 0;
            end = 0;
        }
        return out;
    }

    private void dropReadBuffer() {
        start = 0;
        end = 0;
        scanned = 0;
        eof = false;
    }

    /** On a file thread: writes {@code len} bytes of {@code data} where the channel stands. */
    private Void writeFully(byte[] data, int len) throws IOException {
        for (int off = 0; off < len; ) {
            off += channel.write(ByteBuffer.wrap(data, off, Math.min(len - off, MAX_IO)));
        }
        channelPos = append ? channel.size() : channelPos + len;
        return null;
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to report to: the task that opened it was cancelled
        }
    }
}
