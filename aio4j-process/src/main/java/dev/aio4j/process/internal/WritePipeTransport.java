package dev.aio4j.process.internal;

import dev.aio4j.EventLoop;
import dev.aio4j.net.WriteBufferLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The writing end of a child's stdin as a loop transport (asyncio's
 * {@code _UnixWritePipeTransport}): {@code write} queues the bytes and never blocks; a pump
 * thread writes them to the pipe, and the loop learns how much went out.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Flow control: {@code buffered} counts the bytes queued and not yet written; the protocol's
 * {@code pauseWriting} comes when it goes above the high-water mark, {@code resumeWriting} when
 * the pump's reports bring it to the low-water mark or below (64 KiB and 16 KiB, as asyncio).
 *
 * <p>Closing: {@code close()} queues an end marker, so the pump writes what came before, then
 * closes the pipe (the child sees EOF) and reports {@code connectionLost(null)}. A failed write
 * (the child closed its end: "Broken pipe") ends the pump; the loop drops what is queued and
 * reports {@code connectionLost(error)}. Writes after close or loss are dropped, as asyncio's
 * pipe transport drops them.
 */
public final class WritePipeTransport extends PipeTransport {

    private static final Object END = new Object();

    private final OutputStream out;
    /** byte[] items, then END; filled by the loop, drained by the pump. */
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    /** Loop only. */
    private int buffered;

    private int high = 64 * 1024;
    private int low = 16 * 1024;
    private boolean protocolPaused;

    /** A transport over {@code out}; {@code onLost} runs on the loop after connectionLost. */
    public WritePipeTransport(EventLoop loop, String name, OutputStream out, Runnable onLost) {
        super(loop, name, out, onLost);
        this.out = out;
    }

    @Override
    void pump() {
        while (true) {
            Object item = queue.poll();
            if (item == null || stopped) {
                if (stopped) {
                    finishFromPump(null);
                    return;
                }
                pumping.set(false);
                if (queue.isEmpty() || !pumping.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            if (item == END) {
                finishFromPump(null);
                return;
            }
            byte[] data = (byte[]) item;
            try {
                out.write(data);
                out.flush();
            } catch (IOException e) {
                finishFromPump(e);
                return;
            }
            if (!post(() -> written(data.length))) {
                closeStream();
                return;
            }
        }
    }

    /** Loop: the pump wrote {@code n} bytes. */
    private void written(int n) {
        buffered -= n;
        if (protocolPaused && buffered <= low) {
            protocolPaused = false;
            protocol.resumeWriting();
        }
    }

    @Override
    public void write(byte[] data) {
        if (data.length == 0) {
            return;
        }
        enqueue(data.clone());
    }

    @Override
    public void write(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        if (copy.length > 0) {
            enqueue(copy);
        }
    }

    private void enqueue(byte[] copy) {
        if (isClosing()) {
            return; // closed, or the child is gone: dropped, as asyncio's pipe transport does
        }
        queue.add(copy);
        buffered += copy.length;
        kick();
        if (!protocolPaused && buffered > high) {
            protocolPaused = true;
            protocol.pauseWriting();
        }
    }

    /** Closes the pipe after the queued bytes are written: the child reads EOF. */
    @Override
    public void close() {
        if (isClosing()) {
            return;
        }
        startClosing();
        queue.add(END);
        kick();
    }

    /** A pipe has no half-close: EOF is the close. */
    @Override
    public void writeEof() {
        close();
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    /** Drops the queued bytes and closes the pipe as soon as no write is in progress. */
    @Override
    public void abort() {
        startClosing();
        queue.clear();
        stopPump();
    }

    @Override
    public void pauseReading() {
        // nothing to read
    }

    @Override
    public void resumeReading() {
        // nothing to read
    }

    @Override
    public boolean isReading() {
        return false;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        WriteBufferLimits limits = WriteBufferLimits.of(high, low);
        this.high = limits.high();
        this.low = limits.low();
    }

    @Override
    public int getWriteBufferSize() {
        return buffered;
    }

    @Override
    public int[] getWriteBufferLimits() {
        return new int[] {low, high};
    }
}
