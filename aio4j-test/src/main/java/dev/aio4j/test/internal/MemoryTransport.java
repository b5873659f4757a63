package dev.aio4j.test.internal;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.ExceptionContext;
import dev.aio4j.net.BufferedProtocol;
import dev.aio4j.net.Protocol;
import dev.aio4j.net.Transport;
import dev.aio4j.net.WriteBufferLimits;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * One end of an in-memory connection: a {@link Transport} whose writes reach the other end's
 * protocol through the loop, with a socket's behaviour and none of its timing.
 *
 * <p>Behaviour: bytes written are delivered to the peer's protocol in order, at most
 * {@code chunk} bytes per loop callback (so the reader sees data arrive in pieces); undelivered
 * bytes are this end's write buffer, with the usual water marks ({@code pauseWriting} above the
 * high mark, {@code resumeWriting} at or below the low one). While the peer has paused reading
 * nothing is delivered. {@code writeEof} and {@code close} deliver EOF after the buffered bytes;
 * {@code close} then ends this end ({@code connectionLost(null)}). Writing to a peer that has
 * closed, or aborting, loses the connection at the other end with
 * {@code SocketException("Connection reset by peer")}, as TCP's reset does.
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   OPEN --writeEof--> (EOF after the buffer) --close--> CLOSING --buffer empty--> CLOSED
 *     \-------------------------close/abort/lost-------------------^
 * </pre>
 *
 * <p>Invariants: (1) only the loop touches an end; (2) {@code pendingBytes} is the sum of the
 * arrays in {@code pending}; (3) at most one delivery callback is scheduled per direction
 * ({@code deliveryScheduled}); (4) {@code connectionLost} is called exactly once per end.
 */
public final class MemoryTransport implements Transport {

    private final EventLoop loop;
    private final String name;
    private final int chunk;
    private Protocol protocol;
    private MemoryTransport peer;

    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private int pendingBytes;
    private int high;
    private int low;
    private boolean writePaused;
    private boolean deliveryScheduled;

    private boolean eofWanted;
    private boolean eofSent;
    private boolean closing;
    private boolean lost;
    private boolean reading = true;

    private MemoryTransport(EventLoop loop, String name, int chunk) {
        this.loop = loop;
        this.name = name;
        this.chunk = chunk;
        this.high = Math.max(chunk, 1);
        this.low = high / 4;
    }

    /**
     * Two connected ends on the running loop; {@link #bind} gives each its protocol.
     *
     * @param chunk the most bytes delivered per loop callback, and the write buffer's high mark
     */
    public static MemoryTransport[] pair(int chunk, String leftName, String rightName) {
        if (chunk <= 0) {
            throw new IllegalArgumentException("bufferSize <= 0: " + chunk);
        }
        EventLoop loop = Aio.getRunningLoop();
        MemoryTransport a = new MemoryTransport(loop, leftName, chunk);
        MemoryTransport b = new MemoryTransport(loop, rightName, chunk);
        a.peer = b;
        b.peer = a;
        return new MemoryTransport[] {a, b};
    }

    /** Sets the protocol this end delivers to and returns this end. */
    public MemoryTransport bind(Protocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        return this;
    }

    // ------------------------------------------------------------------ writing

    @Override
    public void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    @Override
    public void write(ByteBuffer data) {
        if (eofWanted && !closing) {
            throw new IllegalStateException("write after writeEof: " + this);
        }
        if (closing || data.remaining() == 0) {
            return; // asyncio drops writes to a closing transport (and logs after a while)
        }
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        pending.addLast(copy);
        pendingBytes += copy.length;
        if (!writePaused && pendingBytes > high) {
            writePaused = true;
            protocol.pauseWriting();
        }
        scheduleDelivery();
    }

    @Override
    public void writeEof() {
        if (closing || eofWanted) {
            return;
        }
        eofWanted = true;
        scheduleDelivery();
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        eofWanted = true;
        closing = true;
        scheduleDelivery();
    }

    @Override
    public void abort() {
        if (lost) {
            return;
        }
        closing = true;
        dropPending();
        MemoryTransport p = peer;
        loop.callSoon(() -> lose(null));
        loop.callSoon(() -> p.lose(new SocketException("Connection reset by peer")));
    }

