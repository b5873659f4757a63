package dev.aio4j.net;

import java.net.InetSocketAddress;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Options of {@link Net#openConnection} and {@link Net#createConnection} (asyncio's keyword
 * arguments of {@code open_connection}/{@code create_connection}). Immutable; start from
 * {@link #defaults()} and use the withers.
 *
 * @param limit the StreamReader's buffer limit (64 KiB)
 * @param localAddress the local address to bind before connecting, or null
 * @param ssl the TLS context, or null for plain TCP
 * @param serverHostname the name for SNI and hostname verification (null: the host connected
 *     to; "" turns hostname verification off, as asyncio does)
 * @param sslHandshakeTimeout how long the TLS handshake may take (60 s)
 * @param connectTimeout how long each connection attempt may take, or null for the OS's limit
 * @param happyEyeballsDelay the RFC 8305 delay between attempts, or null for sequential attempts
 * @param interleave how many addresses of the first family come before the other family
 *     (0 keeps the resolver's order; 1 when Happy Eyeballs is on and this is 0)
 * @param noDelay TCP_NODELAY (true, as asyncio sets it)
 */
public record ConnectOptions(
        int limit,
        InetSocketAddress localAddress,
        SSLContext ssl,
        String serverHostname,
        Duration sslHandshakeTimeout,
        Duration connectTimeout,
        Duration happyEyeballsDelay,
        int interleave,
        boolean noDelay) {

    public ConnectOptions {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit <= 0: " + limit);
        }
        if (interleave < 0) {
            throw new IllegalArgumentException("interleave < 0: " + interleave);
        }
        if (serverHostname != null && ssl == null) {
            throw new IllegalArgumentException("serverHostname without ssl: " + serverHostname);
        }
        if (sslHandshakeTimeout != null && ssl == null) {
            throw new IllegalArgumentException("sslHandshakeTimeout without ssl: " + sslHandshakeTimeout);
        }
        if (sslHandshakeTimeout != null && !sslHandshakeTimeout.isPositive()) {
            throw new IllegalArgumentException("sslHandshakeTimeout <= 0: " + sslHandshakeTimeout);
        }
    }

    /** The defaults: 64 KiB limit, plain TCP, sequential attempts, TCP_NODELAY. */
    public static ConnectOptions defaults() {
        return new ConnectOptions(StreamReader.DEFAULT_LIMIT, null, null, null, null, null, null, 0, true);
    }

    public ConnectOptions withLimit(int limit) {
        return new ConnectOptions(
                limit,
                localAddress,
                ssl,
                serverHostname,
                sslHandshakeTimeout,
                connectTimeout,
                happyEyeballsDelay,
                interleave,
                noDelay);
    }

    public ConnectOptions withLocalAddress(InetSocketAddress localAddress) {
        return new ConnectOptions(
                limit,
                localAddress,
                ssl,
                serverHostname,
                sslHandshakeTimeout,
                connectTimeout,
                happyEyeballsDelay,
                interleave,
                noDelay);
    }

    public ConnectOptions withSsl(SSLContext ssl) {
        return new ConnectOptions(
                limit,
                localAddress,
                ssl,
                serverHostname,
                sslHandshakeTimeout,
                connectTimeout,
                happyEyeballsDelay,
                interleave,
                noDelay);
    }

    public ConnectOptions withServerHostname(String serverHostname) {
        return new ConnectOptions(
                limit,
                localAddress,
                ssl,
                serverHostname,
                sslHandshakeTimeout,
                connectTimeout,
                happyEyeballsDelay,
                interleave,
                noDelay);
    }

    public ConnectOptions withSslHandshakeTimeout(Duration sslHandshakeTimeout) {
        return new ConnectOptions(
                limit,
                localAddress,
                ssl,
                serverHostname,
                sslHandshakeTimeout,
                connectTimeout,
                happyEyeballsDelay,
                interleave,
                noDelay);
    }

    public ConnectOptions withConnectTimeout(Duration connectTimeout) {
        return new ConnectOptions(
                limit,
                localAddress,
                ssl,
                serverHostname,
                sslHandshakeTimeout,
                connectTimeout,
                happyEyeballsDelay,
                interleave,
                noDelay);
    }

    public ConnectOptions withHappyEyeballsDelay(Duration happyEyeballsDelay) {
        return new ConnectOptions(
                limit,
                localAddress,
                ssl,
                serverHostname,
                sslHandshakeTimeout,
                connectTimeout,
                happyEyeballsDelay,
                interleave,
                noDelay);
    }

    public ConnectOptions withInterleave(int interleave) {
        return new ConnectOptions(
                limit,
                localAddress,
                ssl,
                serverHostname,
                sslHandshakeTimeout,
                connectTimeout,
                happyEyeballsDelay,
                interleave,
                noDelay);
    }

    public ConnectOptions withNoDelay(boolean noDelay) {
        return new ConnectOptions(
                limit,
                localAddress,
                ssl,
                serverHostname,
                sslHandshakeTimeout,
                connectTimeout,
                happyEyeballsDelay,
                interleave,
                noDelay);
    }
}
