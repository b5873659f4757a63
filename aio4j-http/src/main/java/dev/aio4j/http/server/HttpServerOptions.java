package dev.aio4j.http.server;

import dev.aio4j.net.ServerOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timeouts of an {@link HttpServer}. Immutable; start from {@link #defaults()}.
 *
 * @param maxRequestLineBytes the longest request line (8 KiB, aiohttp's 8190); longer gets 414
 * @param maxHeaderBytes the most bytes of header fields (16 KiB); more gets 431
 * @param maxHeaderCount the most header fields (100); more gets 431
 * @param maxBodyBytes the largest request body (1 MiB, aiohttp's {@code client_max_size}): a
 *     larger {@code Content-Length} gets 413 before the handler runs, and a chunked body that
 *     grows past it makes the handler's read throw {@link HttpError} 413. It applies to every
 *     way of reading the body, streamed ones too: raise it for large uploads
 * @param headerTimeout how long a client may take to send a request's head once it started
 *     it, and to start its first one (10 s); a slow client is answered 408 and disconnected
 * @param keepAliveTimeout how long an idle keep-alive connection is kept open (75 s, aiohttp's)
 * @param bodyReadTimeout how long one read of a request body may wait for data (60 s)
 * @param accessLog log each request through {@code System.getLogger("dev.aio4j.http.access")}
 *     at INFO (false)
 * @param net the listening socket's options: TLS ({@link ServerOptions#withSsl}), backlog, ...
 */
public record HttpServerOptions(
        int maxRequestLineBytes,
        int maxHeaderBytes,
        int maxHeaderCount,
        long maxBodyBytes,
        Duration headerTimeout,
        Duration keepAliveTimeout,
        Duration bodyReadTimeout,
        boolean accessLog,
        ServerOptions net) {

    public HttpServerOptions {
        positive("maxRequestLineBytes", maxRequestLineBytes);
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxHeaderCount", maxHeaderCount);
        positive("maxBodyBytes", maxBodyBytes);
        positive("headerTimeout", headerTimeout);
        positive("keepAliveTimeout", keepAliveTimeout);
        positive("bodyReadTimeout", bodyReadTimeout);
        Objects.requireNonNull(net, "net");
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " <= 0: " + v);
        }
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (!d.isPositive()) {
            throw new IllegalArgumentException(name + " <= 0: " + d);
        }
    }

    /** The defaults listed above. */
    public static HttpServerOptions defaults() {
        return new HttpServerOptions(
                8 * 1024,
                16 * 1024,
                100,
                1024 * 1024,
                Duration.ofSeconds(10),
                Duration.ofSeconds(75),
                Duration.ofSeconds(60),
                false,
                ServerOptions.defaults());
    }

    public HttpServerOptions withMaxRequestLineBytes(int v) {
        return new HttpServerOptions(
                v,
                maxHeaderBytes,
                maxHeaderCount,
                maxBodyBytes,
                headerTimeout,
                keepAliveTimeout,
                bodyReadTimeout,
                accessLog,
                net);
    }

    public HttpServerOptions withMaxHeaderBytes(int v) {
        return new HttpServerOptions(
                maxRequestLineBytes,
                v,
                maxHeaderCount,
                maxBodyBytes,
                headerTimeout,
                keepAliveTimeout,
                bodyReadTimeout,
                accessLog,
                net);
    }

    public HttpServerOptions withMaxHeaderCount(int v) {
        return new HttpServerOptions(
                maxRequestLineBytes,
                maxHeaderBytes,
                v,
                maxBodyBytes,
                headerTimeout,
                keepAliveTimeout,
                bodyReadTimeout,
                accessLog,
                net);
    }

    public HttpServerOptions withMaxBodyBytes(long v) {
        return new HttpServerOptions(
                maxRequestLineBytes,
                maxHeaderBytes,
                maxHeaderCount,
                v,
                headerTimeout,
                keepAliveTimeout,
                bodyReadTimeout,
                accessLog,
                net);
    }

    public HttpServerOptions withHeaderTimeout(Duration v) {
        return new HttpServerOptions(
                maxRequestLineBytes,
                maxHeaderBytes,
                maxHeaderCount,
                maxBodyBytes,
                v,
                keepAliveTimeout,
                bodyReadTimeout,
                accessLog,
                net);
    }

    public HttpServerOptions withKeepAliveTimeout(Duration v) {
        return new HttpServerOptions(
                maxRequestLineBytes,
                maxHeaderBytes,
                maxHeaderCount,
                maxBodyBytes,
                headerTimeout,
                v,
                bodyReadTimeout,
                accessLog,
                net);
    }

    public HttpServerOptions withBodyReadTimeout(Duration v) {
        return new HttpServerOptions(
                maxRequestLineBytes,
                maxHeaderBytes,
                maxHeaderCount,
                maxBodyBytes,
                headerTimeout,
                keepAliveTimeout,
                v,
                accessLog,
                net);
    }

    public HttpServerOptions withAccessLog(boolean v) {
        return new HttpServerOptions(
                maxRequestLineBytes,
                maxHeaderBytes,
                maxHeaderCount,
                maxBodyBytes,
                headerTimeout,
                keepAliveTimeout,
                bodyReadTimeout,
                v,
                net);
    }

    public HttpServerOptions withNet(ServerOptions v) {
        return new HttpServerOptions(
                maxRequestLineBytes,
                maxHeaderBytes,
                maxHeaderCount,
                maxBodyBytes,
                headerTimeout,
                keepAliveTimeout,
                bodyReadTimeout,
                accessLog,
                v);
    }
}
