package dev.aio4j.http.client;

/**
 * A URL that cannot be requested (aiohttp's {@code InvalidURL}): not parseable, relative without
 * a base URL, or with a scheme other than http and https.
 */
public final class InvalidUrlError extends ClientError {
    private static final long serialVersionUID = 1L;

    private final String url;

    public InvalidUrlError(String url, String why) {
        super("invalid URL " + url + ": " + why);
        this.url = url;
    }

    public InvalidUrlError(String url, Throwable cause) {
        super("invalid URL " + url + ": " + cause.getMessage(), cause);
        this.url = url;
    }

    /** The URL as given. */
    public String url() {
        return url;
    }
}
