package dev.aio4j.http.client;

/**
 * The response body could not be read as sent (aiohttp's {@code ClientPayloadError}): it ended
 * before its Content-Length or its last chunk, or its gzip or deflate encoding is corrupt.
 */
public final class ClientPayloadError extends ClientError {
    private static final long serialVersionUID = 1L;

    public ClientPayloadError(String message, Throwable cause) {
        super(message, cause);
    }

    public ClientPayloadError(String message) {
        super(message);
    }
}
