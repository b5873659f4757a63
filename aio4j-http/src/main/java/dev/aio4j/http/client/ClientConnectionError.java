package dev.aio4j.http.client;

/**
 * The connection failed while a request was sent or its response read (aiohttp's
 * {@code ClientConnectionError}, {@code ServerDisconnectedError}): reset, closed early, refused.
 * The JDK's {@link java.io.IOException} is the cause.
 */
public class ClientConnectionError extends ClientError {
    private static final long serialVersionUID = 1L;

    /** An error with its message and the I/O failure underneath. */
    public ClientConnectionError(String message, Throwable cause) {
        super(message, cause);
    }
}
