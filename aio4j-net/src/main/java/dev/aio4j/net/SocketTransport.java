package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.ExceptionContext;
import dev.aio4j.Future;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The transport of a connected TCP or Unix-domain {@link SocketChannel}, driven by the loop's
 * readiness callbacks (asyncio's {@code _SelectorSocketTransport}).
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   OPEN --close()--> CLOSING --buffer flushed--> CLOSED (connectionLost(null) scheduled)
 *     \----abort() / I/O error / EOF not kept open-------^
 * </pre>
 *
 * <p>Representation: {@code out} holds the bytes the socket has not taken, in order, each a
 * private copy; {@code buffered} is their total. The reader callback is registered while
 * {@code state == OPEN && !readingPaused}; the writer callback exactly while {@code out} is
 * not empty.
 *
 * <p>Invariants:
 * <ol>
 *   <li>{@code connectionLost} is called once, after {@code connectionMade}, and the channel is
 *       closed right after it.
 *   <li>{@code writingPaused} is true exactly between a pauseWriting and its resumeWriting.
 *   <li>Everything runs on the loop: no field needs a lock.
 * </ol>
 *
 * <p>Readiness: {@link #watch} is the only place that talks to the loop's addReader/addWriter.
 * The loop keeps the channel registered while neither callback is present, so watching it again
 * (reading resumed, a write buffered) takes effect at once.
 *
 * <p>Ownership: the transport is registered with its loop ({@link EventLoop#addCloseable}) from
 * construction until connectionLost, so a loop that closes first closes the socket.
 *
 * <p>Reads: one {@code read} per readiness event of up to 256 KiB (asyncio's {@code max_size})
 * into the loop's direct read buffer ({@link LoopBuffers}), then one copy into a {@code byte[]}
 * of the size read for {@code dataReceived}; a BufferedProtocol's own buffer is read into
 * instead.
 *
 * <p>Writes: a write into an empty buffer goes to the socket at once, and what the socket does
 * not take is copied into {@code out}. A direct buffer is written as it is; heap bytes are
 * gathered into the loop's direct write buffer first, so several of them (a {@code writelines},
 * or everything {@code out} holds when the socket becomes writable) leave in one system call.
 * A write while {@code out} holds bytes is appended (the socket is full: trying it would waste a
 * call), as asyncio does.
 */
final class SocketTransport implements Transport {

    enum State {
        OPEN,
        CLOSING,
        CLOSED
    }

    private static final System.Logger LOG = System.getLogger("dev.aio4j.net");
    private static final int MAX_GATHER = 64;

    final EventLoop loop;
    final SocketChannel channel;
    private Protocol protocol;
    private final Server server;
    private final SocketAddress peer;
    private final SocketAddress local;
    private final LoopBuffers buffers;

    private State state = State.OPEN;
    private boolean lost;
    private boolean readingPaused;
    private boolean eofWritten;
    private boolean writingPaused;
    private int writesAfterLoss;
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];
    private long buffered;
    /** What the transport wants watched, and what the loop watches now. */
    /** Whether the loop watches the channel for reading, for writing. */
    private boolean readerOn;

    private boolean writerOn;
    private int high = 64 * 1024;
    private int low = 16 * 1024;
    /** Registered with the loop: releases the socket if the loop closes first. */
    private final AutoCloseable releaseOnLoopClose = this::releaseOnLoopClose;

    SocketTransport(EventLoop loop, SocketChannel channel, Protocol protocol, Server server) {
        assert Aio.inLoop(loop);
        this.loop = loop;
        this.channel = channel;
        this.protocol = protocol;
        this.server = server;
        SocketAddress p = null;
        SocketAddress l = null;
        try {
            p = channel.getRemoteAddress();
            l = channel.getLocalAddress();
        } catch (IOException e) {
            // a channel that failed already: connectionLost will tell
        }
        this.peer = p;
        this.local = l;
        this.buffers = LoopBuffers.of(loop);
        loop.addCloseable(releaseOnLoopClose);
        if (server != null) {
            server.attach(this);
        }
    }

    /**
     * Schedules {@code connectionMade}, then reading, then completes {@code waiter} (if any), each
     * with callSoon as asyncio does.
     */
    void start(Future<Void> waiter) {
        assert Aio.inLoop(loop);
        loop.callSoon(() -> {
            try {
                protocol.connectionMade(this);
            } catch (RuntimeException e) {
                fatalError(e, "Exception in connectionMade");
            }
        });
        loop.callSoon(() -> {
            if (state == State.OPEN && !readingPaused) {
                watch(true, writerOn);
            }
        });
        if (waiter != null) {
            loop.callSoon(() -> waiter.trySetResult(null));
        }
    }

    boolean isServerSide() {
        return server != null;
    }

    // ------------------------------------------------------------------ reading

    private void onReadable() {
        if (state != State.OPEN) {
            return;
        }
        try {
            int n;
            if (protocol instanceof BufferedProtocol bp) {
                ByteBuffer b = bp.getBuffer(-1);
                if (b == null || !b.hasRemaining()) {
                    throw new IllegalStateException("getBuffer() returned an empty buffer");
                }
                n = channel.read(b);
                if (n > 0) {
                    bp.bufferUpdated(n);
                }
            } else {
                ByteBuffer b = buffers.read;
                b.clear();
                n = channel.read(b);
                if (n > 0) {
                    byte[] data = new byte[n];
                    b.get(0, data);
                    protocol.dataReceived(data);
                }
            }
            if (n < 0) {
                onEof();
            }
        } catch (IOException e) {
            fatalError(e, "Fatal read error on socket transport");
        } catch (RuntimeException e) {
            fatalError(e, "Fatal error: protocol.dataReceived() call failed.");
        }
    }

    private void onEof() {
        watch(false, writerOn);
        boolean keepOpen = protocol.eofReceived();
        if (!keepOpen) {
            close();
        }
    }

    @Override
    public void pauseReading() {
        if (state != State.OPEN || readingPaused) {
            return;
        }
        readingPaused = true;
        watch(false, writerOn);
    }

    @Override
    public void resumeReading() {
        if (state != State.OPEN || !readingPaused) {
            return;
        }
        readingPaused = false;
        watch(true, writerOn);
    }

    @Override
    public boolean isReading() {
        return state == State.OPEN && !readingPaused;
    }

    // ------------------------------------------------------------------ readiness

    /** Makes the loop watch the channel for reading and writing as asked. */
    private void watch(boolean read, boolean write) {
        if (readerOn != read) {
            if (read) {
                loop.addReader(channel, this::onReadable);
            } else {
                loop.removeReader(channel);
            }
            readerOn = read;
        }
        if (writerOn != write) {
            if (write) {
                loop.addWriter(channel, this::onWritable);
            } else {
                loop.removeWriter(channel);
            }
            writerOn = write;
        }
    }

    // ------------------------------------------------------------------ writing

    @Override
    public void write(byte[] data) {
        Objects.requireNonNull(data, "data");
        write(ByteBuffer.wrap(data));
    }

    @Override
    public void write(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (eofWritten) {
            throw new IllegalStateException("Cannot call write() after writeEof(): " + this);
        }
        if (!data.hasRemaining()) {
            return;
        }
        if (lost) {
            if (++writesAfterLoss >= 5) {
                LOG.log(System.Logger.Level.WARNING, "socket.send() raised exception.");
            }
            return;
        }
        if (out.isEmpty()) {
            gather[0] = data;
            try {
                send(gather, 1);
            } catch (IOException e) {
                fatalError(e, "Fatal write error on socket transport");
                return;
            } finally {
                gather[0] = null;
            }
            if (!data.hasRemaining()) {
                return;
            }
        }
        keep(data);
    }

    /**
     * Sends the arrays with as few system calls as it can (gathered into the loop's direct write
     * buffer) and buffers what the socket does not take, in order.
     */
    @Override
    public void writelines(Iterable<byte[]> lines) {
        Objects.requireNonNull(lines, "lines");
        if (eofWritten) {
            throw new IllegalStateException("Cannot call writelines() after writeEof(): " + this);
        }
        java.util.ArrayList<ByteBuffer> all = new java.util.ArrayList<>();
        for (byte[] line : lines) {
            Objects.requireNonNull(line, "line");
            if (line.length > 0) {
                all.add(ByteBuffer.wrap(line));
            }
        }
        if (lost || !out.isEmpty()) {
            for (ByteBuffer b : all) {
                write(b);
            }
            return;
        }
        int i = 0;
        boolean full = false;
        try {
            while (!full && i < all.size()) {
                int n = Math.min(MAX_GATHER, all.size() - i);
                for (int k = 0; k < n; k++) {
                    gather[k] = all.get(i + k);
                }
                try {
                    send(gather, n);
                } finally {
                    java.util.Arrays.fill(gather, 0, n, null);
                }
                int end = i + n;
                while (i < end && !all.get(i).hasRemaining()) {
                    i++;
                }
                full = i < end;
            }
        } catch (IOException e) {
            fatalError(e, "Fatal write error on socket transport");
            return;
        }
        for (; i < all.size(); i++) {
            keep(all.get(i));
        }
    }

    /** Appends a copy of what is left of {@code rest} to {@code out}; the socket was full. */
    private void keep(ByteBuffer rest) {
        if (out.isEmpty()) {
            watch(readerOn, true);
        }
        ByteBuffer copy = ByteBuffer.allocate(rest.remaining());
        copy.put(rest).flip();
        out.addLast(copy);
        buffered += copy.remaining();
        maybePauseProtocol();
    }

    /**
     * Writes {@code srcs[0..count)} in order as far as the socket takes them, advancing each
     * one's position; returns the bytes written. A lone direct buffer is written as it is; else
     * the bytes are gathered into the loop's direct write buffer, one system call per
     * {@link LoopBuffers#SIZE} bytes, for as long as the socket takes everything.
     */
    private long send(ByteBuffer[] srcs, int count) throws IOException {
        if (count == 1 && srcs[0].isDirect()) {
            return channel.write(srcs[0]);
        }
        ByteBuffer d = buffers.write;
        long total = 0;
        int first = 0;
        while (first < count) {
            d.clear();
            for (int i = first; i < count && d.hasRemaining(); i++) {
                ByteBuffer s = srcs[i];
                int k = Math.min(s.remaining(), d.remaining());
                d.put(d.position(), s, s.position(), k);
                d.position(d.position() + k);
            }
            d.flip();
            int want = d.remaining();
            int written = want == 0 ? 0 : channel.write(d);
            total += written;
            for (int left = written; left > 0; ) {
                ByteBuffer s = srcs[first];
                int k = Math.min(left, s.remaining());
                s.position(s.position() + k);
                left -= k;
                if (!s.hasRemaining()) {
                    first++;
                }
            }
            while (first < count && !srcs[first].hasRemaining()) {
                first++;
            }
            if (written < want) {
                break;
            }
        }
        return total;
    }

    private void onWritable() {
        if (lost) {
            return;
        }
        try {
            int n = 0;
            for (ByteBuffer b : out) {
                gather[n++] = b;
                if (n == MAX_GATHER) {
                    break;
                }
            }
            long written;
            try {
                written = send(gather, n);
            } finally {
                java.util.Arrays.fill(gather, 0, n, null);
            }
            buffered -= written;
            while (!out.isEmpty() && !out.peekFirst().hasRemaining()) {
                out.pollFirst();
            }
        } catch (IOException e) {
            watch(readerOn, false);
            out.clear();
            buffered = 0;
            fatalError(e, "Fatal write error on socket transport");
            return;
        }
        maybeResumeProtocol();
        if (out.isEmpty()) {
            watch(readerOn, false);
            if (state == State.CLOSING) {
                callConnectionLost(null);
            } else if (eofWritten) {
                shutdownOutput();
            }
        }
    }

    private void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            fatalError(e, "Fatal error on shutdownOutput");
        }
    }

    @Override
    public void writeEof() {
        if (state != State.OPEN || eofWritten) {
            return;
        }
        eofWritten = true;
        if (out.isEmpty()) {
            shutdownOutput();
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    private void maybePauseProtocol() {
        if (!writingPaused && buffered > high) {
            writingPaused = true;
            try {
                protocol.pauseWriting();
            } catch (RuntimeException e) {
                loop.callExceptionHandler(ExceptionContext.of("protocol.pauseWriting() failed", e));
            }
        }
    }

    private void maybeResumeProtocol() {
        if (writingPaused && buffered <= low) {
            writingPaused = false;
            try {
                protocol.resumeWriting();
            } catch (RuntimeException e) {
                loop.callExceptionHandler(ExceptionContext.of("protocol.resumeWriting() failed", e));
            }
        }
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        WriteBufferLimits limits = WriteBufferLimits.of(high, low);
        this.high = limits.high();
        this.low = limits.low();
        maybePauseProtocol();
    }

    @Override
    public int getWriteBufferSize() {
        return (int) Math.min(Integer.MAX_VALUE, buffered);
    }

    @Override
    public int[] getWriteBufferLimits() {
        return new int[] {low, high};
    }

    // ------------------------------------------------------------------ closing

    @Override
    public boolean isClosing() {
        return state != State.OPEN;
    }

    @Override
    public void close() {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        watch(false, writerOn);
        if (out.isEmpty()) {
            lost = true;
            loop.callSoon(() -> callConnectionLost(null));
        }
    }

    @Override
    public void abort() {
        forceClose(null);
    }

    /** An I/O error ends the connection; any other error is reported to the exception handler. */
    void fatalError(Throwable e, String message) {
        assert Aio.inLoop(loop);
        if (!(e instanceof IOException)) {
            loop.callExceptionHandler(new ExceptionContext(message + " (" + this + ")", e, null, null, null));
        } else if (loop.getDebug()) {
            LOG.log(System.Logger.Level.DEBUG, message + " (" + this + ")", e);
        }
        forceClose(e);
    }

    private void forceClose(Throwable error) {
        if (lost) {
            return;
        }
        if (!out.isEmpty()) {
            out.clear();
            buffered = 0;
        }
        if (state == State.OPEN) {
            state = State.CLOSING;
        }
        watch(false, false);
        lost = true;
        loop.callSoon(() -> callConnectionLost(error));
    }

    private void callConnectionLost(Throwable error) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        lost = true;
        try {
            protocol.connectionLost(error);
        } catch (RuntimeException e) {
            loop.callExceptionHandler(ExceptionContext.of("protocol.connectionLost() failed", e));
        } finally {
            watch(false, false);
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to tell anyone
            }
            loop.removeCloseable(releaseOnLoopClose);
            if (server != null) {
                server.detach(this);
            }
        }
    }

    /**
     * The loop closed with this transport still open (its task cancelled, or a graceful close
     * waiting for a flush that can no longer happen): drop what is buffered and close the socket
     * at once. Nothing is scheduled: the loop is closed.
     */
    private void releaseOnLoopClose() throws IOException {
        state = State.CLOSED;
        lost = true;
        out.clear();
        buffered = 0;
        channel.close();
    }

    // ------------------------------------------------------------------ the rest

    @Override
    public Object getExtraInfo(String name) {
        return switch (name) {
            case "peername" -> peer;
            case "sockname" -> local;
            case "socket" -> channel;
            default -> null;
        };
    }

    @Override
    public Protocol getProtocol() {
        return protocol;
    }

    @Override
    public void setProtocol(Protocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    public String toString() {
        return "SocketTransport[" + state.name().toLowerCase() + (readingPaused ? ", reading paused" : "") + ", peer="
                + peer + ", buffered=" + buffered + "]";
    }
}
