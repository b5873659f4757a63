package dev.aio4j;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A scope that cancels its body when a deadline of the loop's time passes, and turns that
 * cancellation into a {@link TimeoutError} (asyncio's {@code timeout()}, {@code timeout_at()} and
 * {@code Timeout}).
 *
 * <pre>{@code
 * String page = Timeout.after(Duration.ofSeconds(5), () -> fetch(url));   // TimeoutError if late
 *
 * Optional<String> maybe = Timeout.moveOnAfter(Duration.ofSeconds(5), () -> fetch(url));
 *
 * Timeout t = Timeout.after(Duration.ofSeconds(5));     // the deadline is fixed here
 * t.run(() -> {
 *     while (more()) {
 *         t.reschedule(Duration.ofSeconds(5));           // push the deadline on progress
 *         step();
 *     }
 * });
 * }</pre>
 *
 * <p>Expiry cancels the task running the scope ({@link Task#cancel}), so the body's current or
 * next wait raises {@link CancelledError}; when that error leaves the body the scope replaces it
 * with a {@link TimeoutError} whose cause it is. Only the scope's own cancellation is converted:
 * it records {@link Task#cancelling()} on entry and, on exit, converts only if
 * {@link Task#uncancel()} brings the count back to that level. A cancellation from outside (an
 * enclosing timeout, a TaskGroup, {@code task.cancel()}) stays a CancelledError, and nested
 * scopes each convert only their own. A body inside a JDK blocking call ({@code Thread.sleep}, a
 * socket read, {@code HttpClient.send}, ...) is interrupted out of it, and whatever the call throws
 * because of that counts as the CancelledError (it is kept as its cause), so the scope raises a
 * TimeoutError there too (carrier mode; see docs/BLOCKING.md). If the body swallows the cancellation and returns, the
 * scope returns its value. The deadline is checked only at waits: a body that never waits is
 * never interrupted, and a body whose cleanup waits can overrun.
 *
 * <p>Differs from asyncio: a scope is a method taking the body as a lambda rather than an
 * {@code async with} block, because a Java try-with-resources cannot replace the exception
 * leaving its block. The deadline is a {@code double} of loop seconds as in asyncio, with
 * {@link Double#POSITIVE_INFINITY} for "none" instead of {@code None}; the Java forms need no
 * arithmetic on doubles: a {@link Duration} from now ({@link #after(Duration)},
 * {@link #reschedule(Duration)}), or an absolute deadline in the loop's nanoseconds
 * ({@link #atNanos(long)}, {@link #rescheduleNanos(long)}, on the scale of
 * {@link EventLoop#nanoTime()}) for a deadline computed once and shared by several scopes. When an exception other
 * than CancelledError leaves an expired scope (the body failed while being cancelled), asyncio
 * splices a TimeoutError into its {@code __context__} chain; Java chains cannot be rewritten, so
 * the TimeoutError is added to it as a suppressed exception. A checked exception of the body is
 * thrown wrapped in a {@link java.util.concurrent.CompletionException}, as {@link Future#await}
 * does. {@link #moveOnAfter} is Trio's {@code move_on_after}; Trio's {@code fail_after} is
 * {@link #after(Duration, Callable)} itself, so it has no second name here: one spelling per
 * meaning.
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   CREATED --run--> ENTERED --deadline--> EXPIRING --exit--> EXPIRED
 *                       |
 *                       +------exit------> EXITED
 * </pre>
 *
 * <p>Representation: {@code whenNanos} is the deadline in the loop's nanoseconds
 * ({@code NEVER} for none); {@code handle} the scheduled expiry callback while ENTERED;
 * {@code cancellingOnEntry} the task's cancellation count when the scope was entered.
 *
 * <p>Invariants:
 * <ol>
 *   <li>{@code handle} is non-null only in ENTERED with a deadline.
 *   <li>The scope cancels its task at most once (ENTERED to EXPIRING), and calls
 *       {@code uncancel()} exactly once for it, on exit.
 *   <li>Loop-affine: used only by the task that entered it.
 * </ol>
 *
 * <p>Not guaranteed: a deadline already past on entry expires at the next wait, not at once,
 * and a body that never waits never expires (asyncio's {@code timeout(0)} behaves the same).
 */
public final class Timeout {

    /** The scope's lifecycle; see the class notes. */
    public enum State {
        CREATED,
        ENTERED,
        EXPIRING,
        EXPIRED,
        EXITED
    }

    private static final long NEVER = Long.MAX_VALUE;

    private State state = State.CREATED;
    private long whenNanos;
    /**
     * The deadline exactly as given in loop seconds ({@link #at}, {@link #reschedule(double)}), so
     * that {@link #when()} returns it unchanged; NaN when it was given in nanoseconds or as a delay.
     */
    private double whenSeconds = Double.NaN;
    /** The delay {@link #after} was given, for the TimeoutError's message; null otherwise or once rescheduled. */
    private Duration delay;

    private EventLoop loop;
    private Task<?> task;
    private int cancellingOnEntry;
    private Handle handle;
    /** The TimeoutError this scope raised, so moveOn can tell it from an inner scope's. */
    private TimeoutError raised;

    private Timeout(EventLoop loop, long whenNanos) {
        this.loop = loop;
        this.whenNanos = whenNanos;
    }

    // ------------------------------------------------------------------ factories

    /**
     * A scope whose deadline is {@code delay} from now, fixed at this call (asyncio's
     * {@code timeout(delay)}); {@code null} means no deadline. Enter it with {@link #run}.
     *
     * @throws IllegalStateException if no loop runs here
     */
    public static Timeout after(Duration delay) {
        EventLoop loop = Aio.getRunningLoop();
        Timeout t = new Timeout(loop, delay == null ? NEVER : EventLoop.saturatedAdd(loop.nanoTime(), delay));
        t.delay = delay;
        return t;
    }

    /**
     * A scope whose deadline is {@code when}, in the seconds of {@link EventLoop#time()}
     * (asyncio's {@code timeout_at}); {@link Double#POSITIVE_INFINITY} means no deadline.
     */
    public static Timeout at(double when) {
        Timeout t = new Timeout(null, toNanos(when));
        t.whenSeconds = when;
        return t;
    }

    /**
     * A scope whose deadline is {@code whenNanos}, in the nanoseconds of
     * {@link EventLoop#nanoTime()}; {@code Long.MAX_VALUE} means no deadline. The exact form of
     * {@link #at(double)}: a deadline computed once ({@code loop.nanoTime() + budget}) and given
     * to several scopes is the same instant for each, with no rounding.
     */
    public static Timeout atNanos(long whenNanos) {
        return new Timeout(null, whenNanos);
    }

    /** Runs {@code body} with a deadline {@code delay} from now; see {@link #run(Callable)}. */
    public static <T> T after(Duration delay, Callable<T> body) {
        return after(delay).run(body);
    }

    /** Runs {@code body} with a deadline {@code delay} from now; see {@link #run(CheckedRunnable)}. */
    public static void after(Duration delay, CheckedRunnable body) {
        after(delay).run(body);
    }

    /** Runs {@code body} with the deadline {@code when} (loop seconds); see {@link #run(Callable)}. */
    public static <T> T at(double when, Callable<T> body) {
        return at(when).run(body);
    }

    /** Runs {@code body} with the deadline {@code when} (loop seconds). */
    public static void at(double when, CheckedRunnable body) {
        at(when).run(body);
    }

    /**
     * Runs {@code body} with a deadline {@code delay} from now and returns its value, or an empty
     * Optional if the deadline cancelled it (Trio's {@code move_on_after}): no exception on
     * expiry. The Optional is also empty when the body returns null. A cancellation from outside
     * still raises CancelledError, and an inner scope's TimeoutError passes through.
     */
    public static <T> Optional<T> moveOnAfter(Duration delay, Callable<T> body) {
        Timeout t = after(delay);
        try {
            return Optional.ofNullable(t.run(body));
        } catch (TimeoutError e) {
            if (e == t.raised) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * {@link #moveOnAfter(Duration, Callable)} for a body that returns nothing: true if the body
     * completed, false if the deadline cancelled it.
     */
    public static boolean moveOnAfter(Duration delay, CheckedRunnable body) {
        Objects.requireNonNull(body, "body");
        return moveOnAfter(delay, () -> {
                    body.run();
                    return Boolean.TRUE;
                })
                .isPresent();
    }

    // ------------------------------------------------------------------ the scope

    /**
     * Enters the scope, runs {@code body} in the current task and leaves the scope; returns the
     * body's value.
     *
     * @throws TimeoutError if this scope's deadline cancelled the body and the CancelledError
     *     left it (the CancelledError is the cause)
     * @throws CancelledError if the task was cancelled from outside
     * @throws IllegalStateException "Timeout has already been entered" on a second use, or
     *     "Timeout should be used inside a task" from a callback or a foreign thread
     */
    public <T> T run(Callable<T> body) {
        Objects.requireNonNull(body, "body");
        enter();
        T value;
        try {
            value = body.call();
        } catch (Throwable t) {
            throw Futures.unchecked(exit(t));
        }
        exit(null);
        return value;
    }

    /** {@link #run(Callable)} for a body that returns nothing. */
    public void run(CheckedRunnable body) {
        run(Aio.asCallable(body));
    }

    /**
     * Moves the deadline to {@code when} (loop seconds; {@link Double#POSITIVE_INFINITY}: none).
     * A deadline already past expires the scope at the task's next wait.
     *
     * @throws IllegalStateException unless the scope is entered and has not expired
     */
    public void reschedule(double when) {
        rescheduleNanos(toNanos(when));
        whenSeconds = when;
    }

    /**
     * Moves the deadline to {@code delay} from now ({@code null}: none), as {@link #after(Duration)}
     * fixes it; a TimeoutError then says it timed out after {@code delay}. A zero or negative delay
     * expires the scope at the task's next wait.
     *
     * @throws IllegalStateException unless the scope is entered and has not expired
     */
    public void reschedule(Duration delay) {
        long now = loop == null ? 0 : loop.nanoTime();
        rescheduleNanos(delay == null ? NEVER : EventLoop.saturatedAdd(now, delay));
        this.delay = delay;
    }

    /** {@link #reschedule(double)} in the loop's nanoseconds ({@code Long.MAX_VALUE}: none). */
    public void rescheduleNanos(long whenNanos) {
        if (state != State.ENTERED) {
            if (state == State.CREATED) {
                throw new IllegalStateException("Timeout has not been entered: " + this);
            }
            throw new IllegalStateException(
                    "Cannot change state of " + state.name().toLowerCase() + " Timeout: " + this);
        }
        this.whenSeconds = Double.NaN;
        this.delay = null;
        schedule(whenNanos);
    }

    /** Sets the deadline and its timer; call only in ENTERED. */
    private void schedule(long whenNanos) {
        this.whenNanos = whenNanos;
        if (handle != null) {
            handle.cancel();
            handle = null;
        }
        if (whenNanos != NEVER) {
            handle = whenNanos <= loop.nanoTime()
                    ? loop.callSoon(this::onTimeout)
                    : loop.callAtNanos(whenNanos, this::onTimeout);
        }
    }

    /**
     * The deadline in loop seconds, or {@link Double#POSITIVE_INFINITY} if there is none: exactly
     * the value given to {@link #at} or {@link #reschedule(double)} (asyncio's tests compare it with
     * {@code ==}), else the nanosecond deadline converted.
     */
    public double when() {
        if (!Double.isNaN(whenSeconds)) {
            return whenSeconds;
        }
        return whenNanos == NEVER ? Double.POSITIVE_INFINITY : whenNanos / 1e9;
    }

    /** The deadline in the loop's nanoseconds, or {@code Long.MAX_VALUE} if there is none. */
    public long whenNanos() {
        return whenNanos;
    }

    /** True once the deadline has cancelled the body (EXPIRING or EXPIRED). */
    public boolean expired() {
        return state == State.EXPIRING || state == State.EXPIRED;
    }

    /** The scope's state. */
    public State state() {
        return state;
    }

    private void enter() {
        if (state != State.CREATED) {
            throw new IllegalStateException("Timeout has already been entered: " + this);
        }
        Task<?> t = Task.current();
        if (t == null) {
            throw new IllegalStateException("Timeout should be used inside a task");
        }
        if (loop != null && loop != t.loop) {
            throw new IllegalStateException("Timeout created on " + loop + " used in a task of " + t.loop);
        }
        task = t;
        loop = t.loop;
        state = State.ENTERED;
        cancellingOnEntry = t.cancelling();
        schedule(whenNanos);
    }

    /** Leaves the scope; returns what should leave it, given that {@code failure} left the body. */
    private Throwable exit(Throwable failure) {
        if (failure != null) {
            failure = task.asCancellation(failure); // a JDK call broken by the cancellation's nudge
        }
        if (handle != null) {
            handle.cancel();
            handle = null;
        }
        if (state == State.EXPIRING) {
            state = State.EXPIRED;
            if (task.uncancel() <= cancellingOnEntry && failure != null) {
                if (failure instanceof CancelledError) {
                    raised = new TimeoutError(expiry() + " (" + this + ")", failure);
                    return raised;
                }
                failure.addSuppressed(new TimeoutError(expiry() + " while this exception was raised (" + this + ")"));
            }
        } else if (state == State.ENTERED) {
            state = State.EXITED;
        }
        return failure;
    }

    /** The deadline passed: cancel the task. Runs as a loop callback. */
    private void onTimeout() {
        if (state != State.ENTERED) {
            return;
        }
        handle = null;
        task.cancel();
        state = State.EXPIRING;
    }

    /** "timed out after 250 ms" for a delay, else "the deadline 12.5 (loop seconds) passed". */
    private String expiry() {
        if (delay != null) {
            long millis = delay.toMillis();
            return "timed out after " + (millis < 10_000 ? millis + " ms" : delay.toSeconds() + " s");
        }
        return "the deadline " + when() + " (loop seconds) passed";
    }

    private static long toNanos(double when) {
        if (Double.isNaN(when)) {
            throw new IllegalArgumentException("when is NaN");
        }
        if (when == Double.POSITIVE_INFINITY) {
            return NEVER;
        }
        double nanos = when * 1e9;
        return nanos >= Long.MAX_VALUE ? NEVER - 1 : (long) nanos;
    }

    @Override
    public String toString() {
        return "Timeout[" + state.name().toLowerCase() + (whenNanos == NEVER ? "]" : ", when=" + when() + "]");
    }
}
