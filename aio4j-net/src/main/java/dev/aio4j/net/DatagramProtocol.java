package dev.aio4j.net;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * The callbacks of a UDP endpoint (asyncio's {@code DatagramProtocol}); all run on the loop.
 * Order: {@code connectionMade}, then any number of {@code datagramReceived} and
 * {@code errorReceived}, then {@code connectionLost} once.
 */
public interface DatagramProtocol {

    default void connectionMade(DatagramTransport transport) {}

    /** One datagram from {@code address}; {@code data} is a fresh array. */
    default void datagramReceived(byte[] data, SocketAddress address) {}

    /**
     * A send or receive failed (for instance ICMP "port unreachable" on a connected endpoint,
     * which the JDK reports as {@code PortUnreachableException}). The endpoint stays open.
     */
    default void errorReceived(IOException error) {}

    default void connectionLost(Throwable error) {}

    default void pauseWriting() {}

    default void resumeWriting() {}
}
