package dev.aio4j.http.websocket;

import dev.aio4j.net.ConnectOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Options of a WebSocket, server or client side. Immutable; start from {@link #defaults()}.
 *
 * @param maxMessageBytes the largest message received, reassembled (1 MiB, as websockets'
 *     {@code max_size}); a larger one closes the connection with 1009
 * @param closeTimeout how long the closing handshake may take (10 s)
 * @param headers extra header fields of a client's upgrade request (Origin, Authorization, ...)
 * @param net a client's connection options (TLS context for {@code wss:}, timeouts)
 * @param compress offer (client) or accept (server) permessage-deflate, RFC 7692 (true);
 *     messages of 64 bytes or more are then sent compressed
 */
public record WebSocketOptions(
        int maxMessageBytes, Duration closeTimeout, Map<String, String> headers, ConnectOptions net, boolean compress) {

    public WebSocketOptions {
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes <= 0: " + maxMessageBytes);
        }
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (!closeTimeout.isPositive()) {
            throw new IllegalArgumentException("closeTimeout <= 0: " + closeTimeout);
        }
        headers = Map.copyOf(headers);
        Objects.requireNonNull(net, "net");
    }

    /** The defaults listed above. */
    public static WebSocketOptions defaults() {
        return new WebSocketOptions(1024 * 1024, Duration.ofSeconds(10), Map.of(), ConnectOptions.defaults(), true);
    }

    public WebSocketOptions withMaxMessageBytes(int v) {
        return new WebSocketOptions(v, closeTimeout, headers, net, compress);
    }

    public WebSocketOptions withCloseTimeout(Duration v) {
        return new WebSocketOptions(maxMessageBytes, v, headers, net, compress);
    }

    public WebSocketOptions withHeaders(Map<String, String> v) {
        return new WebSocketOptions(maxMessageBytes, closeTimeout, v, net, compress);
    }

    public WebSocketOptions withNet(ConnectOptions v) {
        return new WebSocketOptions(maxMessageBytes, closeTimeout, headers, v, compress);
    }

    public WebSocketOptions withCompress(boolean v) {
        return new WebSocketOptions(maxMessageBytes, closeTimeout, headers, net, v);
    }
}
