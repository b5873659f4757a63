package dev.aio4j.http.server;

import java.util.Base64;

/** The checks of a WebSocket opening handshake's request (RFC 6455 section 4.2.1). */
final class WebSocketUpgrade {
    private WebSocketUpgrade() {}

    /**
     * Returns if {@code request} is a valid upgrade request.
     *
     * @throws HttpError 426 if it does not ask for an upgrade or asks for another version, 400
     *     if its key is malformed
     */
    static void check(Request request) {
        if (!request.headers().containsToken("Upgrade", "websocket")
                || !request.headers().containsToken("Connection", "upgrade")) {
            throw new HttpError(426, "426 Upgrade Required: this is a WebSocket endpoint\n");
        }
        if (!"13".equals(request.header("Sec-WebSocket-Version"))) {
            throw new HttpError(426, "426 Upgrade Required: WebSocket version 13 only\n");
        }
        String key = request.header("Sec-WebSocket-Key");
        if (key == null || !validKey(key.trim())) {
            throw new HttpError(400, "400 Bad Request: missing or malformed Sec-WebSocket-Key\n");
        }
        if (request.hasBody()) {
            throw new HttpError(400, "400 Bad Request: an upgrade request has no body\n");
        }
    }

    private static boolean validKey(String key) {
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
