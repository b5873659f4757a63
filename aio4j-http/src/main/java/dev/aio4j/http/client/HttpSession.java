package dev.aio4j.http.client;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.http.client.internal.BodyBridge;
import dev.aio4j.http.client.internal.ConnectionLimiter;
import dev.aio4j.http.client.internal.ExchangeTimer;
import dev.aio4j.http.client.internal.Urls;
import java.io.IOException;
import java.net.ConnectException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * A client session (aiohttp's {@code ClientSession}): the JDK's {@link HttpClient} driven from
 * tasks, with what aiohttp users rely on and the JDK client lacks — connection limits in total
 * and per host, total and read-idle timeouts, a redirect maximum, default headers, a base URL,
 * a cookie jar per session, query parameters, JSON and form bodies, bodies streamed with
 * back-pressure, gzip and deflate decoding, {@code raiseForStatus}.
 *
 * <pre>{@code
 * try (HttpSession session = HttpSession.builder().limitPerHost(10)
 *         .timeout(ClientTimeout.ofTotal(Duration.ofSeconds(10))).build()) {
 *     List<String> pages = TaskGroup.call(g -> {
 *         var tasks = urls.stream().map(u -> g.createTask(() -> session.get(u).text())).toList();
 *         return tasks.stream().map(Task::result).toList();
 *     });
 * }
 * }</pre>
 *
 * <p>Every call that waits suspends only the calling task, in carrier and in portable mode: the
 * request goes out with {@code sendAsync} and the task awaits it. Cancelling the task cancels
 * the exchange ({@code cancel(true)} on the JDK's future, which closes its connection) and
 * gives the connection slot back.
 *
 * <p>A request: waits for a connection slot; starts the total deadline; sends; waits for the
 * headers (total and sockRead deadlines); follows redirects itself (each hop takes its own slot,
 * so a redirect to another host respects that host's limit); returns the {@link ClientResponse}
 * whose body the caller reads or closes. Errors: {@link ClientConnectorError} (no connection),
 * {@link ClientConnectionError} (lost), {@link ClientTimeoutError} (a deadline, by kind),
 * {@link TooManyRedirects}, {@link ClientResponseError} (with {@code raiseForStatus}),
 * {@link InvalidUrlError}, {@link CancelledError}.
 *
 * <p>Connection limits: the slot is held from before the request is handed to the JDK until
 * its body has been read or abandoned. The JDK client returns a connection to its idle pool
 * before it signals the body's end, and takes an idle connection before it opens a new one, so
 * a host never sees more open connections from a session than {@code limitPerHost} (tested
 * from the server's side). HTTP/1.1 by default, as aiohttp; with {@code version(HTTP_2)} over
 * TLS the limits count streams, several of which may share one connection.
 *
 * <p>Differs from aiohttp: the session is closed synchronously; {@code close()} stops the JDK
 * client at once ({@code shutdownNow}), failing exchanges still open. gzip and deflate are
 * decoded here (the JDK client decodes nothing), brotli is not. The connect timeout is the JDK
 * client's, so a request's own {@link ClientTimeout} cannot change it. The session binds to the
 * loop of the first request.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>One HttpClient per session: its connection pool, cookie handler and connect timeout are
 * the session's. The JDK follows no redirects ({@code Redirect.NEVER}) so that each hop passes
 * the limiter. The body is a {@link BodyBridge}: a Flow subscriber posting to the loop, feeding
 * a StreamReader and requesting one piece at a time.
 */
public final class HttpSession implements AutoCloseable {

    private static final int MAX_REDIRECT_BODY = 64 * 1024;

    private final HttpClient client;
    private final ConnectionLimiter limiter;
    private final ClientTimeout timeout;
    private final URI baseUrl;
    private final Map<String, String> defaultHeaders;
    private final CookieHandler cookies;
    private final JsonCodec jsonCodec;
    private final boolean followRedirects;
    private final int maxRedirects;
    private final boolean raiseForStatus;
    private final boolean autoDecompress;
    private final int readLimit;
    private volatile boolean closed;

    private HttpSession(Builder b) {
        this.limiter = new ConnectionLimiter(b.limit, b.limitPerHost);
        this.timeout = b.timeout;
        this.baseUrl = b.baseUrl;
        this.defaultHeaders = Map.copyOf(b.headers);
        this.cookies = b.cookies != null ? b.cookies : new CookieManager();
        this.jsonCodec = b.jsonCodec;
        this.followRedirects = b.followRedirects;
        this.maxRedirects = b.maxRedirects;
        this.raiseForStatus = b.raiseForStatus;
        this.autoDecompress = b.autoDecompress;
        this.readLimit = b.readLimit;
        HttpClient.Builder cb = HttpClient.newBuilder()
                .version(b.version)
                .followRedirects(HttpClient.Redirect.NEVER)
                .cookieHandler(cookies);
        if (timeout.connect() != null) {
            cb.connectTimeout(timeout.connect());
        }
        if (b.sslContext != null) {
            cb.sslContext(b.sslContext);
        }
        if (b.executor != null) {
            cb.executor(b.executor);
        }
        this.client = cb.build();
    }

    /** A session with aiohttp's defaults. */
    public static HttpSession create() {
        return builder().build();
    }

    /** A builder with aiohttp's defaults: limit 100, limitPerHost 0 (none), {@link ClientTimeout#DEFAULT}. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ requests

    /** A request to describe further, then {@link ClientRequest#send()}. */
    public ClientRequest request(String method, String url) {
        return new ClientRequest(this, method, url);
    }

    /** Sends a GET; see {@link ClientRequest#send()}. */
    public ClientResponse get(String url) {
        return request("GET", url).send();
    }

    /** Sends a HEAD (redirects are not followed, as in aiohttp). */
    public ClientResponse head(String url) {
        return request("HEAD", url).allowRedirects(false).send();
    }

    /** Sends a DELETE. */
    public ClientResponse delete(String url) {
        return request("DELETE", url).send();
    }

    /** Sends a POST with {@code body} (null: none). */
    public ClientResponse post(String url, RequestBody body) {
        return request("POST", url).body(body).send();
    }

    /** Sends a PUT with {@code body}. */
    public ClientResponse put(String url, RequestBody body) {
        return request("PUT", url).body(body).send();
    }

    /** Sends a PATCH with {@code body}. */
    public ClientResponse patch(String url, RequestBody body) {
        return request("PATCH", url).body(body).send();
    }

    // ------------------------------------------------------------------ session

    /** The session's cookie handler (a {@link CookieManager} unless one was given). */
    public CookieHandler cookies() {
        return cookies;
    }

    /** The JDK client underneath, for what this class does not offer. */
    public HttpClient httpClient() {
        return client;
    }

    /** Connection slots held now (requests in flight, bodies not yet read). Loop only. */
    public int inFlight() {
        return limiter.inUse();
    }

    /** True once closed. */
    public boolean closed() {
        return closed;
    }

    /** Closes the session: its JDK client stops at once and open exchanges fail. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            client.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "HttpSession[" + (closed ? "closed, " : "") + limiter + "]";
    }

    // ------------------------------------------------------------------ the exchange

    ClientResponse execute(ClientRequest r) {
        if (closed) {
            throw new IllegalStateException("Session is closed: " + this);
        }
        if (Aio.currentTask() == null) {
            throw new IllegalStateException("an HttpSession request must be made from a task, not a loop callback");
        }
        EventLoop loop = Aio.getRunningLoop();
        URI uri = Urls.resolve(baseUrl, r.url, r.params);
        ExchangeTimer timer = new ExchangeTimer(loop, r.timeout != null ? r.timeout : timeout, uri);
        String method = r.method;
        RequestBody body = r.body == null ? null : r.body.encoded(jsonCodec);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(defaultHeaders);
        headers.putAll(r.headers);
        boolean follow = r.allowRedirects != null ? r.allowRedirects : followRedirects;
        int max = r.maxRedirects != null ? r.maxRedirects : maxRedirects;
        boolean raise = r.raiseForStatus != null ? r.raiseForStatus : raiseForStatus;
        List<ClientResponse> history = new ArrayList<>();
        ConnectionLimiter.Slot carried = null;
        while (true) {
            ClientResponse response = exchange(method, uri, headers, body, timer, List.copyOf(history), carried);
            ConnectionLimiter.Slot slot = response.slot();
            String location = response.header("Location").orElse(null);
            if (!follow || location == null || !isRedirect(response.status())) {
                response.releaseSlotAtEnd();
                if (raise) {
                    response.raiseForStatus();
                }
                return response;
            }
            URI next;
            try {
                if (history.size() >= max) {
                    throw new TooManyRedirects(response.status(), method, uri, max);
                }
                try {
                    next = Urls.check(location, uri.resolve(location));
                } catch (IllegalArgumentException e) {
                    throw new InvalidUrlError(location, e);
                }
                discard(response);
            } catch (Throwable e) {
                response.close();
                slot.release();
                throw e;
            }
            history.add(response);
            // The next hop to the same host keeps this slot instead of queueing again behind
            // requests that came later; its total deadline is running already.
            if (Urls.hostKey(next).equals(Urls.hostKey(uri))) {
                carried = slot;
            } else {
                carried = null;
                slot.release();
            }
            int status = response.status();
            if (status == 303 && !method.equals("HEAD") || (status == 301 || status == 302) && method.equals("POST")) {
                method = "GET";
                body = null;
                headers.remove("Content-Type");
            }
            if (carried == null) {
                headers.remove("Authorization");
            }
            uri = next;
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /**
     * Reads and drops a redirect's small body so that its connection can be reused; abandons a
     * big one (the connection is closed). Either way the slot stays with the caller.
     */
    private static void discard(ClientResponse response) {
        try {
            long n = 0;
            for (byte[] b; n <= MAX_REDIRECT_BODY && (b = response.content().read(MAX_REDIRECT_BODY)).length > 0; ) {
                n += b.length;
            }
        } catch (IOException e) {
            // The redirect is followed whatever its body held.
        } finally {
            response.close();
        }
    }

    /**
     * One hop: a slot (unless {@code carried} over from a redirect), the request, the headers.
     * The slot is released here if this fails; else the caller gets it with the response.
     */
    private ClientResponse exchange(
            String method,
            URI uri,
            Map<String, String> headers,
            RequestBody body,
            ExchangeTimer timer,
            List<ClientResponse> history,
            ConnectionLimiter.Slot carried) {
        ConnectionLimiter.Slot slot = carried;
        if (slot == null) {
            long queuedAt = System.nanoTime();
            slot = limiter.acquire(Urls.hostKey(uri));
            timer.queued(System.nanoTime() - queuedAt);
        }
        ConnectionLimiter.Slot held = slot;
        CompletableFuture<HttpResponse<BodyBridge>> sent = null;
        try {
            timer.startTotal();
            timer.url(uri);
            HttpRequest request = buildRequest(method, uri, headers, body);
            BodyBridge bridge = new BodyBridge(readLimit, timer, uri);
            sent = client.sendAsync(request, info -> bridge.start(info, autoDecompress));
            CompletableFuture<HttpResponse<BodyBridge>> view = sent.thenApply(Function.identity());
            HttpResponse<BodyBridge> r = timer.run(() -> Aio.await(view));
            return new ClientResponse(
                    method,
                    r.uri(),
                    r.statusCode(),
                    r.headers(),
                    r.version(),
                    history,
                    r.body(),
                    timer,
                    jsonCodec,
                    held);
        } catch (Throwable e) {
            if (sent != null) {
                sent.cancel(true); // Aio.await cancelled only the view: this cancels the exchange
            }
            slot.release();
            throw translate(e, uri);
        }
    }

    private HttpRequest buildRequest(String method, URI uri, Map<String, String> headers, RequestBody body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body.publisher());
        if (autoDecompress && !headers.containsKey("Accept-Encoding")) {
            b.header("Accept-Encoding", "gzip, deflate");
        }
        if (body != null && !headers.containsKey("Content-Type")) {
            b.header("Content-Type", body.contentType());
        }
        headers.forEach(b::header);
        return b.build();
    }

    /** The typed error for what an exchange failed with. */
    private static RuntimeException translate(Throwable e, URI uri) {
        if (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ClientTimeoutError || e instanceof ClientError || e instanceof CancelledError) {
            return (RuntimeException) e;
        }
        if (e instanceof HttpConnectTimeoutException) {
            return new ClientTimeoutError(
                    ClientTimeoutError.Kind.CONNECT, uri, "connecting to " + uri + " timed out", e);
        }
        if (e instanceof HttpTimeoutException) {
            return new ClientTimeoutError(
                    ClientTimeoutError.Kind.SOCK_READ, uri, "request to " + uri + " timed out", e);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException
                    || c instanceof UnknownHostException
                    || c instanceof UnresolvedAddressException
                    || c instanceof javax.net.ssl.SSLHandshakeException) {
                return new ClientConnectorError(uri, c);
            }
        }
        if (e instanceof IOException) {
            return new ClientConnectionError("request to " + uri + " failed: " + e, e);
        }
        if (e instanceof RuntimeException re) {
            return re;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new ClientError("request to " + uri + " failed: " + e, e);
    }

    // ------------------------------------------------------------------ builder

    /** The options of a session; every one has aiohttp's default. */
    public static final class Builder {
        private int limit = 100;
        private int limitPerHost;
        private ClientTimeout timeout = ClientTimeout.DEFAULT;
        private URI baseUrl;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private CookieHandler cookies;
        private JsonCodec jsonCodec;
        private boolean followRedirects = true;
        private int maxRedirects = 10;
        private boolean raiseForStatus;
        private boolean autoDecompress = true;
        private int readLimit = 64 * 1024;
        private HttpClient.Version version = HttpClient.Version.HTTP_1_1;
        private SSLContext sslContext;
        private Executor executor;

        private Builder() {}

        /**
         * The most requests in flight at once, all hosts together (default 100; 0: no limit).
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder limit(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("limit < 0: " + limit);
            }
            this.limit = limit;
            return this;
        }

        /**
         * The most requests in flight at once to one scheme, host and port (default 0: no limit).
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder limitPerHost(int limitPerHost) {
            if (limitPerHost < 0) {
                throw new IllegalArgumentException("limitPerHost < 0: " + limitPerHost);
            }
            this.limitPerHost = limitPerHost;
            return this;
        }

        /** The deadlines of every request (default {@link ClientTimeout#DEFAULT}). */
        public Builder timeout(ClientTimeout timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The URL relative request URLs resolve against (RFC 3986, as {@link URI#resolve}).
         *
         * @throws InvalidUrlError if not an absolute http or https URL
         */
        public Builder baseUrl(String baseUrl) {
            URI u;
            try {
                u = URI.create(baseUrl);
            } catch (IllegalArgumentException e) {
                throw new InvalidUrlError(baseUrl, e);
            }
            this.baseUrl = Urls.check(baseUrl, u);
            return this;
        }

        /** A header sent with every request (a request's own header of that name wins). */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The cookie jar (default: a new {@link CookieManager} for this session). */
        public Builder cookies(CookieHandler cookies) {
            this.cookies = Objects.requireNonNull(cookies, "cookies");
            return this;
        }

        /** How JSON bodies are encoded and decoded (default: none, JSON bodies throw). */
        public Builder jsonCodec(JsonCodec codec) {
            this.jsonCodec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /** Whether redirects are followed (default true). */
        public Builder followRedirects(boolean follow) {
            this.followRedirects = follow;
            return this;
        }

        /**
         * The most redirects followed for one request (default 10); one more throws
         * {@link TooManyRedirects}.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder maxRedirects(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxRedirects < 0: " + max);
            }
            this.maxRedirects = max;
            return this;
        }

        /** Whether every response with a status of 400 or more throws {@link ClientResponseError} (default false). */
        public Builder raiseForStatus(boolean raise) {
            this.raiseForStatus = raise;
            return this;
        }

        /** Whether to ask for and decode gzip and deflate bodies (default true). */
        public Builder autoDecompress(boolean decompress) {
            this.autoDecompress = decompress;
            return this;
        }

        /**
         * How many body bytes a response buffers before it stops asking the JDK for more, and the
         * longest line {@code readline} returns (default 64 KiB, asyncio's stream limit).
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder readLimit(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("readLimit <= 0: " + bytes);
            }
            this.readLimit = bytes;
            return this;
        }

        /** The HTTP version to ask for (default HTTP/1.1, as aiohttp). */
        public Builder version(HttpClient.Version version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** The TLS context (default: the JDK's). */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /** The executor the JDK client runs its work on (default: the JDK's own pool). */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** The session; it binds to the loop of its first request. */
        public HttpSession build() {
            return new HttpSession(this);
        }
    }
}
