package dev.aio4j.http.websocket;

import dev.aio4j.http.internal.WebSocketClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * A WebSocket connection (RFC 6455), server or client side, used from tasks (websockets'
 * {@code ServerConnection}/{@code ClientConnection}, aiohttp's {@code WebSocketResponse} and
 * {@code ClientWebSocketResponse}).
 *
 * <pre>{@code
 * try (WebSocket ws = WebSocket.connect("ws://127.0.0.1:8080/chat")) {
 *     ws.send("hello");
 *     System.out.println(ws.receive().text());
 * }
 *
 * for (WebSocketMessage m : ws) {        // until the peer closes normally
 *     ws.send(m.text().toUpperCase());
 * }
 * }</pre>
 *
 * <p>{@link #receive()} returns the next data message, reassembled from its fragments; it
 * answers pings and the peer's close along the way. Only one task may receive at a time; any
 * task of the loop may send. {@code send} waits while the peer is slow to read (back-pressure),
 * and a receiver that does not read leaves the peer's data in the socket, so memory stays
 * bounded both ways. Client frames are masked, server frames not; frames breaking that rule,
 * invalid UTF-8 in text, bad control frames and oversized messages close the connection with
 * 1002, 1007 or 1009.
 *
 * <p>permessage-deflate (RFC 7692) is offered by the client and accepted by the server unless
 * {@link WebSocketOptions#compress()} is off; messages of 64 bytes or more are then sent
 * compressed, and a compressed message that inflates past the size limit closes with 1009.
 *
 * <p>Differs from websockets: no automatic keep-alive pings; close codes and reasons are on
 * {@link WebSocketClosedError}, which is an IOException.
 */
public interface WebSocket extends Iterable<WebSocketMessage>, AutoCloseable {

    /** {@link #connect(String, WebSocketOptions)} with the defaults. */
    static WebSocket connect(String uri) throws IOException {
        return connect(uri, WebSocketOptions.defaults());
    }

    /**
     * Opens a client WebSocket to a {@code ws://} or {@code wss://} URI over aio4j-net.
     *
     * @throws WebSocketHandshakeError if the server does not accept the upgrade
     * @throws IOException if the connection fails
     * @throws IllegalArgumentException for another scheme or a malformed URI
     */
    static WebSocket connect(String uri, WebSocketOptions options) throws IOException {
        return WebSocketClient.connect(uri, options);
    }

    /**
     * The next data message.
     *
     * @throws WebSocketClosedError once the WebSocket is closed (by either side, or lost)
     * @throws IllegalStateException if another task is receiving
     */
    WebSocketMessage receive() throws IOException;

    /** Sends a text message; waits while the peer is slow to read. */
    void send(String text) throws IOException;

    /** Sends a binary message; waits while the peer is slow to read. */
    void send(byte[] data) throws IOException;

    /** Sends a ping with up to 125 bytes of payload; the peer's pong is consumed by receive. */
    void ping(byte[] payload) throws IOException;

    /** Closes with 1000 (normal closure). */
    @Override
    void close() throws IOException;

    /**
     * Runs the closing handshake: sends a close frame with {@code code} and {@code reason},
     * waits up to the close timeout for the peer's, then closes the connection. Idempotent.
     *
     * @throws IllegalArgumentException for a code that may not be sent (outside 1000-4999, or
     *     1004-1006, 1015) or a reason over 123 bytes
     */
    void close(int code, String reason) throws IOException;

    /** True until the closing handshake starts or the connection is lost. */
    boolean isOpen();

    /** The close code once closed (the peer's, or 1006 if the connection was lost); else -1. */
    int closeCode();

    /** The close reason once closed; else null. */
    String closeReason();

    /** The request path of the upgrade (server side) or the URI's path (client side). */
    String path();

    /**
     * Iterates over the messages until the WebSocket closes; ends quietly on a normal close
     * (1000, 1001), throws an {@link UncheckedIOException} holding the
     * {@link WebSocketClosedError} otherwise.
     */
    @Override
    default Iterator<WebSocketMessage> iterator() {
        return new Iterator<>() {
            private WebSocketMessage next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (next == null && !ended) {
                    try {
                        next = receive();
                    } catch (WebSocketClosedError e) {
                        ended = true;
                        if (!e.isNormal()) {
                            throw new UncheckedIOException(e);
                        }
                    } catch (IOException e) {
                        ended = true;
                        throw new UncheckedIOException(e);
                    }
                }
                return next != null;
            }

            @Override
            public WebSocketMessage next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                WebSocketMessage m = next;
                next = null;
                return m;
            }
        };
    }
}
