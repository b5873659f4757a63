package dev.aio4j;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A result that will exist later, bound to one event loop (asyncio's Future). Made with
 * {@link EventLoop#createFuture()}; completed once, by {@link #setResult}, {@link #setException}
 * or {@link #cancel}.
 *
 * <p>Not thread-safe: every method but {@link #toCompletableFuture()} is loop-affine (see
 * {@link EventLoop}). Done callbacks never run inline: each is scheduled with {@code callSoon},
 * in the order they were added. Tasks waiting in {@link #await()} are woken directly, each in
 * its place among the callbacks (asyncio's task wake-up is a done callback too).
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   PENDING --setResult/setException--> FINISHED
 *      \------------cancel------------> CANCELLED
 * </pre>
 *
 * <p>{@code callbacks} holds the done callbacks and the waiting tasks in the order they came:
 * null, one element, or a list, so that the common case of one waiter allocates nothing. An
 * exception nobody retrieved is reported to the loop's exception handler when the future is
 * garbage-collected, as asyncio does; in debug mode the report adds where the future was created
 * (asyncio's {@code _source_traceback}), a stack taken by the constructor only then.
 *
 * <p>Differs from asyncio: {@code result()} and {@code await()} throw a checked exception of the
 * future wrapped in a {@link java.util.concurrent.CompletionException} (Java methods must
 * declare checked exceptions); unchecked exceptions and errors are thrown as they are.
 */
public class Future<T> {

    /** The future's lifecycle, named as in asyncio. */
    public enum State {
        PENDING,
        CANCELLED,
        FINISHED
    }

    private static final Cleaner CLEANER = Cleaner.create(
            r -> Thread.ofPlatform().daemon(true).name("aio4j-cleaner").unstarted(r));

    final EventLoop loop;
    State state = State.PENDING;
    private T result;
    /**
     * FINISHED: the exception it ended with, or null. CANCELLED: the CancelledError that
     * cancelled it, if one did (a raised cancellation chains to it), or null.
     */
    private Throwable exception;
    /**
     * CANCELLED: the cancellation's message. A pending Task keeps its undelivered request's
     * message here (asyncio's {@code _cancel_message}, which Task and Future share too).
     */
    String cancelMessage;
    /** Null, a DoneCallback or a waiting Task, or a CallbackList of them in the order added. */
    private Object callbacks;

    private Unretrieved unretrieved;
    /** Debug mode: where the future was created (asyncio's {@code _source_traceback}); else null. */
    private final Throwable creationSite;

    Future(EventLoop loop) {
        this.loop = loop;
        this.creationSite =
                loop.getDebug() ? Debug.creationSite(kind() + " created at (most recent call first):", false) : null;
    }

    /** "Future" or "Task", for reports. */
    String kind() {
        return "Future";
    }

    /** The loop this future is bound to. */
    public EventLoop getLoop() {
        return loop;
    }

    // ------------------------------------------------------------------ completing

    /**
     * Completes the future with {@code value} and schedules its callbacks.
     *
     * @throws InvalidStateError if the future is already done
     */
    public void setResult(T value) {
        loop.checkThread();
        if (state != State.PENDING) {
            throw new InvalidStateError("setResult() on a done future: " + this);
        }
        complete(value);
    }

    /**
     * Completes the future with {@code value} unless it is already done, and returns whether it
     * did: {@code if (!f.done()) f.setResult(value)} in one call, for a completer that may find
     * the future cancelled or completed by a rival (a timer racing a readiness callback, a
     * wake-up racing its waiter's cancellation). Not in asyncio, whose code writes that guard;
     * {@link CompletableFuture#complete} is the java.util.concurrent form.
     *
     * @return true if this call completed the future, false if it was already done
     */
    public boolean trySetResult(T value) {
        loop.checkThread();
        if (state != State.PENDING) {
            return false;
        }
        complete(value);
        return true;
    }

    /** The state transition to FINISHED with a result, shared with tasks. */
    final void complete(T value) {
        result = value;
        state = State.FINISHED;
        scheduleCallbacks();
    }

    /**
     * Completes the future with {@code exception}; {@code result()} and {@code await()} will
     * throw it.
     *
     * @throws InvalidStateError if the future is already done
     */
    public void setException(Throwable exception) {
        Objects.requireNonNull(exception, "exception");
        loop.checkThread();
        if (state != State.PENDING) {
            throw new InvalidStateError("setException() on a done future: " + this);
        }
        fail(exception);
    }

    /**
     * Completes the future with {@code exception} unless it is already done, and returns whether
     * it did; see {@link #trySetResult}.
     *
     * @return true if this call completed the future, false if it was already done
     */
    public boolean trySetException(Throwable exception) {
        Objects.requireNonNull(exception, "exception");
        loop.checkThread();
        if (state != State.PENDING) {
            return false;
        }
        fail(exception);
        return true;
    }

    /** The state transition to FINISHED with an exception, shared with tasks. */
    final void fail(Throwable exception) {
        this.exception = exception;
        state = State.FINISHED;
        String message = describeForReport();
        if (creationSite != null) {
            message = Debug.appendSite(new StringBuilder(message), creationSite).toString();
        }
        unretrieved = new Unretrieved(
                loop, exception, message, taskNameForReport(), this instanceof Task<?> task ? task.getContext() : null);
        unretrieved.cleanable = CLEANER.register(this, unretrieved);
        scheduleCallbacks();
    }

    /** Cancels the future; see {@link #cancel(String)}. */
    public boolean cancel() {
        return cancel(null);
    }

    /**
     * Cancels the future and schedules its callbacks; awaiters get a {@link CancelledError}
     * carrying {@code message}. Returns false if the future is already done.
     */
    public boolean cancel(String message) {
        loop.checkThread();
        return cancelFuture(message, null);
    }

    /** The state transition to CANCELLED, shared with tasks. */
    final boolean cancelFuture(String message, CancelledError error) {
        if (state != State.PENDING) {
            return false;
        }
        state = State.CANCELLED;
        cancelMessage = message;
        exception = error;
        scheduleCallbacks();
        return true;
    }

    // ------------------------------------------------------------------ reading

    /** True once the future has a result, an exception, or was cancelled. */
    public boolean done() {
        return state != State.PENDING;
    }

    /** True if the future was cancelled. */
    public boolean cancelled() {
        return state == State.CANCELLED;
    }

    /** The future's state. */
    public State state() {
        return state;
    }

    /**
     * The result; throws the future's exception if it has one.
     *
     * @throws CancelledError if the future was cancelled
     * @throws InvalidStateError if it is not done ("Result is not set.")
     */
    public T result() {
        switch (state) {
            case FINISHED -> {
                if (exception != null) {
                    markRetrieved();
                    throw Futures.unchecked(exception);
                }
                return result;
            }
            case CANCELLED -> throw makeCancelledError();
            default -> throw new InvalidStateError("Result is not set.");
        }
    }

    /**
     * The exception the future ended with, or null if it has a result.
     *
     * @throws CancelledError if the future was cancelled
     * @throws InvalidStateError if it is not done ("Exception is not set.")
     */
    public Throwable exception() {
        switch (state) {
            case FINISHED -> {
                markRetrieved();
                return exception;
            }
            case CANCELLED -> throw makeCancelledError();
            default -> throw new InvalidStateError("Exception is not set.");
        }
    }

    /** A new CancelledError for a cancelled future, chained to the one that cancelled it. */
    CancelledError makeCancelledError() {
        CancelledError e = new CancelledError(cancelMessage);
        if (exception != null) {
            e.initCause(exception);
        }
        return e;
    }

    private void markRetrieved() {
        Unretrieved u = unretrieved;
        if (u != null) {
            unretrieved = null;
            u.retrieved = true;
            u.cleanable.clean(); // unregisters; run() sees retrieved and reports nothing
        }
    }

    /**
     * True if this future ended with an exception that nobody has retrieved yet (through
     * {@code result()}, {@code exception()}, {@code await()} or a CompletableFuture); such an
     * exception is reported to the loop's exception handler when the future is garbage-collected.
     * Asking does not retrieve it. For test support: aio4j-test fails a test that leaves one.
     */
    public boolean hasUnretrievedException() {
        return unretrieved != null;
    }

    /** True if the future ended with an exception; does not retrieve it. */
    final boolean hasExceptionUnsafe() {
        return state == State.FINISHED && exception != null;
    }

    /** Read without the thread check, for another thread's benign racy peek. */
    boolean cancelledUnsafe() {
        return state == State.CANCELLED;
    }

    // ------------------------------------------------------------------ waiting

    /**
     * Waits, suspending only the calling task, until the future is done, and returns its result.
     * A done future returns at once without letting other tasks run, as in asyncio.
     *
     * @throws CancelledError if the future was cancelled, or the waiting task was cancelled
     * @throws IllegalStateException if not called from a task of this future's loop
     */
    public T await() {
        if (state == State.PENDING) {
            awaitingTask("await()").waitFor(this);
        }
        return result();
    }

    /**
     * {@link #await()} with a time limit, in one call: waits, suspending only the calling task,
     * at most {@code timeout} of loop time. When the time passes first, this future is left
     * alone (not cancelled; a task keeps running) and TimeoutError is thrown, so the caller may
     * await it again or cancel it. A done future returns at once whatever the timeout; a zero or
     * negative timeout lets the loop run once and then decides.
     *
     * <p>Differs from {@link Aio#waitFor(Future, Duration)}, which is asyncio's
     * {@code wait_for}: that one cancels the future when the time passes and waits for it to
     * end. asyncio has no single call for this one; it is {@code asyncio.wait({f}, timeout=t)}
     * followed by a check, or {@code java.util.concurrent.Future.get(timeout, unit)} without the
     * blocking. It is not an overload of {@code await}: with one {@code await} method,
     * {@code task::await} stays an exact method reference, which {@code Aio.createTask(f::await)}
     * and {@code Timeout.run(f::await)} need to pick between their Callable and CheckedRunnable
     * forms.
     *
     * @throws TimeoutError if the future is not done after {@code timeout}; the message gives
     *     the timeout
     * @throws CancelledError if the future was cancelled, or the waiting task was cancelled (the
     *     future is then left alone)
     * @throws IllegalStateException if not called from a task of this future's loop
     */
    public T awaitWithin(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (state == State.PENDING) {
            awaitingTask("awaitWithin()");
            Wait.await(List.of(this), timeout, ReturnWhen.ALL_COMPLETED);
            if (state == State.PENDING) {
                throw new TimeoutError("not done after " + timeout + ": " + this);
            }
        }
        return result();
    }

    /** The current task, checked to be one that may wait for this future. */
    private Task<?> awaitingTask(String call) {
        Task<?> task = Task.currentOrThrow(call);
        if (task.loop != loop) {
            throw new IllegalStateException(
                    "Task " + task.getName() + " got Future " + this + " attached to a different loop");
        }
        if (task == this) {
            throw new IllegalStateException("Task cannot await on itself: " + this);
        }
        return task;
    }

    /** Called by a task that is about to park on this future. */
    final void addWaiter(Task<?> task) {
        addCallbackEntry(task);
    }

    /** Appends a DoneCallback or a waiting Task to {@code callbacks}. */
    private void addCallbackEntry(Object entry) {
        Object c = callbacks;
        if (c == null) {
            callbacks = entry;
        } else if (c instanceof CallbackList list) {
            list.add(entry);
        } else {
            CallbackList list = new CallbackList();
            list.add(c);
            list.add(entry);
            callbacks = list;
        }
    }

    // ------------------------------------------------------------------ callbacks

    /**
     * Calls {@code callback} with this future once it is done, through {@code callSoon} (never
     * inline, also when the future is already done).
     */
    public void addDoneCallback(Consumer<? super Future<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        loop.checkThread();
        if (state != State.PENDING) {
            loop.callSoonOnLoop(() -> callback.accept(this));
            return;
        }
        addCallbackEntry(new DoneCallback(callback, Context.captureForSchedule()));
    }

    /** A done callback and the context it was added from, which it runs in (asyncio). */
    private record DoneCallback(Consumer<?> callback, Context context) {}

    /** Removes every registration of {@code callback}; returns how many were removed. */
    public int removeDoneCallback(Consumer<? super Future<T>> callback) {
        loop.checkThread();
        Object c = callbacks;
        if (c == null) {
            return 0;
        }
        if (c instanceof CallbackList list) {
            int before = list.size();
            list.removeIf(x -> x instanceof DoneCallback d && d.callback() == callback);
            return before - list.size();
        }
        if (c instanceof DoneCallback d && d.callback() == callback) {
            callbacks = null;
            return 1;
        }
        return 0;
    }

    /** The awaiters recorded by done callbacks that stand for await edges (gather, TaskGroup); for the task tree. */
    final void collectAwaitedBy(List<Object> into) {
        for (Object entry : callbackEntries()) {
            if (entry instanceof DoneCallback d && d.callback() instanceof AwaitedBy a) {
                into.add(a.awaiter());
            }
        }
    }

    /** The tasks parked in {@link #await()} on this future; for the task tree. */
    final List<Task<?>> waitingTasks() {
        List<Task<?>> tasks = new ArrayList<>();
        for (Object entry : callbackEntries()) {
            if (entry instanceof Task<?> t) {
                tasks.add(t);
            }
        }
        return tasks;
    }

    /** The entries of {@code callbacks} (done callbacks and waiting tasks), as a list. */
    private List<Object> callbackEntries() {
        Object c = callbacks;
        return c == null ? List.of() : c instanceof CallbackList list ? list : List.of(c);
    }

    /** A list of callbacks, distinct from a user's Consumer that happens to be an ArrayList. */
    private static final class CallbackList extends ArrayList<Object> {}

    private void scheduleCallbacks() {
        Object c = callbacks;
        if (c != null) {
            callbacks = null;
            if (c instanceof CallbackList list) {
                for (Object entry : list) {
                    schedule(entry);
                }
            } else {
                schedule(c);
            }
        }
    }

    /** Makes one entry of {@code callbacks} ready, in the loop's one ready order. */
    @SuppressWarnings("unchecked")
    private void schedule(Object entry) {
        if (entry instanceof Task<?> waiter) {
            waiter.wake();
        } else {
            DoneCallback done = (DoneCallback) entry;
            Consumer<? super Future<T>> consumer = (Consumer<? super Future<T>>) done.callback();
            loop.callSoonOnLoop(() -> consumer.accept(this), done.context());
        }
    }

    // ------------------------------------------------------------------ bridges

    /**
     * This future seen from any thread as a CompletableFuture, completed on the loop when this
     * future is done (cancelled maps to cancelled). Cancelling the CompletableFuture does not
     * cancel this future. Any thread.
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>();
        Runnable hook = () -> addDoneCallback(f -> copyTo(cf));
        if (loop.onLoop() || !loop.isRunning()) {
            hook.run();
        } else {
            loop.callSoonThreadsafe(hook);
        }
        return cf;
    }

    /** Completes {@code cf} like this (done) future. */
    final void copyTo(CompletableFuture<? super T> cf) {
        if (state == State.CANCELLED) {
            cf.completeExceptionally(makeCancelledError());
        } else if (exception != null) {
            markRetrieved();
            cf.completeExceptionally(exception);
        } else {
            cf.complete(result);
        }
    }

    // ------------------------------------------------------------------ reporting

    String describeForReport() {
        return "Future exception was never retrieved";
    }

    String taskNameForReport() {
        return null;
    }

    /** The report of an exception nobody retrieved; runs on the Cleaner thread. */
    private static final class Unretrieved implements Runnable {
        final EventLoop loop;
        final Throwable exception;
        final String message;
        final String taskName;
        /** The failed task's context, which the exception handler runs in (asyncio 3.12). */
        final Context context;

        Cleaner.Cleanable cleanable;
        volatile boolean retrieved;

        Unretrieved(EventLoop loop, Throwable exception, String message, String taskName, Context context) {
            this.loop = loop;
            this.exception = exception;
            this.message = message;
            this.taskName = taskName;
            this.context = context;
        }

        @Override
        public void run() {
            // Runs from clean() on retrieval, or on the Cleaner thread after garbage collection.
            if (!retrieved) {
                ExceptionContext report = new ExceptionContext(message, exception, null, null, taskName);
                if (context != null) {
                    // Scheduled from a copy of the task's context, the report runs in one.
                    context.copy().run(() -> loop.reportFromAnyThread(report));
                } else {
                    loop.reportFromAnyThread(report);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Future[" + stateText() + "]";
    }

    String stateText() {
        return switch (state) {
            case PENDING -> "pending";
            case CANCELLED -> "cancelled";
            case FINISHED -> exception != null ? "exception=" + exception : "result=" + result;
        };
    }
}
