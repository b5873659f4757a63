/**
 * WebSocket connections (RFC 6455), server and client side (websockets, aiohttp's
 * {@code WebSocketResponse}): a {@link dev.aio4j.http.websocket.WebSocket} sends and receives
 * {@link dev.aio4j.http.websocket.WebSocketMessage}s from tasks, and its closing handshake ends in
 * a {@link dev.aio4j.http.websocket.WebSocketClosedError} for whoever waits on it.
 */
package dev.aio4j.http.websocket;
