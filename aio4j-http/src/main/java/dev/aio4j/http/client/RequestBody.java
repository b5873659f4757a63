package dev.aio4j.http.client;

import dev.aio4j.http.client.internal.Urls;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * The body of a request and its Content-Type (aiohttp's {@code data=}, {@code json=} arguments):
 * text, bytes, a form, JSON through the session's {@link JsonCodec}, or a JDK
 * {@link HttpRequest.BodyPublisher} for a body produced as it is sent.
 *
 * <pre>{@code
 * session.post("/users", RequestBody.json(Map.of("name", "ada")));
 * session.post("/login", RequestBody.form(Map.of("user", "ada", "password", secret)));
 * }</pre>
 */
public final class RequestBody {
    private final String contentType;
    private final byte[] bytes;
    private final Object json;
    private final HttpRequest.BodyPublisher publisher;

    private RequestBody(String contentType, byte[] bytes, Object json, HttpRequest.BodyPublisher publisher) {
        this.contentType = contentType;
        this.bytes = bytes;
        this.json = json;
        this.publisher = publisher;
    }

    /** {@code text} as UTF-8, {@code text/plain; charset=utf-8}. */
    public static RequestBody text(String text) {
        return new RequestBody("text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), null, null);
    }

    /** {@code bytes} as {@code application/octet-stream}. */
    public static RequestBody bytes(byte[] bytes) {
        return bytes(bytes, "application/octet-stream");
    }

    /** {@code bytes} with {@code contentType}. */
    public static RequestBody bytes(byte[] bytes, String contentType) {
        return new RequestBody(Objects.requireNonNull(contentType, "contentType"), bytes.clone(), null, null);
    }

    /** {@code value} encoded by the session's {@link JsonCodec}, {@code application/json}. */
    public static RequestBody json(Object value) {
        return new RequestBody("application/json", null, value == null ? JsonNull.INSTANCE : value, null);
    }

    /** {@code fields} as {@code application/x-www-form-urlencoded} (values through {@code String.valueOf}). */
    public static RequestBody form(Map<String, ?> fields) {
        return new RequestBody(
                "application/x-www-form-urlencoded", Urls.form(fields).getBytes(StandardCharsets.UTF_8), null, null);
    }

    /**
     * A body the JDK client pulls from {@code publisher} as it sends (a file, a stream). It is sent
     * again on a 307 or 308 redirect, so it must be able to publish twice.
     */
    public static RequestBody publisher(HttpRequest.BodyPublisher publisher, String contentType) {
        return new RequestBody(
                Objects.requireNonNull(contentType, "contentType"),
                null,
                null,
                Objects.requireNonNull(publisher, "publisher"));
    }

    /** The Content-Type header this body is sent with. */
    public String contentType() {
        return contentType;
    }

    /** Encodes JSON once, before the first send: the same bytes go out again on a redirect. */
    RequestBody encoded(JsonCodec codec) {
        if (json == null) {
            return this;
        }
        if (codec == null) {
            throw new IllegalStateException(
                    "a JSON body needs a JsonCodec: set one with HttpSession.builder().jsonCodec(...)");
        }
        String text;
        try {
            text = codec.encode(json == JsonNull.INSTANCE ? null : json);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
        return new RequestBody(contentType, text.getBytes(StandardCharsets.UTF_8), null, null);
    }

    HttpRequest.BodyPublisher publisher() {
        return publisher != null ? publisher : HttpRequest.BodyPublishers.ofByteArray(bytes);
    }

    /** Stands for a JSON {@code null}: a null field means "not JSON". */
    private enum JsonNull {
        INSTANCE
    }

    @Override
    public String toString() {
        return "RequestBody[" + contentType + (bytes != null ? ", " + bytes.length + " bytes" : "") + "]";
    }
}
