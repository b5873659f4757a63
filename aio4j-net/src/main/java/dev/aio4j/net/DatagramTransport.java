package dev.aio4j.net;

import java.net.SocketAddress;

/**
 * A UDP endpoint driven by the loop (asyncio's {@code DatagramTransport}). Loop-affine;
 * {@code sendTo} never blocks: datagrams the socket does not take at once are queued.
 */
public interface DatagramTransport {

    /**
     * Sends {@code data} as one datagram to {@code address}; {@code address} may be null only on
     * a connected endpoint, and must then be null or the peer. An empty array sends an empty
     * datagram (Python 3.13). Errors go to the protocol's {@code errorReceived}.
     *
     * @throws IllegalArgumentException for an address other than the connected peer's
     */
    void sendTo(byte[] data, SocketAddress address);

    /** Sends to the connected peer. */
    default void send(byte[] data) {
        sendTo(data, null);
    }

    /** Closes after the queued datagrams are sent; {@code connectionLost(null)} follows. */
    void close();

    /** Closes at once, dropping queued datagrams. */
    void abort();

    boolean isClosing();

    /** The queued bytes, counting 8 extra bytes per queued datagram (as asyncio 3.13). */
    int getWriteBufferSize();

    /** "sockname", "peername" (null unless connected), "socket" (the DatagramChannel). */
    Object getExtraInfo(String name);
}
