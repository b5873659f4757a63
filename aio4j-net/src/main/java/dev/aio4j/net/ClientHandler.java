package dev.aio4j.net;

/**
 * The code that serves one client of a stream server (asyncio's {@code client_connected_cb}).
 * It runs in its own task; when it throws, the error goes to the loop's exception handler and
 * the connection is closed. When it returns, the connection stays as it left it (close the
 * writer to end it), as in asyncio.
 */
@FunctionalInterface
public interface ClientHandler {
    /**
     * Serves one connection, in the connection's own task. Returning leaves the connection as it
     * is (close the writer to end it, as in asyncio); throwing closes it.
     *
     * @param reader the bytes from the client
     * @param writer the bytes to the client
     * @throws Exception anything: it goes to the loop's exception handler (a peer that reset or
     *     left is only logged at DEBUG), and the server goes on serving the others
     */
    void handle(StreamReader reader, StreamWriter writer) throws Exception;
}
