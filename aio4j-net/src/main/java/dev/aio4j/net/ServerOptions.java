package dev.aio4j.net;

import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Options of {@link Net#startServer} and {@link Net#createServer} (asyncio's keyword arguments
 * of {@code start_server}/{@code create_server}). Immutable; start from {@link #defaults()}.
 *
 * @param limit each connection's StreamReader limit (64 KiB)
 * @param backlog the listen backlog, also the most connections accepted per readiness event (100)
 * @param reuseAddress SO_REUSEADDR (true on POSIX, as asyncio)
 * @param reusePort SO_REUSEPORT (false)
 * @param ssl the TLS context for server-side TLS, or null
 * @param sslHandshakeTimeout how long each client's handshake may take (60 s)
 * @param startServing accept at once (true); false waits for {@link Server#startServing()}
 * @param cleanupSocket Unix servers: remove the socket file on close if it is still ours (true)
 * @param noDelay TCP_NODELAY on accepted connections (true)
 */
public record ServerOptions(
        int limit,
        int backlog,
        boolean reuseAddress,
        boolean reusePort,
        SSLContext ssl,
        Duration sslHandshakeTimeout,
        boolean startServing,
        boolean cleanupSocket,
        boolean noDelay) {

    public ServerOptions {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit <= 0: " + limit);
        }
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog <= 0: " + backlog);
        }
        if (sslHandshakeTimeout != null && ssl == null) {
            throw new IllegalArgumentException("sslHandshakeTimeout without ssl: " + sslHandshakeTimeout);
        }
    }

    public static ServerOptions defaults() {
        return new ServerOptions(StreamReader.DEFAULT_LIMIT, 100, true, false, null, null, true, true, true);
    }

    public ServerOptions withLimit(int limit) {
        return new ServerOptions(
                limit,
                backlog,
                reuseAddress,
                reusePort,
                ssl,
                sslHandshakeTimeout,
                startServing,
                cleanupSocket,
                noDelay);
    }

    public ServerOptions withBacklog(int backlog) {
        return new ServerOptions(
                limit,
                backlog,
                reuseAddress,
                reusePort,
                ssl,
                sslHandshakeTimeout,
                startServing,
                cleanupSocket,
                noDelay);
    }

    public ServerOptions withReuseAddress(boolean reuseAddress) {
        return new ServerOptions(
                limit,
                backlog,
                reuseAddress,
                reusePort,
                ssl,
                sslHandshakeTimeout,
                startServing,
                cleanupSocket,
                noDelay);
    }

    public ServerOptions withReusePort(boolean reusePort) {
        return new ServerOptions(
                limit,
                backlog,
                reuseAddress,
                reusePort,
                ssl,
                sslHandshakeTimeout,
                startServing,
                cleanupSocket,
                noDelay);
    }

    public ServerOptions withSsl(SSLContext ssl) {
        return new ServerOptions(
                limit,
                backlog,
                reuseAddress,
                reusePort,
                ssl,
                sslHandshakeTimeout,
                startServing,
                cleanupSocket,
                noDelay);
    }

    public ServerOptions withSslHandshakeTimeout(Duration sslHandshakeTimeout) {
        return new ServerOptions(
                limit,
                backlog,
                reuseAddress,
                reusePort,
                ssl,
                sslHandshakeTimeout,
                startServing,
                cleanupSocket,
                noDelay);
    }

    public ServerOptions withStartServing(boolean startServing) {
        return new ServerOptions(
                limit,
                backlog,
                reuseAddress,
                reusePort,
                ssl,
                sslHandshakeTimeout,
                startServing,
                cleanupSocket,
                noDelay);
    }

    public ServerOptions withCleanupSocket(boolean cleanupSocket) {
        return new ServerOptions(
                limit,
                backlog,
                reuseAddress,
                reusePort,
                ssl,
                sslHandshakeTimeout,
                startServing,
                cleanupSocket,
                noDelay);
    }

    public ServerOptions withNoDelay(boolean noDelay) {
        return new ServerOptions(
                limit,
                backlog,
                reuseAddress,
                reusePort,
                ssl,
                sslHandshakeTimeout,
                startServing,
                cleanupSocket,
                noDelay);
    }
}
