package dev.aio4j.http.client;

import dev.aio4j.TimeoutError;
import java.net.URI;

/**
 * A deadline of a {@link ClientTimeout} passed (aiohttp's {@code ServerTimeoutError},
 * {@code ConnectionTimeoutError}, {@code SocketTimeoutError} and the total timeout's
 * {@code asyncio.TimeoutError}); {@link #kind()} says which. The exchange has been cancelled and
 * its connection closed when this is thrown.
 *
 * <p>An aio4j {@link TimeoutError}, not the JDK's {@code HttpTimeoutException}: a
 * {@code catch (TimeoutError e)} around a request catches it. It is therefore not a
 * {@link ClientError}; see there.
 */
public final class ClientTimeoutError extends TimeoutError {
    private static final long serialVersionUID = 1L;

    /** Which deadline passed. */
    public enum Kind {
        /** {@link ClientTimeout#total()}: the whole exchange, from the connection slot to the body's end. */
        TOTAL,
        /** {@link ClientTimeout#connect()}: opening the connection. */
        CONNECT,
        /** {@link ClientTimeout#sockRead()}: too long without a byte of the response. */
        SOCK_READ
    }

    private final Kind kind;
    private final URI url;

    /**
     * A passed deadline.
     *
     * @param kind which deadline passed
     * @param url the request's URL
     * @param message the deadline and what was under way
     * @param cause the timeout underneath (of the deadline's scope or the JDK's client), or null
     */
    public ClientTimeoutError(Kind kind, URI url, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.url = url;
    }

    /** Which deadline passed. */
    public Kind kind() {
        return kind;
    }

    /** The URL of the request that timed out. */
    public URI url() {
        return url;
    }
}
