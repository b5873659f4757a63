package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.ExceptionContext;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The transport of a {@link DatagramChannel} (asyncio's {@code _SelectorDatagramTransport}).
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   OPEN --close()--> CLOSING --queue sent: connectionLost--> CLOSED
 *     |     (queue empty: connectionLost scheduled)  \            ^
 *     |                                               v            |
 *     +--abort() / fatal error------------------->  ENDING --------+
 * </pre>
 *
 * <p>OPEN receives and sends; CLOSING receives nothing and sends what is queued; ENDING has
 * connectionLost scheduled and sends nothing more; CLOSED has run it and closed the channel.
 * {@code out} queues (datagram, address) pairs the socket would not take; the writer callback
 * is registered exactly while it is not empty. One receive per readiness event. Water marks as
 * for streams (64 KiB / 16 KiB).
 */
final class UdpTransport implements DatagramTransport {

    /** The transport's lifecycle (see the diagram in the class notes). */
    enum State {
        OPEN,
        CLOSING,
        ENDING,
        CLOSED
    }

    private record Pending(ByteBuffer data, SocketAddress address) {}

    private static final int MAX_DATAGRAM = 65536;

    private final EventLoop loop;
    final DatagramChannel channel;
    private final DatagramProtocol protocol;
    private final SocketAddress peer;
    private final ArrayDeque<Pending> out = new ArrayDeque<>();
    private final ByteBuffer in = ByteBuffer.allocate(MAX_DATAGRAM);
    private long buffered;
    private State state = State.OPEN;
    private boolean writingPaused;
    private final int high = 64 * 1024;
    private final int low = 16 * 1024;

    UdpTransport(EventLoop loop, DatagramChannel channel, DatagramProtocol protocol, SocketAddress peer) {
        assert Aio.inLoop(loop);
        this.loop = loop;
        this.channel = channel;
        this.protocol = protocol;
        this.peer = peer;
        loop.addCloseable(channel); // closed with the loop if it is still open then
    }

    void start(dev.aio4j.Future<Void> waiter) {
        assert Aio.inLoop(loop);
        loop.callSoon(() -> protocol.connectionMade(this));
        loop.callSoon(() -> {
            if (state == State.OPEN) {
                loop.addReader(channel, this::onReadable);
            }
        });
        loop.callSoon(() -> waiter.trySetResult(null));
    }

    private void onReadable() {
        if (state != State.OPEN) {
            return;
        }
        in.clear();
        SocketAddress from;
        try {
            from = channel.receive(in); // null when nothing is there; unlike read(), tells an empty datagram apart
        } catch (IOException e) {
            protocol.errorReceived(e);
            return;
        } catch (RuntimeException e) {
            fatal(e);
            return;
        }
        if (from == null) {
            return;
        }
        in.flip();
        byte[] data = new byte[in.remaining()];
        in.get(data);
        try {
            protocol.datagramReceived(data, from);
        } catch (RuntimeException e) {
            fatal(e);
        }
    }

    @Override
    public void sendTo(byte[] data, SocketAddress address) {
        Objects.requireNonNull(data, "data");
        if (peer != null && address != null && !address.equals(peer)) {
            throw new IllegalArgumentException("address not the connected peer " + peer + ": " + address);
        }
        if (peer == null && address == null) {
            throw new IllegalArgumentException("address null on an unconnected endpoint");
        }
        if (state != State.OPEN) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        if (out.isEmpty()) {
            try {
                int n = peer != null ? channel.write(b) : channel.send(b, address);
                if (n > 0 || data.length == 0) {
                    return; // an empty datagram is sent or not at all; the JDK says 0 either way
                }
            } catch (IOException e) {
                protocol.errorReceived(e);
                return;
            }
            loop.addWriter(channel, this::onWritable);
        }
        out.add(new Pending(ByteBuffer.wrap(data.clone()), address));
        buffered += data.length + 8;
        if (!writingPaused && buffered > high) {
            writingPaused = true;
            protocol.pauseWriting();
        }
    }

    private void onWritable() {
        while (!out.isEmpty()) {
            Pending p = out.peek();
            try {
                int n = peer != null ? channel.write(p.data()) : channel.send(p.data(), p.address());
                if (n == 0 && p.data().hasRemaining()) {
                    return; // still full
                }
            } catch (IOException e) {
                protocol.errorReceived(e);
            }
            out.poll();
            buffered -= p.data().capacity() + 8;
        }
        loop.removeWriter(channel);
        if (writingPaused && buffered <= low) {
            writingPaused = false;
            protocol.resumeWriting();
        }
        if (state != State.OPEN) {
            callConnectionLost(null);
        }
    }

    @Override
    public void close() {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        loop.removeReader(channel);
        if (out.isEmpty()) {
            state = State.ENDING;
            loop.callSoon(() -> callConnectionLost(null));
        }
    }

    @Override
    public void abort() {
        forceClose(null);
    }

    private void fatal(Throwable e) {
        loop.callExceptionHandler(
                new ExceptionContext("Fatal error on datagram transport " + this, e, null, null, null));
        forceClose(e);
    }

    private void forceClose(Throwable error) {
        if (state == State.ENDING || state == State.CLOSED) {
            return;
        }
        if (!out.isEmpty()) {
            out.clear();
            buffered = 0;
            loop.removeWriter(channel);
        }
        loop.removeReader(channel);
        state = State.ENDING;
        loop.callSoon(() -> callConnectionLost(error));
    }

    private void callConnectionLost(Throwable error) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            protocol.connectionLost(error);
        } finally {
            loop.removeReader(channel);
            loop.removeWriter(channel);
            try {
                channel.close();
            } catch (IOException e) {
                // gone either way
            }
            loop.removeCloseable(channel);
        }
    }

    @Override
    public boolean isClosing() {
        return state != State.OPEN;
    }

    @Override
    public int getWriteBufferSize() {
        return (int) buffered;
    }

    @Override
    public Object getExtraInfo(String name) {
        return switch (name) {
            case "peername" -> peer;
            case "sockname" -> {
                try {
                    yield channel.getLocalAddress();
                } catch (IOException e) {
                    yield null;
                }
            }
            case "socket" -> channel;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return "UdpTransport[" + state.name().toLowerCase() + ", peer=" + peer + ", queued=" + out.size() + "]";
    }
}
