package dev.aio4j;

import java.util.concurrent.CancellationException;

/**
 * Raised inside a task at the wait where its cancellation is delivered, and by {@code result()}
 * or {@code await()} of a cancelled task or future.
 *
 * <p>Differs from asyncio: asyncio's CancelledError derives from BaseException so that
 * {@code except Exception} does not catch it. Java has no such tier: this is an unchecked
 * {@link CancellationException}, so {@code catch (Exception e)} and {@code catch
 * (RuntimeException e)} do catch it. Code that catches broadly should rethrow it (or call
 * {@link Task#uncancel()} when it means to swallow a cancellation), as in asyncio.
 */
public class CancelledError extends CancellationException {
    private static final long serialVersionUID = 1L;

    public CancelledError() {
        super();
    }

    /** @param message the message given to {@code cancel(msg)}, or null */
    public CancelledError(String message) {
        super(message);
    }
}
