package dev.aio4j.http.server;

import dev.aio4j.http.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as a handler sees it (aiohttp's {@code web.Request}): the method, the target
 * split into path and query, the header fields, the path parameters its route matched, and the
 * body, read on demand as bytes, text, a stream or a form.
 *
 * <p>The body is not read before the handler asks for it. It can be read once, in one of the
 * ways; reads suspend only the request's task and pull from the connection, so a large upload
 * is never held in memory unless the handler asks for all of it. Every read refuses a body over
 * the server's {@code maxBodyBytes} with {@link HttpError} 413; a client that sent {@code Expect: 100-continue} gets its {@code 100 Continue} when the body is
 * first read.
 *
 * <p>Loop-affine: use it in the handler's task.
 */
public final class Request {

    /** Where the body comes from: the connection, one chunk at a time (null at the end). */
    interface BodySource {
        ByteBuffer next() throws IOException;
    }

    private final String method;
    private final String target;
    private final String version;
    private final Headers headers;
    private final InetSocketAddress remoteAddress;
    private final BodySource body;
    private final String path;
    private final String rawQuery;
    private Map<String, List<String>> query;
    private Map<String, String> pathParams = Map.of();
    private boolean bodyTaken;

    Request(
            String method,
            String target,
            String version,
            Headers headers,
            InetSocketAddress remoteAddress,
            BodySource body) {
        this.method = method;
        this.target = target;
        this.version = version;
        this.headers = headers;
        this.remoteAddress = remoteAddress;
        this.body = body;
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        this.rawQuery = q < 0 ? "" : target.substring(q + 1);
        this.path = decodePath(rawPath);
    }

    /** The method, as sent ({@code GET}, {@code POST}, ...). */
    public String method() {
        return method;
    }

    /** The request target as sent: path and query, percent-encoded. */
    public String target() {
        return target;
    }

    /** The path, percent-decoded ({@code /users/7}). */
    public String path() {
        return path;
    }

    /** The query string after {@code ?}, still encoded; empty if none. */
    public String rawQuery() {
        return rawQuery;
    }

    /** The protocol version ({@code HTTP/1.1} or {@code HTTP/1.0}). */
    public String version() {
        return version;
    }

    /** The header fields. */
    public Headers headers() {
        return headers;
    }

    /** The first value of header {@code name}, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The client's address. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** The query parameters, decoded, in order; a name may have several values. */
    public Map<String, List<String>> query() {
        if (query == null) {
            query = parseForm(rawQuery);
        }
        return query;
    }

    /** The first value of query parameter {@code name}, or null. */
    public String query(String name) {
        List<String> v = query().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The parameters the route's pattern matched ({@code {id}} in {@code /users/{id}}). */
    public Map<String, String> pathParams() {
        return pathParams;
    }

    /**
     * The path parameter {@code name}.
     *
     * @throws IllegalArgumentException if the route has no such parameter
     */
    public String pathParam(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalArgumentException("name not a path parameter of " + pathParams.keySet() + ": " + name);
        }
        return v;
    }

    void setPathParams(Map<String, String> params) {
        this.pathParams = Collections.unmodifiableMap(params);
    }

    /** True if the request declares a body (a Content-Length above 0, or chunked encoding). */
    public boolean hasBody() {
        String cl = headers.get("Content-Length");
        return (cl != null && !cl.trim().equals("0")) || headers.contains("Transfer-Encoding");
    }

    // ------------------------------------------------------------------ the body

    /**
     * The next piece of the body as it arrives, or null at its end (the lowest-level read; the
     * others build on it).
     *
     * @throws IOException if the connection fails or the client stops mid-body
     * @throws HttpError 400 if the chunked encoding is malformed, 413 past {@code maxBodyBytes}
     * @throws dev.aio4j.TimeoutError if no data came within the server's {@code bodyReadTimeout}
     */
    public byte[] readChunk() throws IOException {
        bodyTaken = true;
        ByteBuffer b = body.next();
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /**
     * The whole body.
     *
     * @throws HttpError 413 if it is larger than the server's {@code maxBodyBytes}, 400 if its
     *     chunked encoding is malformed
     * @throws IOException if the connection fails or the client stops mid-body
     */
    public byte[] bytes() throws IOException {
        checkUntaken();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] b; (b = readChunk()) != null; ) {
            all.write(b, 0, b.length);
        }
        return all.toByteArray();
    }

    /** The whole body decoded as UTF-8 (see {@link #bytes()}). */
    public String text() throws IOException {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /**
     * The body as an {@code application/x-www-form-urlencoded} form (aiohttp's
     * {@code await request.post()}).
     *
     * @throws HttpError 415 if the body has another type
     */
    public Map<String, List<String>> form() throws IOException {
        String type = headers.get("Content-Type", "");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new HttpError(
                    415,
                    "expected application/x-www-form-urlencoded, got " + (type.isEmpty() ? "no Content-Type" : type));
        }
        return parseForm(text());
    }

    /**
     * The body as an InputStream whose reads suspend only the calling task (aiohttp's
     * {@code request.content}). Not buffered beyond what the connection delivers.
     */
    public InputStream bodyStream() {
        checkUntaken();
        return new InputStream() {
            private ByteBuffer current;
            private boolean done;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (current == null || !current.hasRemaining()) {
                    if (done) {
                        return -1;
                    }
                    bodyTaken = true;
                    current = body.next();
                    if (current == null) {
                        done = true;
                        return -1;
                    }
                }
                int n = Math.min(len, current.remaining());
                current.get(b, off, n);
                return n;
            }
        };
    }

    private void checkUntaken() {
        if (bodyTaken) {
            throw new IllegalStateException("the body of " + this + " was already read");
        }
    }

    // ------------------------------------------------------------------ decoding

    static Map<String, List<String>> parseForm(String encoded) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decodeComponent(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decodeComponent(pair.substring(eq + 1));
            out.computeIfAbsent(k, x -> new ArrayList<>(1)).add(v);
        }
        return out;
    }

    private static String decodeComponent(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "bad percent-encoding in " + s);
        }
    }

    /** Percent-decodes a path; unlike a query, '+' stays '+'. */
    private static String decodePath(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        return decodeComponent(raw.replace("+", "%2B"));
    }

    @Override
    public String toString() {
        return "Request[" + method + " " + target + " " + version + "]";
    }
}
