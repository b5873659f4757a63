package dev.aio4j.http.client;

import java.net.URI;

/**
 * A response was refused: {@link ClientResponse#raiseForStatus()} (or a session or request made
 * with {@code raiseForStatus(true)}) found a status of 400 or more (aiohttp's
 * {@code ClientResponseError}). The response has been released when this is thrown.
 */
public class ClientResponseError extends ClientError {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String method;
    private final URI url;

    /**
     * A refused response.
     *
     * @param status the response's status code
     * @param method the request's method
     * @param url the request's URL
     * @param message what went wrong, usually the status line's reason
     */
    public ClientResponseError(int status, String method, URI url, String message) {
        super(message);
        this.status = status;
        this.method = method;
        this.url = url;
    }

    ClientResponseError(ClientResponse response) {
        this(
                response.status(),
                response.method(),
                response.url(),
                response.status() + " " + Statuses.reason(response.status()) + ", " + response.method() + " "
                        + response.url());
    }

    /** The status of the response. */
    public int status() {
        return status;
    }

    /** The method of the request. */
    public String method() {
        return method;
    }

    /** The URL the response came from (after redirects). */
    public URI url() {
        return url;
    }
}
