package dev.aio4j;

import java.util.concurrent.Callable;

/** Turns what the combinators accept into futures of one loop (asyncio's ensure_future). */
final class Awaitables {
    private Awaitables() {}

    /**
     * {@code aw} itself if it is a future; a new task of {@code loop} (the running loop when null)
     * for a {@link Callable} or {@link CheckedRunnable}.
     *
     * @throws IllegalArgumentException if a future belongs to another loop than {@code loop}, or
     *     {@code aw} is none of the accepted types
     */
    static Future<?> ensureFuture(Object aw, EventLoop loop) {
        if (aw instanceof Future<?> f) {
            if (loop != null && f.loop != loop) {
                throw new IllegalArgumentException("future of another loop than " + loop + ": " + f);
            }
            return f;
        }
        EventLoop l = loop != null ? loop : Aio.getRunningLoop();
        if (aw instanceof Callable<?> c) {
            return l.createTask(c);
        }
        if (aw instanceof CheckedRunnable r) {
            return l.createTask(Aio.asCallable(r));
        }
        throw new IllegalArgumentException("awaitable not a Future, Callable or CheckedRunnable: "
                + (aw == null ? "null" : aw.getClass().getName()));
    }
}
