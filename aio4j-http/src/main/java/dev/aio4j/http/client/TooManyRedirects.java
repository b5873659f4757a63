package dev.aio4j.http.client;

import java.net.URI;

/**
 * A request was redirected more often than its maximum allows (aiohttp's
 * {@code TooManyRedirects}, a {@link ClientResponseError} with the last redirect's status and
 * URL).
 */
public final class TooManyRedirects extends ClientResponseError {
    private static final long serialVersionUID = 1L;

    private final int maxRedirects;

    public TooManyRedirects(int status, String method, URI url, int maxRedirects) {
        super(
                status,
                method,
                url,
                "more than " + maxRedirects + " redirects, the last " + status + " from " + method + " " + url);
        this.maxRedirects = maxRedirects;
    }

    /** The maximum that was exceeded. */
    public int maxRedirects() {
        return maxRedirects;
    }
}
