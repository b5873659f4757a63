package dev.aio4j.http.websocket;

/**
 * Serves one accepted WebSocket (the handler of aiohttp's {@code WebSocketResponse}, or of a
 * websockets server). It runs in the request's task. Returning closes the WebSocket with 1000 if
 * it is still open; an exception closes it with 1011. A {@link WebSocketClosedError} leaving the
 * handler (the peer closed) is not an error.
 */
@FunctionalInterface
public interface WebSocketHandler {
    void handle(WebSocket ws) throws Exception;
}
