package dev.aio4j;

import dev.aio4j.internal.Strand;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A body of code running concurrently on an event loop (asyncio's Task): a virtual thread that
 * the loop schedules, and a {@link Future} of its result.
 *
 * <p>Inside the body, code is plain blocking-style Java; every wait suspends only this task.
 * Between two waits the task runs alone on its loop.
 *
 * <h2>Cancellation</h2>
 *
 * <p>{@link #cancel(String)} asks the task to stop: a {@link CancelledError} is raised at its
 * current wait, or at its next one if it is running. If the task waits on a future or another
 * task, that future is cancelled (as in asyncio: cancellation travels down the await chain; use
 * {@code Aio.shield} to protect the inner one), and the task resumes once it is done. A task
 * that catches the CancelledError and carries on is not cancelled. A task inside a JDK blocking
 * call is interrupted out of it (interruptible channels close, as the JDK specifies), and
 * whatever the call throws because of that interrupt, or the task throws instead, is its
 * cancellation: the task ends cancelled, and timeouts and task groups around the call see what
 * they see for a cancelled {@code Aio.sleep} (carrier mode; docs/BLOCKING.md lists the calls).
 * An interrupt that aio4j did not send stays an ordinary exception. {@link #cancelling()} counts
 * the requests not yet matched by {@link #uncancel()}, as in asyncio 3.11+.
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   created --start--&gt; runnable &lt;--wake/yield--&gt; waiting
 *                         |
 *                         +--body returns/throws--&gt; done (FINISHED or CANCELLED)
 * </pre>
 *
 * <p>Representation: the task's {@link Strand} ({@link TaskStrand}) is its thread's body and runs {@link #run}; in
 * carrier mode the thread is created only when the first step is about to run and dropped when
 * the body ends, so {@link #thread()} may be null. {@code futWaiter} is the future the task is parked on (asyncio's
 * {@code _fut_waiter}); {@code mustCancel} a cancellation to deliver at the next resumption;
 * {@code prev}/{@code next} link the task into its loop's list of unfinished tasks.
 * Diagnostics: {@code diagnostics} ({@link TaskDiagnostics}) is allocated only when a step is
 * timed (debug mode or a recording), a recording has {@code dev.aio4j.TaskLifecycle} on, or, in
 * debug mode, a cancellation reached the task (see {@link SwallowedCancellation}); it stays null
 * in a plain run.
 *
 * <p>Invariants:
 * <ol>
 *   <li>Every field is read and written only by strands of this task's loop.
 *   <li>{@code inWait} is true exactly while the task is parked in {@link #waitFor}; only then
 *       can a cancellation reach it through {@code futWaiter}, and only otherwise is the
 *       thread interrupted (if it exists: a task whose first step has not run needs no nudge).
 *   <li>A task whose cancellation is requested before its body starts never runs its body.
 *   <li>{@code nudged} implies that {@code cancel()} interrupted the thread for the request now in
 *       {@code mustCancel}; both are cleared together when that request is delivered, whether at
 *       a library wait or by {@link #asCancellation} as an exception leaves a scope.
 * </ol>
 */
public final class Task<T> extends Future<T> {

    private static final AtomicLong COUNTER = new AtomicLong();

    final Strand strand;
    /**
     * What the task runs, until it starts: a {@code Callable<T>}, or a {@link CheckedRunnable}
     * that is not also a Callable, for a task that returns nothing (T is Void), run as it is
     * rather than through an adapter (one object and one frame less per task).
     */
    private Object body;

    private String name;
    private final long number;
    private boolean mustCancel;
    private int numCancelsRequested;
    private Future<?> futWaiter;
    private boolean inWait;
    /** True once cancel() interrupted the thread to break a JDK blocking call. */
    private boolean nudged;
    /** Diagnostics-only state, or null until some diagnostic needs it. */
    private TaskDiagnostics diagnostics;
    /** Loop time at creation, to the loop iteration (no clock read per task), for the task tree's age. */
    final long createdNanos;

    Task<?> prev;
    Task<?> next;

    private Task(EventLoop loop, Object body, String name, Context context) {
        super(loop);
        this.createdNanos = loop.iterationNanos;
        this.body = body;
        this.name = name;
        this.number = body == null ? 0 : COUNTER.incrementAndGet();
        this.strand = body == null ? null : new TaskStrand(this);
        if (strand != null) {
            strand.context = context != null ? context : Context.captureForSchedule();
        }
    }

    /** The head of a loop's task list; never runs. */
    static Task<?> sentinel(EventLoop loop) {
        Task<?> t = new Task<>(loop, null, "sentinel", null);
        t.prev = t;
        t.next = t;
        return t;
    }

    /**
     * Creates and schedules a task the default way, for task factories that wrap it.
     *
     * @param name the task's name, or null for "Task-N"
     */
    public static <T> Task<T> create(EventLoop loop, Callable<T> body, String name) {
        return create(loop, body, name, null);
    }

    /**
     * {@link #create(EventLoop, Callable, String)} running in {@code context} (shared, not
     * copied; null: a copy of the current context), as asyncio's {@code context=} argument.
     */
    public static <T> Task<T> create(EventLoop loop, Callable<T> body, String name, Context context) {
        Objects.requireNonNull(body, "body");
        loop.checkThread();
        return start(loop, body, name, false, context);
    }

    /**
     * Creates a task and runs its first step at once, inside this call (asyncio 3.12's
     * {@code eager_start}): the body runs until its first wait, with {@link Aio#currentTask()}
     * the new task, then the caller continues. A body that does not wait is done when this
     * returns, yet its done callbacks are still scheduled with {@code callSoon}. Outside a task
     * of {@code loop} (in a callback, or before the loop runs) the task starts the usual way.
     */
    public static <T> Task<T> createEager(EventLoop loop, Callable<T> body, String name) {
        return createEager(loop, body, name, null);
    }

    /** {@link #createEager(EventLoop, Callable, String)} running in {@code context} (null: a copy of the current one). */
    public static <T> Task<T> createEager(EventLoop loop, Callable<T> body, String name, Context context) {
        Objects.requireNonNull(body, "body");
        loop.checkThread();
        return start(loop, body, name, true, context);
    }

    /** Creates and schedules a task; {@code body} is a {@code Callable<T>} or, for T = Void, a {@link CheckedRunnable}. */
    static <T> Task<T> start(EventLoop loop, Object body, String name, boolean eager, Context context) {
        Task<T> task = new Task<>(loop, body, name, context);
        loop.taskStarted(task);
        long recorded = LoopEvents.taskCreated(task);
        if (recorded != 0) {
            task.diagnostics().recordedNanos = recorded;
        }
        Strand creator = eager ? Strand.current() : null;
        if (creator != null && creator.loop() == loop && creator.task != null && loop.isRunning()) {
            loop.scheduler.startEager(creator, task.strand);
        } else {
            loop.scheduler.start(task.strand);
        }
        return task;
    }

    /** The task's body, on its own strand (called by {@link TaskStrand#run}). */
    @SuppressWarnings("unchecked") // a Callable body is a Callable<T>
    void run() {
        Thread.interrupted(); // a cancellation before the start needs no nudge
        Context.startTask(strand.context);
        T value = null;
        Throwable failure = null;
        Object b = body;
        body = null;
        if (!mustCancel) {
            stepStarted();
            try {
                if (b instanceof Callable<?> c) {
                    value = (T) c.call();
                } else {
                    ((CheckedRunnable) b).run(); // T is Void
                }
            } catch (Throwable t) {
                failure = t;
            }
            checkSlowStep();
        }
        Thread.interrupted();
        loop.taskFinished(this);
        if (failure == null) {
            if (mustCancel) {
                // Cancelled before the start, or during the last step (asyncio: test_cancel_at_end).
                mustCancel = false;
                cancelFuture(cancelMessage, null);
            } else {
                complete(value);
            }
        } else if (asCancellation(failure) instanceof CancelledError ce) {
            mustCancel = false;
            cancelFuture(ce.getMessage(), ce);
        } else {
            fail(failure);
        }
        LoopEvents.taskFinished(this, diagnostics == null ? 0 : diagnostics.recordedNanos);
        loop.scheduler.exit(strand);
    }

    /**
     * What a scope of this task (its body, a {@link Timeout}, a {@link TaskGroup}) lets out when
     * {@code failure} left the code it ran. Called on this task's strand.
     *
     * <p>If {@link #cancel} interrupted the task to break a JDK blocking call (the nudge) and that
     * cancellation has not been delivered yet, whatever left the code is the cancellation: an
     * {@code InterruptedException}, a {@code ClosedByInterruptException}, a socket's "Closed by
     * interrupt", a wrapper of one of those, or anything the task threw instead. It becomes a
     * {@link CancelledError} with {@code failure} as its cause, the request counts as delivered
     * and the interrupt status is cleared, so the scopes above see what they see for a cancelled
     * {@code Aio.sleep}. An interrupt that aio4j did not send leaves {@code failure} as it is.
     */
    Throwable asCancellation(Throwable failure) {
        if (failure instanceof CancelledError || !(mustCancel && nudged)) {
            return failure;
        }
        mustCancel = false;
        nudged = false;
        Thread.interrupted();
        CancelledError ce = new CancelledError(cancelMessage);
        ce.initCause(failure);
        return ce;
    }

    // ------------------------------------------------------------------ waiting (on the task's strand)

    /** Parks this task until {@code fut} is done, delivering cancellation as asyncio's step does. */
    void waitFor(Future<?> fut) {
        if (numCancelsRequested > 0 && !mustCancel) {
            SwallowedCancellation.beforeWait(this);
        }
        futWaiter = fut;
        fut.addWaiter(this);
        if (mustCancel && fut.cancel(cancelMessage)) {
            mustCancel = false;
            nudged = false; // this request is delivered through fut; the nudge was for it
        }
        while (fut.state == State.PENDING) {
            suspend();
        }
        futWaiter = null;
        if (numCancelsRequested > 0 && (mustCancel || fut.state == State.CANCELLED)) {
            SwallowedCancellation.delivered(this);
        }
        if (fut.state == State.CANCELLED) {
            // asyncio raises the awaited future's CancelledError (the caller does, from its
            // result), and a request made since is spent on it: its message is not the one raised.
            mustCancel = false;
            nudged = false;
        } else {
            deliverCancellation();
        }
    }

    /** Parks until woken; may return spuriously. */
    void suspend() {
        checkSlowStep();
        EventLoop l = loop;
        inWait = true;
        l.parkedTasks++;
        l.scheduler.park(strand);
        l.parkedTasks--;
        l.activity++;
        inWait = false;
        Thread.interrupted(); // a nudge meant for a JDK call that already ended
        stepStarted();
    }

    /**
     * {@link Aio#sleep} for a positive delay: parks until its {@link SleepTimer} wakes this task,
     * or until {@link #cancel} stops that timer and wakes it. The timer is the strand's {@code
     * waitingFor} for the whole sleep (the task tree and the deadlock detector show the deadline;
     * cancel() finds it there). A stopped timer plays asyncio's cancelled sleep future: the sleep
     * raises with that first request's message, even if {@link #uncancel} withdrew it or more
     * came meanwhile (those only count, as requests on a cancelled future do). A request made
     * before the sleep raises at once, as a future cancelled before the wait does.
     */
    void sleep(Duration delay) {
        if (numCancelsRequested > 0 && !mustCancel) {
            SwallowedCancellation.beforeWait(this);
        }
        boolean stopped = false;
        if (!mustCancel) {
            SleepTimer timer = loop.callSleep(delay, this);
            strand.waitingFor = timer;
            while (!timer.ran && !timer.cancelled()) {
                suspend();
            }
            strand.waitingFor = null;
            stopped = timer.cancelled();
        }
        if (stopped || mustCancel) {
            if (numCancelsRequested > 0) {
                SwallowedCancellation.delivered(this);
            }
            mustCancel = false;
            nudged = false;
            throw new CancelledError(cancelMessage);
        }
    }

    /** Lets every ready task and callback run once, then delivers a pending cancellation. */
    void yieldStep() {
        if (numCancelsRequested > 0 && !mustCancel) {
            SwallowedCancellation.beforeWait(this);
        }
        checkSlowStep();
        loop.scheduler.yieldNow(strand);
        Thread.interrupted();
        stepStarted();
        if (numCancelsRequested > 0 && mustCancel) {
            SwallowedCancellation.delivered(this);
        }
        deliverCancellation();
    }

    private void deliverCancellation() {
        if (mustCancel) {
            mustCancel = false;
            nudged = false; // delivered: a later failure is not caused by that interrupt
            throw new CancelledError(cancelMessage);
        }
    }

    /** Makes this task runnable; called on the loop when what it waits for is done. */
    void wake() {
        loop.scheduler.unpark(strand);
    }

    /** Debug mode or a recording: a step starts; its length is the time it holds the loop from here. */
    private void stepStarted() {
        if (loop.timingSteps()) {
            diagnostics().stepHeldStart = loop.scheduler.heldNanos(strand);
        } else if (diagnostics != null) {
            diagnostics.stepHeldStart = TaskDiagnostics.NOT_TIMED;
        }
    }

    /**
     * Debug mode or a recording: reports the step that ends here if it held the loop too long.
     * Only time on the carrier counts (carrier mode): a JDK wait inside the step, which suspends
     * only this task, does not.
     */
    private void checkSlowStep() {
        TaskDiagnostics d = diagnostics;
        if (d != null && d.stepHeldStart != TaskDiagnostics.NOT_TIMED) {
            long took = loop.scheduler.heldNanos(strand) - d.stepHeldStart;
            if (took >= loop.slowCallbackNanos()) {
                loop.slowCallback(this, true, took);
            }
        }
    }

    // ------------------------------------------------------------------ cancellation

    /**
     * Requests cancellation: see the class notes. Returns false if the task is already done.
     * Loop-affine; from another thread use {@code loop.callSoonThreadsafe(task::cancel)}.
     */
    @Override
    public boolean cancel(String message) {
        loop.checkThread();
        if (done()) {
            return false;
        }
        numCancelsRequested++;
        Future<?> waitingOn = futWaiter;
        if (waitingOn != null && waitingOn.cancel(message)) {
            return true;
        }
        if (strand.waitingFor instanceof SleepTimer sleep && !sleep.ran) {
            // Where asyncio cancels the sleep's future: stop the timer and wake the task, which
            // raises. A stopped timer takes no more requests, as a cancelled future takes none.
            if (!sleep.cancelled()) {
                sleep.cancel();
                cancelMessage = message;
                wake();
            }
            return true;
        }
        mustCancel = true;
        cancelMessage = message;
        Thread thread = strand.thread();
        if (!inWait && thread != null && Strand.current() != strand) {
            nudged = true;
            thread.interrupt(); // breaks a JDK blocking call; cleared at the next library wait
        }
        return true;
    }

    /** The number of cancellation requests not matched by {@link #uncancel()} (asyncio 3.11+). */
    public int cancelling() {
        return numCancelsRequested;
    }

    /**
     * Decrements the count of cancellation requests and returns what is left; reaching zero
     * withdraws a cancellation not yet delivered (asyncio 3.13).
     */
    public int uncancel() {
        loop.checkThread();
        if (numCancelsRequested > 0) {
            numCancelsRequested--;
            if (numCancelsRequested == 0) {
                mustCancel = false;
                nudged = false;
            }
        }
        return numCancelsRequested;
    }

    /** Tasks complete themselves: always throws. */
    @Override
    public void setResult(T value) {
        throw new UnsupportedOperationException("Task does not support setResult()");
    }

    /** Tasks complete themselves: always throws. */
    @Override
    public void setException(Throwable exception) {
        throw new UnsupportedOperationException("Task does not support setException()");
    }

    /** Tasks complete themselves: always throws. */
    @Override
    public boolean trySetResult(T value) {
        throw new UnsupportedOperationException("Task does not support trySetResult()");
    }

    /** Tasks complete themselves: always throws. */
    @Override
    public boolean trySetException(Throwable exception) {
        throw new UnsupportedOperationException("Task does not support trySetException()");
    }

    // ------------------------------------------------------------------ identity

    /** The task's name: the one given, or "Task-N". */
    public String getName() {
        return name != null ? name : "Task-" + number;
    }

    public void setName(String name) {
        this.name = String.valueOf(name);
    }

    /** The context the task runs in (asyncio's {@code get_context()}); see {@link Context}. */
    public Context getContext() {
        return Context.currentOf(strand);
    }

    /** The task's number, unique in the process: the N of "Task-N". */
    long id() {
        return number;
    }

    /** This task's diagnostics-only state, allocated on first use; loop only. */
    TaskDiagnostics diagnostics() {
        TaskDiagnostics d = diagnostics;
        if (d == null) {
            diagnostics = d = new TaskDiagnostics();
        }
        return d;
    }

    /** Debug mode: where the last cancellation reached this task, or null; loop only. */
    SwallowedCancellation swallowed() {
        return diagnostics == null ? null : diagnostics.swallowed;
    }

    /** The future this task is parked on, or null; loop only. */
    Future<?> futWaiter() {
        return futWaiter;
    }

    /** True while the task is parked in one of the library's waits; loop only. */
    boolean inWait() {
        return inWait;
    }

    /**
     * The task's virtual thread (or the thread that runs it in portable mode). In carrier mode,
     * null before the task's first step (its thread is created then) and after its body ended.
     */
    public Thread thread() {
        return strand.thread();
    }

    /** The task running on the current thread, or null (in a callback, or off any loop). */
    static Task<?> current() {
        Strand s = Strand.current();
        return s != null ? s.task : null;
    }

    static Task<?> currentOrThrow(String what) {
        Task<?> t = current();
        if (t == null) {
            Strand s = Strand.current();
            throw new IllegalStateException(what + " must be called from a task"
                    + (s != null ? " (a loop callback cannot wait)" : " (this thread runs no task of any loop)"));
        }
        return t;
    }

    @Override
    String kind() {
        return "Task";
    }

    @Override
    String describeForReport() {
        return "Task exception was never retrieved";
    }

    @Override
    String taskNameForReport() {
        return getName();
    }

    @Override
    public String toString() {
        return "Task[" + getName() + ", " + stateText() + (numCancelsRequested > 0 && !done() ? ", cancelling]" : "]");
    }
}
