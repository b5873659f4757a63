/**
 * What the HTTP server and client share: {@link dev.aio4j.http.Headers} (header fields in arrival
 * order with case-insensitive names, aiohttp's {@code CIMultiDict}) and
 * {@link dev.aio4j.http.HttpStatus} (the reason phrases of the status codes). The server, the
 * client and WebSocket are in the subpackages.
 */
package dev.aio4j.http;
