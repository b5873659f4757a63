package dev.aio4j.process.internal;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reading end of a child's stdout or stderr as a loop transport (asyncio's
 * {@code _UnixReadPipeTransport}): a pump thread reads the pipe and hands each chunk to the loop,
 * which gives it to the protocol.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Back-pressure: the pump reads only while the protocol has not paused reading and fewer than
 * {@code window} bytes are on their way to the loop. When it must wait it lets its thread go;
 * the loop starts it again when the protocol resumes or the bytes in flight were delivered. So
 * memory stays within the reader's own bound plus {@code window} plus one chunk, however fast
 * the child writes: the child blocks on its full pipe instead.
 *
 * <p>Invariants: (1) {@code inFlight} counts bytes read from the pipe and not yet delivered;
 * (2) chunks, then at most one loss, reach the loop in read order; (3) nothing is delivered
 * after {@code close()}.
 */
public final class ReadPipeTransport extends PipeTransport {

    private static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private final int window;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The protocol asked for a pause. Written on the loop, read by the pump. */
    private volatile boolean paused;
    /** The pump's read buffer; only the job owning the stream touches it. */
    private final byte[] buf = new byte[CHUNK];

    /**
     * A transport over {@code in}; {@code limit} is the reader's limit, {@code onLost} runs on the
     * loop after connectionLost. Call {@link #start()} once the protocol is set.
     */
    public ReadPipeTransport(EventLoop loop, String name, InputStream in, int limit, Runnable onLost) {
        super(loop, name, in, onLost);
        this.in = in;
        this.window = Math.max(limit, 2 * CHUNK);
    }

    /** Starts reading. Loop only. */
    public void start() {
        assert Aio.inLoop(loop);
        kick();
    }

    private boolean mustWait() {
        return paused || inFlight.get() >= window;
    }

    @Override
    void pump() {
        while (true) {
            if (stopped) {
                finishFromPump(null);
                return;
            }
            if (mustWait()) {
                pumping.set(false);
                // Re-check after letting go: the loop may have cleared the condition just before.
                if (mustWait() || !pumping.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                finishFromPump(stopped ? null : e);
                return;
            }
            if (n < 0) {
                finishFromPump(null);
                return;
            }
            if (n == 0) {
                continue;
            }
            byte[] chunk = Arrays.copyOf(buf, n);
            inFlight.addAndGet(n);
            if (!post(() -> deliver(chunk))) {
                closeStream();
                return;
            }
        }
    }

    /** Loop: one chunk from the pump. */
    private void deliver(byte[] chunk) {
        inFlight.addAndGet(-chunk.length);
        if (isClosing()) {
            return;
        }
        protocol.dataReceived(chunk);
        if (!mustWait()) {
            kick();
        }
    }

    @Override
    public void pauseReading() {
        if (!isClosing()) {
            paused = true;
        }
    }

    @Override
    public void resumeReading() {
        if (isClosing() || !paused) {
            return;
        }
        paused = false;
        if (!mustWait()) {
            kick();
        }
    }

    @Override
    public boolean isReading() {
        return !paused && !isClosing();
    }

    /** Stops reading; the protocol gets {@code connectionLost(null)} soon. */
    @Override
    public void close() {
        if (isClosing()) {
            return;
        }
        startClosing();
        stopPump();
    }

    @Override
    public void abort() {
        close();
    }

    @Override
    public void write(byte[] data) {
        throw new UnsupportedOperationException("a read pipe cannot be written: " + this);
    }

    @Override
    public void write(ByteBuffer data) {
        throw new UnsupportedOperationException("a read pipe cannot be written: " + this);
    }

    @Override
    public void writeEof() {
        throw new UnsupportedOperationException("a read pipe cannot be written: " + this);
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        throw new UnsupportedOperationException("a read pipe has no write buffer: " + this);
    }

    @Override
    public int getWriteBufferSize() {
        return 0;
    }

    @Override
    public int[] getWriteBufferLimits() {
        return new int[] {0, 0};
    }
}
