package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.internal.WaitQueue;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * A UDP endpoint for tasks: {@link #recvFrom()} suspends until a datagram arrives,
 * {@link #sendTo} queues one (the task-level twin of
 * {@link Net#createDatagramEndpoint}). Loop-affine; one task may wait in {@code recvFrom} at a
 * time.
 *
 * <p>Received datagrams wait in a queue of at most {@code 1024}; when it is full, new datagrams
 * are dropped, as a full socket buffer would drop them. A send or receive error (for instance
 * port unreachable) is thrown by the next {@code recvFrom}.
 */
public final class DatagramEndpoint implements AutoCloseable {

    static final int MAX_QUEUED = 1024;

    private final EventLoop loop;
    private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
    private DatagramTransport transport;
    /** The task waiting in recvFrom(), at most one. */
    private final WaitQueue waiter = new WaitQueue(this);

    private IOException error;
    private boolean lost;
    private int dropped;

    DatagramEndpoint(EventLoop loop) {
        this.loop = loop;
    }

    /** The protocol feeding this endpoint. */
    DatagramProtocol protocol() {
        return new DatagramProtocol() {
            @Override
            public void connectionMade(DatagramTransport t) {
                transport = t;
            }

            @Override
            public void datagramReceived(byte[] data, SocketAddress address) {
                if (queue.size() >= MAX_QUEUED) {
                    dropped++;
                    return;
                }
                queue.add(new Datagram(data, address));
                wake();
            }

            @Override
            public void errorReceived(IOException e) {
                error = e;
                wake();
            }

            @Override
            public void connectionLost(Throwable e) {
                lost = true;
                wake();
            }
        };
    }

    void setTransport(DatagramTransport t) {
        assert Aio.inLoop(loop);
        this.transport = t;
    }

    private void wake() {
        waiter.unparkAll();
    }

    /**
     * The next datagram, waiting for one if none is queued.
     *
     * @throws IOException a send or receive error reported since the last call
     * @throws java.nio.channels.ClosedChannelException once the endpoint is closed and drained
     * @throws IllegalStateException if another task is already waiting
     */
    public Datagram recvFrom() throws IOException {
        while (true) {
            if (error != null) {
                IOException e = error;
                error = null;
                throw e;
            }
            Datagram d = queue.poll();
            if (d != null) {
                return d;
            }
            if (lost) {
                throw new java.nio.channels.ClosedChannelException();
            }
            if (waiter.parked() > 0) {
                throw new IllegalStateException("recvFrom() called while another task is already waiting: " + this);
            }
            waiter.park(loop);
        }
    }

    /** Queues {@code data} for {@code address} (null on a connected endpoint); never blocks. */
    public void sendTo(byte[] data, SocketAddress address) {
        transport.sendTo(data, address);
    }

    /** Sends to the connected peer. */
    public void send(byte[] data) {
        transport.sendTo(data, null);
    }

    /** The local address. */
    public SocketAddress localAddress() {
        return (SocketAddress) transport.getExtraInfo("sockname");
    }

    /** The transport underneath. */
    public DatagramTransport transport() {
        return transport;
    }

    /** How many datagrams were dropped because the queue was full. */
    public int dropped() {
        return dropped;
    }

    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "DatagramEndpoint[queued=" + queue.size() + (waiter.parked() > 0 ? ", waiter" : "")
                + (lost ? ", closed" : "") + "]";
    }
}
