package dev.aio4j.http.client;

/**
 * The base of the errors an {@link HttpSession} raises (aiohttp's {@code ClientError}): a
 * connection that failed, a body that could not be read, a status that was refused, a redirect
 * chain that went on too long, a URL that could not be used.
 *
 * <p>Differs from aiohttp: timeouts are not ClientErrors but {@link ClientTimeoutError}s, which
 * are aio4j {@link dev.aio4j.TimeoutError}s, so that {@code Timeout} scopes, {@code waitFor} and
 * code written for them see the same family. Java has no multiple inheritance of classes;
 * {@code catch (ClientError | TimeoutError e)} catches everything a request can fail with, as
 * aiohttp users write {@code except (aiohttp.ClientError, asyncio.TimeoutError)}.
 */
public class ClientError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with its message. */
    public ClientError(String message) {
        super(message);
    }

    /** An error with its message and the failure underneath. */
    public ClientError(String message, Throwable cause) {
        super(message, cause);
    }
}
