package dev.aio4j.http.client;

import java.lang.reflect.Type;

/**
 * How a session turns values into JSON text and back, plugged by the user so that aio4j-http
 * depends on no JSON library: a few lines over Jackson's {@code ObjectMapper} or Gson.
 *
 * <pre>{@code
 * ObjectMapper mapper = new ObjectMapper();
 * JsonCodec jackson = new JsonCodec() {
 *     public String encode(Object value) throws Exception { return mapper.writeValueAsString(value); }
 *     public Object decode(String json, Type type) throws Exception {
 *         return mapper.readValue(json, mapper.constructType(type));
 *     }
 * };
 * HttpSession session = HttpSession.builder().jsonCodec(jackson).build();
 * }</pre>
 *
 * <p>A codec must be safe to call from any task of the session's loop; it runs on the loop, so
 * it should be quick. An exception it throws reaches the caller of {@code json()} or
 * {@code send()} unchanged (checked ones wrapped in {@link java.io.UncheckedIOException} or
 * {@link java.util.concurrent.CompletionException}).
 */
public interface JsonCodec {

    /** The JSON text of {@code value}. */
    String encode(Object value) throws Exception;

    /** The value of {@code json} as {@code type} ({@code Object.class}: the codec's own tree). */
    Object decode(String json, Type type) throws Exception;
}
