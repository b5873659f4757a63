package dev.aio4j.http.websocket;

import java.io.IOException;

/** The server refused a client's WebSocket upgrade (websockets' {@code InvalidStatus}). */
public class WebSocketHandshakeError extends IOException {

    private final int status;

    public WebSocketHandshakeError(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The status the server answered with, or 0 if the answer was not HTTP. */
    public int status() {
        return status;
    }
}
