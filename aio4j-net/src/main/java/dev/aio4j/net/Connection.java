package dev.aio4j.net;

/**
 * The reader and writer of one stream connection, as {@link Net#openConnection} returns them
 * (asyncio's {@code (reader, writer)} tuple).
 */
public record Connection(StreamReader reader, StreamWriter writer) {
}
