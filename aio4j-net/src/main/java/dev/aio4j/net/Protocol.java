package dev.aio4j.net;

/**
 * The callbacks a stream transport makes (asyncio's {@code Protocol}). All run on the loop, in
 * this order: {@code connectionMade}, then {@code dataReceived}* , then at most one
 * {@code eofReceived}, then exactly one {@code connectionLost}. {@code pauseWriting} and
 * {@code resumeWriting} come in pairs, synchronously from {@code write} and from the flush, when
 * the transport's buffer crosses its water marks.
 *
 * <p>An unchecked exception thrown by a callback goes to the loop's exception handler and the
 * transport is closed, as in asyncio.
 */
public interface Protocol {

    /** The connection is made; {@code transport} is the way to write. Reading starts after this. */
    default void connectionMade(Transport transport) {}

    /**
     * Bytes arrived. {@code data} is a fresh array owned by the receiver (asyncio's {@code bytes}).
     */
    default void dataReceived(byte[] data) {}

    /**
     * The peer sent EOF (half-closed its side). Return true to keep the connection open for
     * writing; false (the default) closes the transport. Over TLS the return value is ignored.
     */
    default boolean eofReceived() {
        return false;
    }

    /**
     * The connection is gone: {@code error} is null after a normal close or EOF, else the error
     * that ended it. Called exactly once.
     */
    default void connectionLost(Throwable error) {}

    /** The transport's write buffer went above its high-water mark. */
    default void pauseWriting() {}

    /** The transport's write buffer fell to or below its low-water mark. */
    default void resumeWriting() {}
}
