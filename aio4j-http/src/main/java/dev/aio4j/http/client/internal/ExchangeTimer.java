package dev.aio4j.http.client.internal;

import dev.aio4j.EventLoop;
import dev.aio4j.Timeout;
import dev.aio4j.TimeoutError;
import dev.aio4j.http.client.ClientTimeout;
import dev.aio4j.http.client.ClientTimeoutError;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/**
 * The total and read-idle deadlines of one request, applied to each wait of the task that runs
 * it (for the headers, then for each read of the body).
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Each wait runs in an aio4j {@link Timeout} scope whose deadline is the nearer of the total
 * deadline and "now + sockRead"; when bytes arrive while a wait is in progress,
 * {@link #progress()} pushes the scope's deadline on (the read-idle timer restarts). When the
 * scope expires, its deadline tells which kind passed: the total one if it was the total
 * deadline. The total deadline is set once, when the first connection slot is held
 * ({@link #startTotal()}), and stays for redirects and the body. Loop-confined.
 */
public final class ExchangeTimer {
    private static final long NEVER = Long.MAX_VALUE;

    private final EventLoop loop;
    private final Duration total;
    private final long sockReadNanos;
    private long totalDeadlineNanos = NEVER;
    private URI url;
    /** The scope of the wait in progress, or null. */
    private Timeout current;
    /** Time spent waiting for connection slots, all hops together. */
    private long queuedNanos;

    public ExchangeTimer(EventLoop loop, ClientTimeout timeout, URI url) {
        this.loop = loop;
        this.total = timeout.total();
        this.sockReadNanos = timeout.sockRead() == null ? NEVER : nanos(timeout.sockRead());
        this.url = url;
    }

    /** Starts the total deadline, if not started yet: called when a connection slot is held. */
    public void startTotal() {
        if (total != null && totalDeadlineNanos == NEVER) {
            totalDeadlineNanos = plus(loop.nanoTime(), nanos(total));
        }
    }

    /** Adds time spent waiting for a connection slot. */
    public void queued(long nanos) {
        queuedNanos += nanos;
    }

    /** Time spent waiting for connection slots so far. */
    public long queuedNanos() {
        return queuedNanos;
    }

    /** The URL named by the timeout errors (the current hop's). */
    public void url(URI url) {
        this.url = url;
    }

    /**
     * Runs one wait under the deadlines.
     *
     * @throws ClientTimeoutError if a deadline passed (the wait was cancelled)
     * @throws IOException as the body throws it (unwrapped from Timeout's CompletionException)
     */
    public <T> T run(Callable<T> body) throws IOException {
        long deadline = nextDeadline();
        Timeout scope =
                Timeout.after(deadline == NEVER ? null : Duration.ofNanos(Math.max(1, deadline - loop.nanoTime())));
        Timeout outer = current;
        current = scope;
        try {
            return scope.run(body);
        } catch (TimeoutError e) {
            if (!scope.expired() || e instanceof ClientTimeoutError) {
                throw e;
            }
            boolean totalPassed = scope.whenNanos() >= totalDeadlineNanos;
            throw totalPassed
                    ? new ClientTimeoutError(
                            ClientTimeoutError.Kind.TOTAL, url, "total timeout of " + total + " passed for " + url, e)
                    : new ClientTimeoutError(
                            ClientTimeoutError.Kind.SOCK_READ,
                            url,
                            "no data for " + Duration.ofNanos(sockReadNanos) + " (sockRead) from " + url,
                            e);
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        } finally {
            current = outer;
        }
    }

    /** Bytes of the response arrived: restarts the read-idle deadline of the wait in progress. */
    public void progress() {
        Timeout t = current;
        if (t != null && sockReadNanos != NEVER && t.state() == Timeout.State.ENTERED) {
            t.rescheduleNanos(nextDeadline());
        }
    }

    private long nextDeadline() {
        long idle = sockReadNanos == NEVER ? NEVER : plus(loop.nanoTime(), sockReadNanos);
        return Math.min(idle, totalDeadlineNanos);
    }

    private static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return NEVER - 1;
        }
    }

    private static long plus(long now, long nanos) {
        long sum = now + nanos;
        return ((now ^ sum) & (nanos ^ sum)) < 0 ? NEVER - 1 : sum;
    }
}
