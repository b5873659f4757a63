package dev.aio4j;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * A scope that owns the tasks created in it and returns only when every one of them is done
 * (asyncio's {@code TaskGroup}).
 *
 * <pre>{@code
 * TaskGroup.run(tg -> {
 *     tg.createTask(() -> serve(a));
 *     tg.createTask(() -> serve(b));
 * });                                  // both are done here
 * }</pre>
 *
 * <p>If a child fails (with anything but CancelledError), the group cancels every other child and
 * the task running the body; children cancelled before their first step never run. The body's
 * CancelledError caused by the group is swallowed. Once every child is done, the failures are
 * thrown together as one {@link TaskGroupException}: the children's in the order they failed,
 * then the body's. A failure of the body itself aborts the group the same way.
 *
 * <p>External cancellation (of the task running the group) cancels the children too; the group
 * then rethrows the CancelledError once they are done, unless there were failures, which win: the
 * TaskGroupException is thrown and the task's cancellation request is kept pending, to be
 * delivered at its next wait with {@link Task#cancelling()} unchanged (asyncio 3.13).
 *
 * <p>Tasks may be created from the body and from the children while the group waits; once the
 * group is aborting or finished, {@link #createTask} fails.
 *
 * <p>Differs from asyncio: the scope is a method taking the body as a lambda (a try-with-resources
 * cannot replace the body's exception). asyncio rethrows KeyboardInterrupt and SystemExit bare;
 * aio4j does so with any {@link Error} (OutOfMemoryError, StackOverflowError, AssertionError...),
 * dropping the other failures. A failure is collected even when it is the only one.
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   ENTERED --body returns--> EXITING --no child left--> FINISHED
 *      |                         |                          ^
 *      | a child fails, the body | a child fails, or the    |
 *      | throws, or the parent   | parent is cancelled      |
 *      | is cancelled            |                          |
 *      v                         v                          |
 *   ABORTING: every child cancelled, the parent at most once --no child left--+
 * </pre>
 *
 * <p>{@link State} names these states, and so do {@code toString()} and the errors of
 * {@link #createTask}. An EXITING group whose last child is done is already finished for
 * {@code createTask} and {@code toString()}, as asyncio's is; the field becomes FINISHED when
 * {@code run} returns or throws.
 *
 * <p>Representation: {@code tasks} holds the unfinished children; {@code errors} the failures in
 * order; {@code onCompleted} is the future the exiting body waits on, completed when
 * {@code tasks} empties; {@code parentCancelRequested} records that the group cancelled its
 * parent, which it then matches with one {@code uncancel()}.
 *
 * <p>Invariants:
 * <ol>
 *   <li>The group cancels its parent at most once.
 *   <li>ABORTING is left only for FINISHED, which is never left; in either no child can be added.
 *   <li>Loop-affine: every field is touched only by strands of the parent's loop.
 * </ol>
 */
public final class TaskGroup {

    /** The body of a group that returns nothing. */
    @FunctionalInterface
    public interface Body {
        void run(TaskGroup tg) throws Exception;
    }

    /** The body of a group that returns a value. */
    @FunctionalInterface
    public interface ResultBody<T> {
        T call(TaskGroup tg) throws Exception;
    }

    /** The group's lifecycle (see the diagram in the class notes). */
    enum State {
        ENTERED,
        EXITING,
        ABORTING,
        FINISHED
    }

    private final EventLoop loop;
    private final Task<?> parent;
    private State state = State.ENTERED;
    private boolean parentCancelRequested;
    private final Set<Task<?>> tasks = new LinkedHashSet<>();
    private List<Throwable> errors = new ArrayList<>();
    private Error baseError;
    private Future<Boolean> onCompleted;
    /** The done callback on every child; it also tells the task tree that the parent awaits them. */
    private final ChildDone childDone = new ChildDone();

    private TaskGroup(Task<?> parent) {
        this.parent = parent;
        this.loop = parent.loop;
    }

    /**
     * Runs {@code body} with a new group in the current task and returns once every child is
     * done.
     *
     * @throws TaskGroupException if children or the body failed (see the class comment)
     * @throws CancelledError if the task was cancelled from outside and nothing failed
     * @throws Error the first JVM Error of a child or the body, as it is
     * @throws IllegalStateException if not called from a task
     */
    public static void run(Body body) {
        Objects.requireNonNull(body, "body");
        call(tg -> {
            body.run(tg);
            return null;
        });
    }

    /** {@link #run(Body)} for a body that returns a value; the value is returned if nothing failed. */
    public static <T> T call(ResultBody<T> body) {
        Objects.requireNonNull(body, "body");
        TaskGroup tg = new TaskGroup(Task.currentOrThrow("TaskGroup.run()"));
        T value = null;
        Throwable failure = null;
        try {
            value = body.call(tg);
        } catch (Throwable t) {
            failure = tg.parent.asCancellation(t); // a JDK call broken by the cancellation's nudge
        }
        try {
            tg.exit(failure);
        } finally {
            tg.state = State.FINISHED;
        }
        return value;
    }

    // ------------------------------------------------------------------ children

    /**
     * Creates a child task of this group (through the loop's task factory).
     *
     * @throws IllegalStateException if the group is finished, or aborting after a failure or a cancellation
     */
    public <T> Task<T> createTask(Callable<T> body) {
        return createTask(body, null);
    }

    /** {@link #createTask(Callable)} with a name ({@code null}: "Task-N"). */
    public <T> Task<T> createTask(Callable<T> body, String name) {
        Objects.requireNonNull(body, "body");
        checkOpen();
        return adopt(loop.createTask(body, name));
    }

    /**
     * {@link #createTask(Callable, String)} running in {@code context} (shared, not copied; null:
     * a copy of the current one), as asyncio's {@code TaskGroup.create_task(coro, context=ctx)}.
     */
    public <T> Task<T> createTask(Callable<T> body, String name, Context context) {
        Objects.requireNonNull(body, "body");
        checkOpen();
        return adopt(loop.createTask(body, name, context));
    }

    /** {@link #createTask(Callable)} for a body that returns nothing. */
    public Task<Void> createTask(CheckedRunnable body) {
        return createTask(body, null);
    }

    /** {@link #createTask(CheckedRunnable)} with a name. */
    public Task<Void> createTask(CheckedRunnable body, String name) {
        Objects.requireNonNull(body, "body");
        checkOpen();
        return adopt(loop.createTask(body, name));
    }

    /** The state, where an EXITING group with no child left counts as FINISHED (asyncio's rule). */
    private State visibleState() {
        return state == State.EXITING && tasks.isEmpty() ? State.FINISHED : state;
    }

    private void checkOpen() {
        if (visibleState() == State.FINISHED) {
            throw new IllegalStateException("createTask() on a finished group: " + this);
        }
        if (state == State.ABORTING) {
            throw new IllegalStateException("createTask() on an aborting group: " + this);
        }
    }

    private <T> Task<T> adopt(Task<T> task) {
        if (task.done()) {
            onTaskDone(task); // an eager task that finished inside createTask
        } else {
            tasks.add(task);
            task.addDoneCallback(childDone);
        }
        return task;
    }

    /** A child is done; runs on the loop. */
    private final class ChildDone implements java.util.function.Consumer<Future<?>>, AwaitedBy {
        @Override
        public void accept(Future<?> child) {
            onTaskDone(child);
        }

        @Override
        public Object awaiter() {
            return parent;
        }
    }

    private void onTaskDone(Future<?> future) {
        Task<?> task = (Task<?>) future;
        tasks.remove(task);
        if (onCompleted != null && tasks.isEmpty() && !onCompleted.done()) {
            onCompleted.complete(true);
        }
        if (task.cancelled()) {
            return;
        }
        Throwable e = task.exception();
        if (e == null) {
            return;
        }
        errors.add(e);
        if (e instanceof Error err && baseError == null) {
            baseError = err;
        }
        if (parent.done()) {
            loop.callExceptionHandler(new ExceptionContext(
                    "Task " + task + " has errored out but its parent task " + parent + " is already completed",
                    e,
                    task,
                    null,
                    task.getName()));
            return;
        }
        if (state != State.ABORTING && !parentCancelRequested) {
            abort();
            parentCancelRequested = true;
            parent.cancel();
        }
    }

    /** Enters ABORTING: cancels every child. */
    private void abort() {
        state = State.ABORTING;
        for (Task<?> t : tasks) {
            if (!t.done()) {
                t.cancel();
            }
        }
    }

    // ------------------------------------------------------------------ leaving

    /** asyncio's {@code __aexit__}: {@code failure} is what left the body, or null. */
    private void exit(Throwable failure) {
        if (state == State.ENTERED) {
            state = State.EXITING;
        }
        if (failure instanceof Error err && baseError == null) {
            baseError = err;
        }
        CancelledError propagate = failure instanceof CancelledError ce ? ce : null;
        if (failure != null && state != State.ABORTING) {
            abort();
        }
        while (!tasks.isEmpty()) {
            if (onCompleted == null) {
                onCompleted = loop.createFuture();
            }
            parent.strand.waitingFor = this; // the task tree shows the group, not a bare future
            try {
                onCompleted.await();
            } catch (CancelledError e) {
                if (state != State.ABORTING) {
                    propagate = e;
                    abort();
                }
            } finally {
                parent.strand.waitingFor = null;
            }
            onCompleted = null;
        }
        if (baseError != null) {
            throw baseError;
        }
        if (parentCancelRequested && parent.uncancel() == 0) {
            propagate = null; // the group's own cancellation of the body: swallowed
        }
        if (propagate != null && errors.isEmpty()) {
            throw propagate;
        }
        if (failure != null && !(failure instanceof CancelledError)) {
            errors.add(failure);
        }
        if (!errors.isEmpty()) {
            if (parent.cancelling() > 0) {
                // Keep the outside cancellation pending, to be delivered at the next wait.
                parent.uncancel();
                parent.cancel();
            }
            List<Throwable> errs = errors;
            errors = null;
            throw new TaskGroupException(errs);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TaskGroup[");
        sb.append("tasks=").append(tasks.size());
        if (errors != null && !errors.isEmpty()) {
            sb.append(", errors=").append(errors.size());
        }
        sb.append(", ").append(visibleState().name().toLowerCase(java.util.Locale.ROOT));
        return sb.append(']').toString();
    }
}
