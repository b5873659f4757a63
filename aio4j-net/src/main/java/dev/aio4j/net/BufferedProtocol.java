package dev.aio4j.net;

import java.nio.ByteBuffer;

/**
 * A protocol that lends the transport its own buffer to read into (asyncio's
 * {@code BufferedProtocol}), saving a copy per read. The call order is {@code connectionMade},
 * then ({@code getBuffer} {@code bufferUpdated}?)*, then {@code eofReceived}?, then
 * {@code connectionLost}; {@link #dataReceived} is never called.
 */
public interface BufferedProtocol extends Protocol {

    /**
     * A buffer with free space (between position and limit) to read into; {@code sizeHint} is
     * -1 (any size) or the wanted size. An empty buffer is a fatal error for the connection.
     */
    ByteBuffer getBuffer(int sizeHint);

    /**
     * {@code nbytes} bytes were written into the last buffer, ending at its new position.
     */
    void bufferUpdated(int nbytes);
}
