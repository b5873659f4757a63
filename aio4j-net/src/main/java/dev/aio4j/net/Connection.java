package dev.aio4j.net;

/**
 * The reader and writer of one stream connection, as {@link Net#openConnection} returns them
 * (asyncio's {@code (reader, writer)} tuple). {@link AutoCloseable}: try-with-resources closes
 * the connection through its writer.
 */
public record Connection(StreamReader reader, StreamWriter writer) implements AutoCloseable {

    /** Closes the connection: {@code writer().close()} (graceful; buffered bytes are still sent). */
    @Override
    public void close() {
        writer.close();
    }
}
