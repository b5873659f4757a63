package dev.aio4j;

/**
 * Raised when a deadline passes: by a {@link Timeout} scope whose deadline cancelled its body, by
 * {@link Aio#waitFor} and by an {@link Aio#asCompleted} iteration that ran out of time (asyncio's
 * {@code TimeoutError}).
 *
 * <p>When a scope converts its own cancellation, the {@link CancelledError} that left the body
 * is the cause, as asyncio raises {@code TimeoutError from CancelledError}.
 *
 * <p>Differs from asyncio and from {@link java.util.concurrent.TimeoutException}: it is
 * unchecked, so that scopes taking lambdas compose without {@code throws} clauses, as
 * {@link CancelledError} is.
 */
public class TimeoutError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TimeoutError() {
        super();
    }

    public TimeoutError(String message) {
        super(message);
    }

    public TimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
