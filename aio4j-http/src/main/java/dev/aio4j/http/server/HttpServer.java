package dev.aio4j.http.server;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.ReturnWhen;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An HTTP/1.1 server on aio4j-net's streams (aiohttp.web's {@code AppRunner} and
 * {@code TCPSite} in one): each connection is served by a task, each request's handler runs in
 * a task of its own.
 *
 * <pre>{@code
 * Aio.run(() -> {
 *     Router router = new Router().get("/", req -> Response.text("Hello, world"));
 *     HttpServer server = HttpServer.start(router, "127.0.0.1", 8080);
 *     server.serveForever();
 * });
 * }</pre>
 *
 * <p>What it does for every handler: keep-alive and pipelining (responses in request order),
 * chunked request and response bodies, {@code Expect: 100-continue}, HEAD, the limits and
 * timeouts of {@link HttpServerOptions} with their status codes (400, 408, 413, 414, 431, 505),
 * and TLS when {@code options.net()} carries an SSLContext. Requests are parsed by Jetty's
 * HttpParser in strict RFC 9110 mode: malformed and ambiguous requests (the request-smuggling
 * vectors) get 400 and the connection is closed before any handler runs.
 *
 * <p>Differs from aiohttp: no application object or signals; a {@link Router} is a
 * {@link Handler} and middleware wraps handlers. {@link #shutdown(Duration)} is aiohttp's
 * {@code runner.cleanup()} with its {@code shutdown_timeout}.
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   SERVING --shutdown--> DRAINING --last connection gone or grace over--> CLOSED
 *      \---------------------close()----------------------------------------^
 * </pre>
 *
 * <p>{@code connections} holds every connection whose task has not ended; loop-affine. While
 * DRAINING, no connection is accepted, idle connections are closed, and a connection in the
 * middle of a request answers it with {@code Connection: close}.
 */
public final class HttpServer implements AutoCloseable {

    /** The server's lifecycle; see the class notes. */
    public enum State {
        SERVING,
        DRAINING,
        CLOSED
    }

    /** How long cancelled connection tasks get to finish before their sockets are aborted. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(1);

    private final Server server;
    private final HttpServerOptions options;
    private final EventLoop loop;
    private final Set<Http1Connection> connections = new LinkedHashSet<>();
    private State state = State.SERVING;

    private HttpServer(Handler handler, String host, int port, HttpServerOptions options) throws IOException {
        this.options = options;
        this.loop = Aio.getRunningLoop();
        this.server = Net.startServer(
                (reader, writer) -> {
                    Http1Connection c = new Http1Connection(this, handler, reader, writer);
                    if (state != State.SERVING) {
                        writer.close();
                        return;
                    }
                    connections.add(c);
                    c.serve();
                },
                host,
                port,
                options.net());
    }

    /** {@link #start(Handler, String, int, HttpServerOptions)} with the defaults. */
    public static HttpServer start(Handler handler, String host, int port) throws IOException {
        return start(handler, host, port, HttpServerOptions.defaults());
    }

    /**
     * Listens on {@code host:port} ({@code port} 0 picks a free port) and serves every
     * connection with {@code handler}.
     *
     * @throws java.net.BindException if the address is in use
     * @throws IllegalStateException if no loop runs the caller
     */
    public static HttpServer start(Handler handler, String host, int port, HttpServerOptions options)
            throws IOException {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        return new HttpServer(handler, host, port, options);
    }

    /** The port of the first listening address. */
    public int port() {
        return server.port();
    }

    /** The listening addresses (empty once shut down). */
    public List<SocketAddress> addresses() {
        return server.addresses();
    }

    /** The options the server runs with. */
    public HttpServerOptions options() {
        return options;
    }

    /** The state. */
    public State state() {
        return state;
    }

    /** The number of open connections. */
    public int connectionCount() {
        return connections.size();
    }

    boolean isDraining() {
        return state != State.SERVING;
    }

    void forget(Http1Connection c) {
        connections.remove(c);
    }

    /**
     * Serves until the calling task is cancelled, then shuts down with a grace of 5 seconds.
     */
    public void serveForever() {
        try {
            loop.createFuture().await();
        } finally {
            shutdown(Duration.ofSeconds(5));
        }
    }

    /**
     * Stops accepting connections, closes the idle ones, lets requests in progress finish for
     * up to {@code grace}, then cancels what is left (an open WebSocket gets a 1001 Close), and
     * aborts the connections still open a second later; returns when every connection is gone.
     * Idempotent; the second call waits as the first does.
     */
    public void shutdown(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (state == State.SERVING) {
            state = State.DRAINING;
            server.close();
            for (Http1Connection c : List.copyOf(connections)) {
                if (c.state == Http1Connection.State.IDLE && c.task != null) {
                    c.task.cancel();
                }
            }
        }
        if (!grace.isNegative() && !grace.isZero()) {
            Timeout.moveOnAfter(grace, () -> server.waitClosed());
        }
        List<Task<?>> left = new ArrayList<>();
        for (Http1Connection c : List.copyOf(connections)) {
            if (c.task != null) {
                c.task.cancel();
                left.add(c.task);
            }
        }
        if (!left.isEmpty()) {
            // Let the cancelled tasks say goodbye (a WebSocket's 1001 Close) and forget themselves.
            Aio.wait(left, CANCEL_WAIT, ReturnWhen.ALL_COMPLETED);
        }
        server.abortClients();
        server.waitClosed();
        if (!left.isEmpty()) {
            Aio.wait(left);
        }
        state = State.CLOSED;
    }

    /** Shuts down at once: {@link #shutdown(Duration)} with no grace. */
    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    @Override
    public String toString() {
        return "HttpServer[" + state.name().toLowerCase() + ", port=" + server.port() + ", connections="
                + connections.size() + "]";
    }
}
