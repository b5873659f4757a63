package dev.aio4j.net;

/**
 * The code that serves one client of a stream server (asyncio's {@code client_connected_cb}).
 * It runs in its own task; when it throws, the error goes to the loop's exception handler and
 * the connection is closed. When it returns, the connection stays as it left it (close the
 * writer to end it), as in asyncio.
 */
@FunctionalInterface
public interface ClientHandler {
    void handle(StreamReader reader, StreamWriter writer) throws Exception;
}
