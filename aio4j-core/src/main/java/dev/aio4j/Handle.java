package dev.aio4j;

/**
 * A callback scheduled on a loop by {@link EventLoop#callSoon}; cancel it to keep it from running.
 *
 * <p>Not thread-safe, like the loop's other objects; cancel from the loop.
 */
public class Handle {
    final Runnable callback;
    /**
     * The context the callback runs in: a copy of the scheduler's, taken when it was scheduled;
     * null for an empty one, made when first asked for.
     */
    Context context;

    boolean cancelled;
    /** Its place in the loop's one ready order: the task steps made ready before it (loop only). */
    long stepsBefore;

    Handle(Runnable callback) {
        this(callback, Context.captureForSchedule());
    }

    Handle(Runnable callback, Context context) {
        this.callback = callback;
        this.context = context;
    }

    /** What runs; a timer that is its own callback (a sleep's) answers itself. */
    Runnable callback() {
        return callback;
    }

    /** The context the callback runs in (asyncio's {@code Handle.get_context()}). */
    public Context getContext() {
        if (context == null) {
            context = new Context();
        }
        return context;
    }

    /** Keeps the callback from running; does nothing if it already ran or was cancelled. */
    public void cancel() {
        cancelled = true;
    }

    /** True once {@link #cancel()} was called. */
    public boolean cancelled() {
        return cancelled;
    }

    @Override
    public String toString() {
        return "Handle[" + callback() + (cancelled ? ", cancelled]" : "]");
    }
}
