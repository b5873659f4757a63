package dev.aio4j.http.client;

import java.net.URI;

/**
 * No connection could be opened to the server (aiohttp's {@code ClientConnectorError}): refused,
 * unreachable, a host name that does not resolve, or a TLS handshake that failed (aiohttp's
 * {@code ClientConnectorCertificateError}, {@code ClientSSLError}).
 */
public final class ClientConnectorError extends ClientConnectionError {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;

    /**
     * The connection to {@code url}'s host and port could not be opened.
     *
     * @param url the request's URL, whose host and port the message names
     * @param cause why the connection failed (refused, unreachable, DNS, TLS handshake)
     */
    public ClientConnectorError(URI url, Throwable cause) {
        super("Cannot connect to host " + url.getHost() + ":" + port(url) + " [" + cause + "]", cause);
        this.host = url.getHost();
        this.port = port(url);
    }

    /** The host the connection was for. */
    public String host() {
        return host;
    }

    /** The port the connection was for. */
    public int port() {
        return port;
    }

    static int port(URI url) {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }
}
