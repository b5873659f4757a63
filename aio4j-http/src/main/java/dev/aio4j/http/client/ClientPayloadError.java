package dev.aio4j.http.client;

/**
 * The response body could not be read as sent (aiohttp's {@code ClientPayloadError}): it ended
 * before its Content-Length or its last chunk, or its gzip or deflate encoding is corrupt.
 */
public final class ClientPayloadError extends ClientError {
    private static final long serialVersionUID = 1L;

    /** A malformed or truncated body, with the failure underneath. */
    public ClientPayloadError(String message, Throwable cause) {
        super(message, cause);
    }

    /** A malformed or truncated body. */
    public ClientPayloadError(String message) {
        super(message);
    }
}
