package dev.aio4j.http.server;

/**
 * Code around every handler of a {@link Router} (aiohttp's {@code @web.middleware}): logging,
 * error pages, timing, authentication. It calls {@code next.handle(request)} to go on, or
 * answers by itself; it may change the response that comes back.
 *
 * <pre>{@code
 * router.use((request, next) -> {
 *     long t0 = System.nanoTime();
 *     Response r = next.handle(request);
 *     return r.header("Server-Timing", "app;dur=" + (System.nanoTime() - t0) / 1e6);
 * });
 * }</pre>
 */
@FunctionalInterface
public interface Middleware {
    Response handle(Request request, Handler next) throws Exception;
}
