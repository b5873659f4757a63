package dev.aio4j.http.websocket;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One complete WebSocket data message, reassembled from its fragments: text (valid UTF-8) or
 * binary.
 *
 * @param type TEXT or BINARY
 * @param data the payload; the UTF-8 bytes of a text message
 */
public record WebSocketMessage(Type type, byte[] data) {

    /** The two kinds of data message. */
    public enum Type {
        TEXT,
        BINARY
    }

    public WebSocketMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }

    /** A text message. */
    public static WebSocketMessage text(String text) {
        return new WebSocketMessage(Type.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A binary message. */
    public static WebSocketMessage binary(byte[] data) {
        return new WebSocketMessage(Type.BINARY, data);
    }

    /** True for a text message. */
    public boolean isText() {
        return type == Type.TEXT;
    }

    /** The payload decoded as UTF-8 (the text of a text message). */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "WebSocketMessage[" + type + ", " + data.length + " bytes]";
    }
}
