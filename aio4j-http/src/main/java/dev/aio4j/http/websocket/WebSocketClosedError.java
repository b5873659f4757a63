package dev.aio4j.http.websocket;

import java.io.IOException;

/**
 * The WebSocket is closed (websockets' {@code ConnectionClosed}): thrown by {@code receive} and
 * {@code send} once the closing handshake finished, or the connection was lost (code 1006) or
 * failed a protocol check (1002, 1007, 1009).
 */
public class WebSocketClosedError extends IOException {

    private final int code;
    private final String reason;

    public WebSocketClosedError(int code, String reason) {
        super("WebSocket closed: " + code + (reason == null || reason.isEmpty() ? "" : " " + reason));
        this.code = code;
        this.reason = reason == null ? "" : reason;
    }

    /** The close code (1000 normal, 1001 going away, 1006 connection lost, ...). */
    public int code() {
        return code;
    }

    /** The close reason; empty if none. */
    public String reason() {
        return reason;
    }

    /** True for the codes of a normal end: 1000 and 1001. */
    public boolean isNormal() {
        return code == 1000 || code == 1001;
    }
}
