package dev.aio4j.http.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One request being described, then sent with {@link #send()} (what aiohttp's
 * {@code session.request(method, url, params=, headers=, json=, data=, timeout=,
 * allow_redirects=, max_redirects=, raise_for_status=)} takes as keyword arguments).
 *
 * <pre>{@code
 * try (ClientResponse r = session.request("GET", "/search")
 *         .param("q", "event loop").header("Accept", "application/json")
 *         .timeout(ClientTimeout.ofTotal(Duration.ofSeconds(5)))
 *         .send()) {
 *     return r.raiseForStatus().json(Result.class);
 * }
 * }</pre>
 *
 * <p>Not thread-safe; a request may be sent once.
 */
public final class ClientRequest {
    final HttpSession session;
    final String method;
    final String url;
    final Map<String, String> headers = new LinkedHashMap<>();
    final List<Map.Entry<String, String>> params = new ArrayList<>();
    RequestBody body;
    ClientTimeout timeout;
    Boolean allowRedirects;
    Integer maxRedirects;
    Boolean raiseForStatus;
    private boolean sent;

    ClientRequest(HttpSession session, String method, String url) {
        this.session = session;
        this.method = Objects.requireNonNull(method, "method").toUpperCase(java.util.Locale.ROOT);
        this.url = Objects.requireNonNull(url, "url");
    }

    /** Sets a header, replacing the session's default of that name. */
    public ClientRequest header(String name, String value) {
        headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Sets several headers. */
    public ClientRequest headers(Map<String, String> headers) {
        headers.forEach(this::header);
        return this;
    }

    /** Appends a query parameter (percent-encoded; a name may repeat). */
    public ClientRequest param(String name, Object value) {
        params.add(Map.entry(Objects.requireNonNull(name, "name"), String.valueOf(value)));
        return this;
    }

    /** Appends query parameters in the map's order. */
    public ClientRequest params(Map<String, ?> params) {
        params.forEach(this::param);
        return this;
    }

    /** The body. */
    public ClientRequest body(RequestBody body) {
        this.body = body;
        return this;
    }

    /** A JSON body through the session's {@link JsonCodec}. */
    public ClientRequest json(Object value) {
        return body(RequestBody.json(value));
    }

    /** A form body. */
    public ClientRequest form(Map<String, ?> fields) {
        return body(RequestBody.form(fields));
    }

    /** A UTF-8 text body. */
    public ClientRequest text(String text) {
        return body(RequestBody.text(text));
    }

    /**
     * This request's total and sockRead deadlines instead of the session's; {@code connect}
     * is the session's whatever this says (see {@link ClientTimeout}).
     */
    public ClientRequest timeout(ClientTimeout timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** Whether to follow redirects (default: the session's, true). */
    public ClientRequest allowRedirects(boolean allow) {
        this.allowRedirects = allow;
        return this;
    }

    /**
     * The most redirects to follow (default: the session's, 10).
     *
     * @throws IllegalArgumentException if negative
     */
    public ClientRequest maxRedirects(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("maxRedirects < 0: " + max);
        }
        this.maxRedirects = max;
        return this;
    }

    /** Whether a status of 400 or more throws {@link ClientResponseError} (default: the session's). */
    public ClientRequest raiseForStatus(boolean raise) {
        this.raiseForStatus = raise;
        return this;
    }

    /**
     * Sends the request and waits for the response's headers, suspending only the task; see
     * {@link HttpSession} for the waits, limits and errors.
     *
     * @return the response, whose body is still to be read; close it (try-with-resources)
     * @throws IllegalStateException if this request was sent already, or the session is closed
     */
    public ClientResponse send() {
        if (sent) {
            throw new IllegalStateException("a ClientRequest is sent once: " + this);
        }
        sent = true;
        return session.execute(this);
    }

    @Override
    public String toString() {
        return "ClientRequest[" + method + " " + url + "]";
    }
}