    @Override
    public boolean isClosing() {
        return closing || lost;
    }

    // ------------------------------------------------------------------ delivering (loop only)

    private void scheduleDelivery() {
        if (!deliveryScheduled) {
            deliveryScheduled = true;
            loop.callSoon(this::deliver);
        }
    }

    /** Hands the next piece of the buffer (or the EOF after it) to the peer. */
    private void deliver() {
        deliveryScheduled = false;
        if (lost) {
            return;
        }
        if (!pending.isEmpty()) {
            if (peer.lost || peer.closing) {
                // The peer is gone: TCP answers with a reset.
                dropPending();
                lose(new SocketException("Connection reset by peer"));
                return;
            }
            if (!peer.reading) {
                return; // resumed by the peer's resumeReading
            }
            byte[] piece = takePiece();
            peer.receive(piece);
            if (writePaused && pendingBytes <= low) {
                writePaused = false;
                protocol.resumeWriting();
            }
            if (!pending.isEmpty() || eofWanted) {
                scheduleDelivery();
            }
            return;
        }
        if (eofWanted && !eofSent) {
            eofSent = true;
            if (!peer.lost) {
                peer.receiveEof();
            }
        }
        if (closing) {
            lose(null);
        }
    }

    private byte[] takePiece() {
        byte[] head = pending.pollFirst();
        if (head.length > chunk) {
            pending.addFirst(Arrays.copyOfRange(head, chunk, head.length));
            head = Arrays.copyOf(head, chunk);
        }
        pendingBytes -= head.length;
        return head;
    }

    /** Bytes from the peer for this end's protocol. */
    private void receive(byte[] data) {
        try {
            if (protocol instanceof BufferedProtocol bp) {
                int off = 0;
                while (off < data.length) {
                    ByteBuffer buf = bp.getBuffer(data.length - off);
                    int n = Math.min(buf.remaining(), data.length - off);
                    if (n == 0) {
                        throw new IllegalStateException("getBuffer returned an empty buffer");
                    }
                    buf.put(data, off, n);
                    off += n;
                    bp.bufferUpdated(n);
                }
            } else {
                protocol.dataReceived(data);
            }
        } catch (RuntimeException e) {
            protocolFailed(e);
        }
    }

    private void receiveEof() {
        boolean keepOpen;
        try {
            keepOpen = protocol.eofReceived();
        } catch (RuntimeException e) {
            protocolFailed(e);
            return;
        }
        if (!keepOpen) {
            close();
        }
    }

    private void protocolFailed(RuntimeException e) {
        loop.callExceptionHandler(
                new ExceptionContext("Fatal error: protocol.dataReceived() call failed.", e, null, null, null));
        abort();
    }

    /** Ends this end once: drops the buffer and tells the protocol. */
    private void lose(Throwable error) {
        if (lost) {
            return;
        }
        lost = true;
        closing = true;
        dropPending();
        protocol.connectionLost(error);
    }

    private void dropPending() {
        pending.clear();
        pendingBytes = 0;
    }

    // ------------------------------------------------------------------ reading and flow control

    @Override
    public void pauseReading() {
        reading = false;
    }

    @Override
    public void resumeReading() {
        if (!reading && !closing) {
            reading = true;
            peer.scheduleDelivery();
        }
    }

    @Override
    public boolean isReading() {
        return reading && !closing;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        WriteBufferLimits limits = WriteBufferLimits.of(high, low);
        this.high = limits.high();
        this.low = limits.low();
    }

    @Override
    public int getWriteBufferSize() {
        return pendingBytes;
    }

    @Override
    public int[] getWriteBufferLimits() {
        return new int[] {low, high};
    }

    @Override
    public Object getExtraInfo(String key) {
        return switch (key) {
            case "peername" -> "memory:" + peer.name;
            case "sockname" -> "memory:" + name;
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
        return "MemoryTransport[" + name + " -> " + peer.name + (lost ? ", closed" : closing ? ", closing" : "")
                + ", buffered=" + pendingBytes + "]";
    }
}
