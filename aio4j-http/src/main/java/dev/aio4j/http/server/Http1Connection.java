package dev.aio4j.http.server;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.TimeoutError;
import dev.aio4j.http.internal.IoWaits;
import dev.aio4j.http.internal.Wire;
import dev.aio4j.net.StreamReader;
import dev.aio4j.net.StreamWriter;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Serves the HTTP/1.1 requests of one connection, one after the other.
 *
 * <p>Each request's handler runs in a task of its own, which also sends the response; this
 * connection's task waits for it, then reads the next request. Pipelined requests are therefore
 * answered in order: the bytes of the next one simply wait in the {@link Wire} while the
 * current one is served.
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   IDLE --first byte--> HEAD --head parsed--> ACTIVE --response sent, keep-alive--> IDLE
 *     |                   |                      |
 *     +--timeout, EOF,----+--timeout (408), -----+--close, upgrade, failure----> CLOSED
 *        shutdown            bad head (4xx)
 * </pre>
 *
 * <p>Timeouts: IDLE waits at most {@code keepAliveTimeout} ({@code headerTimeout} before the
 * first request); once a head started it must end within {@code headerTimeout} of its first
 * byte, so a client trickling a head (slowloris) holds a connection for a bounded time. Body
 * reads wait at most {@code bodyReadTimeout} each.
 *
 * <p>After a response the connection stays open only if the client asked for it, the server is
 * not shutting down and the request's body can be skipped: a body the handler did not read is
 * read and dropped, except after {@code Expect: 100-continue} was left unanswered (the client
 * has not sent it) or the body failed to parse, when the connection closes instead.
 *
 * <p>Loop-affine: all fields are touched only by this connection's task and its request's
 * task, which never run at the same time.
 */
final class Http1Connection {

    enum State {
        IDLE,
        HEAD,
        ACTIVE,
        CLOSED
    }

    private static final System.Logger LOG = System.getLogger("dev.aio4j.http.server");
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final HttpServerOptions options;
    private final Handler handler;
    private final Wire wire;
    private final RequestParser parser;
    private final InetSocketAddress remote;
    private final EventLoop loop;
    private final BodySource body = new BodySource();
    State state = State.IDLE;
    Task<?> task;

    // Per request; reset in readHead.
    private boolean expectContinue;
    private boolean continueSent;
    private boolean bodyFailed;
    private long bodyBytes;

    Http1Connection(HttpServer server, Handler handler, StreamReader reader, StreamWriter writer) {
        this.server = server;
        this.options = server.options();
        this.handler = handler;
        this.wire = new Wire(reader, writer);
        this.parser = new RequestParser(options);
        this.remote = writer.getExtraInfo("peername") instanceof InetSocketAddress a ? a : null;
        this.loop = Aio.getRunningLoop();
    }

