package dev.aio4j.http.server;

import dev.aio4j.http.Headers;
import dev.aio4j.http.HttpStatus;
import dev.aio4j.http.websocket.WebSocketHandler;
import dev.aio4j.http.websocket.WebSocketOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a handler answers (aiohttp's {@code web.Response}, {@code web.StreamResponse} and
 * {@code web.FileResponse} in one builder): a status, header fields and a body of bytes, text, a
 * stream or a file.
 *
 * <pre>{@code
 * return Response.text("hello");
 * return Response.json("{\"id\": 7}").status(201).header("Location", "/users/7");
 * return Response.stream("text/plain", out -> { for (...) out.write(line); });
 * return Response.file(Path.of("report.pdf"));
 * }</pre>
 *
 * <p>The server adds {@code Content-Length} (or chunked encoding for a stream of unknown
 * length), {@code Date} and {@code Connection}; a handler should not set them. Bodies are
 * left out for HEAD requests and for 204 and 304 answers. Not thread-safe: build it in the
 * handler's task.
 */
public final class Response {

    /** A response body. */
    public sealed interface Body permits Bytes, Stream, File, Upgrade {}

    /** A body held in memory. */
    public record Bytes(byte[] data) implements Body {}

    /** A body written by {@code writer}; {@code length} is -1 when unknown (chunked). */
    public record Stream(BodyWriter writer, long length) implements Body {}

    /** The contents of a file, read off the loop. */
    public record File(Path path) implements Body {}

    /** A WebSocket upgrade: after the 101 answer the connection belongs to {@code handler}. */
    public record Upgrade(WebSocketHandler handler, WebSocketOptions options) implements Body {}

    private static final byte[] NO_BYTES = new byte[0];

    private int status;
    private final Headers headers = new Headers();
    private Body body;

    private Response(int status, Body body) {
        status(status);
        this.body = body;
    }

    /** An empty response with {@code status}. */
    public static Response of(int status) {
        return new Response(status, new Bytes(NO_BYTES));
    }

    /** 200 with {@code text} as {@code text/plain; charset=utf-8}. */
    public static Response text(String text) {
        return bytes(text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    /** {@code status} with {@code text} as {@code text/plain; charset=utf-8}. */
    public static Response text(int status, String text) {
        return text(text).status(status);
    }

    /** 200 with {@code html} as {@code text/html; charset=utf-8}. */
    public static Response html(String html) {
        return bytes(html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
    }

    /** 200 with {@code json} (already serialised) as {@code application/json}. */
    public static Response json(String json) {
        return bytes(json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    /** 200 with {@code data} as {@code contentType} (none if null). */
    public static Response bytes(byte[] data, String contentType) {
        Response r = new Response(200, new Bytes(Objects.requireNonNull(data, "data")));
        if (contentType != null) {
            r.headers.set("Content-Type", contentType);
        }
        return r;
    }

    /** 200 with a body of unknown length streamed by {@code writer} (chunked encoding). */
    public static Response stream(String contentType, BodyWriter writer) {
        return stream(contentType, -1, writer);
    }

    /**
     * 200 with a body of {@code length} bytes streamed by {@code writer}; -1 for unknown.
     * Writing more or fewer bytes than {@code length} aborts the connection.
     */
    public static Response stream(String contentType, long length, BodyWriter writer) {
        if (length < -1) {
            throw new IllegalArgumentException("length < -1: " + length);
        }
        Response r = new Response(200, new Stream(Objects.requireNonNull(writer, "writer"), length));
        if (contentType != null) {
            r.headers.set("Content-Type", contentType);
        }
        return r;
    }

    /**
     * 200 with the contents of {@code path}, its type guessed from the name. The file is opened
     * when the response is sent; if it is gone by then the answer is 404.
     */
    public static Response file(Path path) {
        Response r = new Response(200, new File(Objects.requireNonNull(path, "path")));
        r.headers.set(
                "Content-Type",
                MediaTypes.guess(
                        path.getFileName() == null ? "" : path.getFileName().toString()));
        return r;
    }

    /** A redirect ({@code 302 Found} unless changed) to {@code location}. */
    public static Response redirect(String location) {
        return of(302).header("Location", location);
    }

    /** The 101 answer that hands the connection to a WebSocket handler (used by {@link Router}). */
    static Response upgrade(WebSocketHandler handler, WebSocketOptions options) {
        return new Response(101, new Upgrade(handler, options));
    }

    /**
     * Sets the status.
     *
     * @throws IllegalArgumentException if not in 100..599
     */
    public Response status(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status not in 100..599: " + status);
        }
        this.status = status;
        return this;
    }

    /** Adds a header field. */
    public Response header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /** Sets {@code Content-Type}. */
    public Response contentType(String contentType) {
        headers.set("Content-Type", contentType);
        return this;
    }

    /** The status. */
    public int status() {
        return status;
    }

    /** The header fields, to read or change. */
    public Headers headers() {
        return headers;
    }

    /** The body. */
    public Body body() {
        return body;
    }

    @Override
    public String toString() {
        return "Response[" + status + " " + HttpStatus.reason(status) + ", "
                + body.getClass().getSimpleName() + "]";
    }
}
