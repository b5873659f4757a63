package dev.aio4j.http.client;

import dev.aio4j.http.client.internal.BodyBridge;
import dev.aio4j.http.client.internal.ConnectionLimiter;
import dev.aio4j.http.client.internal.ExchangeTimer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * A response whose headers have arrived and whose body is still to be read (aiohttp's
 * {@code ClientResponse}). Read the body whole with {@link #text()}, {@link #bytes()} or
 * {@link #json(Class)}, or as a stream through {@link #content()}; then, or instead, close it.
 *
 * <pre>{@code
 * try (ClientResponse r = session.get("https://example.org/")) {
 *     System.out.println(r.status() + " " + r.text());
 * }
 * }</pre>
 *
 * <p>The response holds its connection slot (the session's {@code limit} and
 * {@code limitPerHost}) until its body has been read to the end or it is closed; a response
 * neither read nor closed keeps its slot for ever, as in aiohttp. {@link #close()} before the
 * end abandons the body, which closes the connection. Loop-confined: use it from the tasks of
 * the session's loop.
 */
public final class ClientResponse implements AutoCloseable {
    private final String method;
    private final URI url;
    private final int status;
    private final HttpHeaders headers;
    private final HttpClient.Version version;
    private final List<ClientResponse> history;
    private final BodyBridge bridge;
    private final BodyReader content;
    private final JsonCodec codec;
    private final ExchangeTimer timer;
    private final ConnectionLimiter.Slot slot;
    private boolean closed;

    ClientResponse(
            String method,
            URI url,
            int status,
            HttpHeaders headers,
            HttpClient.Version version,
            List<ClientResponse> history,
            BodyBridge bridge,
            ExchangeTimer timer,
            JsonCodec codec,
            ConnectionLimiter.Slot slot) {
        this.method = method;
        this.url = url;
        this.status = status;
        this.headers = headers;
        this.version = version;
        this.history = history;
        this.bridge = bridge;
        this.content = new BodyReader(bridge, timer);
        this.codec = codec;
        this.timer = timer;
        this.slot = slot;
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** The standard reason phrase of the status (the JDK client does not report the server's). */
    public String reason() {
        return Statuses.reason(status);
    }

    /** True for a status below 400 (aiohttp's {@code ok}). */
    public boolean ok() {
        return status < 400;
    }

    /** The method of the request that got this response. */
    public String method() {
        return method;
    }

    /** The URL this response came from, after redirects. */
    public URI url() {
        return url;
    }

    /** The response headers. */
    public HttpHeaders headers() {
        return headers;
    }

    /** The first value of header {@code name}. */
    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** The media type of Content-Type without parameters, lower case; {@code application/octet-stream} if absent. */
    public String contentType() {
        String ct = headers.firstValue("Content-Type").orElse("application/octet-stream");
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** The charset Content-Type names, if any. */
    public Optional<Charset> charset() {
        for (String param : headers.firstValue("Content-Type").orElse("").split(";")) {
            String p = param.trim();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                try {
                    return Optional.of(
                            Charset.forName(p.substring(8).replace("\"", "").trim()));
                } catch (IllegalArgumentException unknown) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The HTTP version the exchange used. */
    public HttpClient.Version version() {
        return version;
    }

    /** The redirect responses that led here, oldest first (their bodies were discarded). */
    public List<ClientResponse> history() {
        return history;
    }

    /**
     * How long the request waited for connection slots (the session's {@code limit} and
     * {@code limitPerHost}), redirects included: the part of its latency spent queued in this
     * process rather than on the network. Not in aiohttp (its trace hooks tell the same).
     */
    public Duration queued() {
        return Duration.ofNanos(timer.queuedNanos());
    }

    /** The body as a stream. */
    public BodyReader content() {
        return content;
    }

    /**
     * The whole body (aiohttp's {@code read()}); releases the response.
     *
     * @throws ClientTimeoutError as {@link BodyReader} does
     * @throws ClientConnectionError as {@link BodyReader} does
     * @throws ClientPayloadError as {@link BodyReader} does, or when reading the body fails
     */
    public byte[] bytes() {
        try {
            return content.read();
        } catch (IOException e) {
            throw new ClientPayloadError("reading the body of " + url + " failed: " + e, e);
        } finally {
            close();
        }
    }

    /** The body decoded with the charset of Content-Type, else UTF-8; releases the response. */
    public String text() {
        return text(charset().orElse(StandardCharsets.UTF_8));
    }

    /** The body decoded with {@code charset}; releases the response. */
    public String text(Charset charset) {
        return new String(bytes(), charset);
    }

    /**
     * The body decoded by the session's {@link JsonCodec} as {@code type}; releases the response.
     *
     * @throws IllegalStateException if the session has no JsonCodec
     */
    public <T> T json(Class<T> type) {
        if (codec == null) {
            close();
            throw new IllegalStateException(
                    "json() needs a JsonCodec: set one with HttpSession.builder().jsonCodec(...)");
        }
        String text = new String(bytes(), charset().orElse(StandardCharsets.UTF_8));
        try {
            return type.cast(codec.decode(text, type));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    /** The body decoded by the session's {@link JsonCodec} as its own tree ({@code Object.class}). */
    public Object json() {
        return json(Object.class);
    }

    /**
     * Throws if the status is 400 or more, after releasing the response; returns this response
     * otherwise (aiohttp's {@code raise_for_status()}).
     *
     * @throws ClientResponseError with the status, method and URL
     */
    public ClientResponse raiseForStatus() {
        if (status >= 400) {
            close();
            throw new ClientResponseError(this);
        }
        return this;
    }

    /** The connection slot this response holds (until {@link #releaseSlotAtEnd()} hands it over). */
    ConnectionLimiter.Slot slot() {
        return slot;
    }

    /** From now on the body's end (or {@link #close()}) gives the connection slot back. */
    void releaseSlotAtEnd() {
        bridge.onEnd(slot::release);
    }

    /** True once the body was read to its end or the response was closed. */
    public boolean released() {
        return closed || bridge.ended();
    }

    /**
     * Releases the response (aiohttp's {@code release()}/{@code close()}): if its body was not
     * read to the end, abandons it, which closes the connection; gives the connection slot back.
     * Later calls do nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!bridge.ended()) { // the error is built only when needed: a stack trace is not cheap
            bridge.abort(new IllegalStateException("the body of " + this + " was not read: the response was closed"));
        }
    }

    @Override
    public String toString() {
        return "ClientResponse[" + status + " " + method + " " + url + "]";
    }
}