    /** Serves requests until the connection ends; closes it on the way out. */
    void serve() {
        task = Aio.currentTask();
        try {
            boolean first = true;
            while (!server.isDraining()) {
                state = State.IDLE;
                if (!readHead(first ? options.headerTimeout() : options.keepAliveTimeout())) {
                    return;
                }
                first = false;
                state = State.ACTIVE;
                if (parser.failed()) {
                    sendError(parser.failureStatus, parser.failureReason);
                    return;
                }
                if (!serveOne()) {
                    return;
                }
                parser.reset();
            }
        } catch (CancelledError e) {
            if (!server.isDraining()) {
                throw e;
            }
            // shutdown closes idle connections by cancelling them
        } catch (IOException | TimeoutError e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "connection from " + remote + " ended: " + e);
        } finally {
            state = State.CLOSED;
            wire.writer.close();
            server.forget(this);
        }
    }

    // ------------------------------------------------------------------ the head

    /**
     * Reads and parses a request head.
     *
     * @return false if the connection should end quietly (EOF, idle timeout) or after a 408
     */
    private boolean readHead(Duration idleTimeout) throws IOException {
        expectContinue = false;
        continueSent = false;
        bodyFailed = false;
        bodyBytes = 0;
        if (wire.hasInput()) {
            state = State.HEAD;
            parser.parse(wire.in());
            if (parser.headerDone || parser.failed()) {
                return true;
            }
        }
        Timeout deadline = Timeout.after(state == State.HEAD ? options.headerTimeout() : idleTimeout);
        try {
            return IoWaits.run(deadline, () -> {
                while (true) {
                    if (!wire.fill()) {
                        return false;
                    }
                    if (state == State.IDLE) {
                        state = State.HEAD;
                        deadline.reschedule(loop.time() + seconds(options.headerTimeout()));
                    }
                    parser.parse(wire.in());
                    if (parser.headerDone || parser.failed()) {
                        return true;
                    }
                }
            });
        } catch (TimeoutError e) {
            if (state == State.HEAD) {
                sendError(408, "the request head took longer than " + options.headerTimeout());
            }
            return false;
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    // ------------------------------------------------------------------ one exchange

    /** Runs the request's task; true if the connection goes on to the next request. */
    private boolean serveOne() throws IOException {
        Request request;
        try {
            request = new Request(parser.method, parser.target, parser.version, parser.headers, remote, body);
        } catch (HttpError e) {
            sendError(e.status(), e.getMessage());
            return false;
        }
        long declared = parser.contentLength();
        if (declared > options.maxBodyBytes()) {
            sendError(413, "the body is larger than " + options.maxBodyBytes() + " bytes");
            return false;
        }
        expectContinue = request.version().equals("HTTP/1.1")
                && !parser.complete
                && request.headers().containsToken("Expect", "100-continue");
        Task<Boolean> exchange = Aio.createTask(() -> exchange(request));
        try {
            return exchange.await();
        } catch (CancelledError e) {
            exchange.cancel();
            throw e;
        }
    }

    /** The request's task: the handler, then the response. True to keep the connection. */
    private boolean exchange(Request request) {
        long startNanos = System.nanoTime();
        Response response;
        try {
            response = handler.handle(request);
            if (response == null) {
                throw new IllegalStateException("the handler returned no response for " + request);
            }
        } catch (HttpError e) {
            response = Router.errorResponse(e);
        } catch (CancelledError e) {
            throw e;
        } catch (Exception | StackOverflowError e) {
            LOG.log(System.Logger.Level.WARNING, "handler failed for " + request + " from " + remote, e);
            response = Response.text(500, "500 Internal Server Error\n");
        }
        boolean keepAlive = wantsKeepAlive(request) && !server.isDraining();
        if (!parser.complete && (bodyFailed || (expectContinue && !continueSent))) {
            keepAlive = false;
        }
        ResponseSender.Result sent;
        try {
            sent = ResponseSender.send(wire, request, response, keepAlive);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "client " + remote + " went away during " + request + ": " + e);
            return false;
        }
        if (options.accessLog()) {
            AccessLog.log(request, sent.status(), sent.bodyBytes(), System.nanoTime() - startNanos);
        }
        if (sent.upgrade() != null) {
            sent.upgrade().run();
            return false;
        }
        if (!sent.keepAlive()) {
            return false;
        }
        try {
            while (body.next() != null) {
                // the handler left the body unread: skip it to reach the next request
            }
            return true;
        } catch (IOException | HttpError | TimeoutError e) {
            return false;
        }
    }

    private boolean wantsKeepAlive(Request request) {
        if (request.version().equals("HTTP/1.1")) {
            return !request.headers().containsToken("Connection", "close");
        }
        return request.headers().containsToken("Connection", "keep-alive");
    }

    /** Answers a request that failed before its handler ran, and ends the connection. */
    private void sendError(int status, String reason) {
        try {
            wire.send(ResponseSender.errorBytes(status, reason));
        } catch (IOException e) {
            // the client is gone; nothing to tell it
        }
    }

    /** The body of the current request, pulled from the connection as the handler reads it. */
    private final class BodySource implements Request.BodySource {
        @Override
        public ByteBuffer next() throws IOException {
            if (bodyFailed) {
                throw new HttpError(400, "the request body already failed");
            }
            if (parser.complete) {
                return null;
            }
            if (expectContinue && !continueSent) {
                continueSent = true;
                wire.send(CONTINUE);
            }
            for (int spins = 0; ; spins++) {
                parser.chunk = null;
                parser.parse(wire.in());
                if (parser.failed()) {
                    bodyFailed = true;
                    throw new HttpError(parser.failureStatus, parser.failureStatus + " " + parser.failureReason);
                }
                ByteBuffer chunk = parser.chunk;
                if (chunk != null) {
                    parser.chunk = null;
                    bodyBytes += chunk.remaining();
                    if (bodyBytes > options.maxBodyBytes()) {
                        bodyFailed = true;
                        throw new HttpError(413, "the body is larger than " + options.maxBodyBytes() + " bytes");
                    }
                    if (chunk.hasRemaining()) {
                        return chunk;
                    }
                    continue;
                }
                if (parser.complete) {
                    return null;
                }
                if (!wire.hasInput()) {
                    boolean more;
                    try {
                        more = IoWaits.after(options.bodyReadTimeout(), wire::fill);
                    } catch (TimeoutError e) {
                        bodyFailed = true;
                        throw e;
                    }
                    if (!more) {
                        bodyFailed = true;
                        parser.atEof(wire.in());
                        throw new EOFException("the client closed the connection in the middle of the request body");
                    }
                } else if (spins > 1000) {
                    bodyFailed = true;
                    throw new IllegalStateException("the parser makes no progress: " + parser);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Http1Connection[" + state + ", " + remote + "]";
    }
}
