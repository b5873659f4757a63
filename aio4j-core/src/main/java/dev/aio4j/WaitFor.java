package dev.aio4j;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@link Aio#waitFor}: asyncio 3.12's {@code wait_for}, built on {@link Timeout}.
 *
 * <p>With a positive timeout (or none) it is {@code Timeout.after(timeout).run(...)}: a callable
 * runs inline in the caller's task, a future is awaited inside the scope. On expiry the task is
 * cancelled, which cancels the awaited future, and the call returns only once that inner work has
 * finished; a value returned by an inner body that suppressed the cancellation is returned, and
 * an exception it raised instead passes through.
 *
 * <p>With a zero or negative timeout: a done future gives its result at once; otherwise the
 * future (a callable becomes a task first, which therefore never starts) is cancelled and waited
 * for, then its result is returned if it survived, or a TimeoutError raised.
 */
final class WaitFor {
    private WaitFor() {}

    static <T> T future(Future<T> fut, Duration timeout) {
        Objects.requireNonNull(fut, "fut");
        if (timeout != null && !timeout.isPositive()) {
            return cancelAndWait(fut);
        }
        return Timeout.after(timeout).run(fut::await);
    }

    static <T> T callable(Callable<T> body, Duration timeout) {
        Objects.requireNonNull(body, "body");
        if (timeout != null && !timeout.isPositive()) {
            return cancelAndWait(Aio.getRunningLoop().createTask(body));
        }
        return Timeout.after(timeout).run(body);
    }

    private static <T> T cancelAndWait(Future<T> fut) {
        Task.currentOrThrow("Aio.waitFor()");
        if (fut.done()) {
            return fut.result();
        }
        Future<Void> waiter = fut.loop.createFuture();
        java.util.function.Consumer<Future<T>> release = f -> waiter.trySetResult(null);
        fut.addDoneCallback(release);
        try {
            fut.cancel();
            waiter.await(); // not fut itself, so that cancelling this wait does not re-cancel fut
        } finally {
            fut.removeDoneCallback(release);
        }
        try {
            return fut.result();
        } catch (CancelledError e) {
            throw new TimeoutError("waitFor() timed out: " + fut, e);
        }
    }
}
