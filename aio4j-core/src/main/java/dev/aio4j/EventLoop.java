package dev.aio4j;

import dev.aio4j.internal.Carrier;
import dev.aio4j.internal.Carriers;
import dev.aio4j.internal.Strand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An event loop: callbacks, timers, I/O readiness and tasks, all run one at a time by one
 * strand of control (asyncio's event loop).
 *
 * <p>Tasks are virtual threads scheduled by this loop; a task runs alone until it waits. Every
 * method is loop-affine (call it from a task or callback of this loop, or from any one thread
 * while the loop is not running) except {@link #callSoonThreadsafe}, {@link #isRunning},
 * {@link #isClosed}, {@link #time} and {@link #stop} called through {@code callSoonThreadsafe}.
 * A loop-affine call from another thread while the loop runs throws {@link WrongThreadException}.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: {@code ready} holds callbacks in FIFO order; {@code foreignReady} holds
 * callbacks from other threads until the loop moves them to {@code ready}; {@code timers} is a
 * heap ordered by deadline, then by scheduling order, with cancelled timers removed lazily.
 * Task steps are not in {@code ready}: a woken task's continuation goes to the carrier's FIFO,
 * and the loop strand yields to it after each iteration.
 *
 * <p>One iteration ({@link #runOnce}), as asyncio's {@code _run_once}:
 * <pre>
 *   move foreign callbacks to ready
 *   timeout = 0 if anything is ready (callbacks or task steps) or a stop is pending,
 *             else until the next timer, else none
 *   wait for I/O, a wake-up or the timeout (the virtual clock jumps instead, when it may)
 *   queue callbacks of ready channels, then of due timers
 *   run the callbacks that were ready at this point (not the ones they schedule)
 *   yield to every ready task
 * </pre>
 *
 * <p>Lifecycle: {@code IDLE -> RUNNING -> IDLE -> ... -> CLOSED}; {@code runForever} moves
 * IDLE to RUNNING, {@code stop} back at the end of the iteration, {@code close} from IDLE to
 * CLOSED.
 *
 * <p>Invariants:
 * <ol>
 *   <li>Only the strand that runs (the loop strand, a task, or the thread that owns the stopped
 *       loop) touches {@code ready}, {@code timers} and the task list.
 *   <li>{@code loopIdle} is true only while the loop strand waits in the carrier; whoever makes
 *       work for it then wakes it ({@link Carrier#wakeIdle}).
 *   <li>The loop keeps a strong reference to every task that has not finished.
 * </ol>
 */
public final class EventLoop implements AutoCloseable {

    /** The loop's lifecycle. */
    enum State { IDLE, RUNNING, CLOSED }

    private static final AtomicInteger LOOP_COUNTER = new AtomicInteger();
    private static final System.Logger LOG = System.getLogger("dev.aio4j");
    private static final long MAX_POLL_NANOS = TimeUnit.HOURS.toNanos(24);
    private static final long VIRTUAL_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Virtual time with watched channels: real time without I/O before the clock may jump. */
    private static final long IO_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    final Clock clock;
    final Carrier carrier;
    final Strand loopStrand;
    private final Selector selector;
    private final String name;

    private final ArrayDeque<Handle> ready = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Handle> foreignReady = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<TimerHandle> timers = new PriorityQueue<>();
    private int cancelledTimers;
    private long timerSequence;

    private volatile State state = State.IDLE;
    private volatile boolean loopIdle;
    private volatile boolean runRequested;
    private volatile boolean stopping;
    private volatile boolean closing;
    private volatile boolean runDone;
    private volatile Thread runCaller;
    private volatile Throwable runFailure;
    /** Iterations completed. */
    private volatile long iterations;

    /** Tasks not yet finished: an intrusive doubly linked list headed by a sentinel. */
    final Task<?> taskList = Task.sentinel(this);
    int liveTasks;
    /** Tasks parked in one of the library's waits (used by the virtual clock's autojump). */
    int parkedTasks;
    /** Work handed to other threads whose result has not come back (blocks autojump). */
    int pendingExternal;
    /** Tasks in {@link #waitAllTasksBlocked}: completed when every task waits (loop only). */
    private final ArrayList<Future<Void>> blockedWaiters = new ArrayList<>();

    /** Resources closed with the loop (see addCloseable); insertion order. */
    private final Set<AutoCloseable> closeables = new LinkedHashSet<>();

    private ExceptionHandler exceptionHandler;
    private volatile boolean debug;
    private long slowCallbackNanos = TimeUnit.MILLISECONDS.toNanos(100);
    private TaskFactory taskFactory;
    private volatile ExecutorService defaultExecutor;
    private volatile boolean executorShutdown;

    private EventLoop(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.name = "aio4j-loop-" + LOOP_COUNTER.incrementAndGet();
        this.carrier = Carriers.create(name);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.loopStrand = new Strand(this, this);
        carrier.create(loopStrand, this::loopMain, true);
        carrier.start(loopStrand);
        setDebug(Debug.enabledByDefault());
    }

    /** A new loop on the real clock (asyncio's {@code new_event_loop()}). */
    public static EventLoop newEventLoop() {
        return new EventLoop(Clock.system());
    }

    /** A new loop whose time comes from {@code clock}, e.g. a {@link VirtualClock}. */
    public static EventLoop newEventLoop(Clock clock) {
        return new EventLoop(clock);
    }

    /** "carrier" when tasks are virtual threads scheduled by this loop, "portable" otherwise. */
    public String mode() {
        return carrier.mode();
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs the loop on its own carrier until {@link #stop()} is called; the calling thread waits.
     *
     * @throws IllegalStateException if the loop is closed or running, or if called from a task
     *     or callback of any loop
     */
    public void runForever() {
        checkNotClosed();
        if (state == State.RUNNING) {
            throw new IllegalStateException("This event loop is already running");
        }
        Strand current = Strand.current();
        if (current != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running"
                    + " (called from a task or callback of " + current.loop + ")");
        }
        state = State.RUNNING;
        runDone = false;
        runFailure = null;
        runCaller = Thread.currentThread();
        runRequested = true;
        carrier.resumeLoop(loopStrand);
        Watchdog.watch(this);
        boolean interrupted = false;
        while (!runDone) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        Watchdog.unwatch(this);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable failure = runFailure;
        if (failure != null) {
            throw Futures.unchecked(failure);
        }
    }

    /**
     * Runs the loop until {@code future} is done and returns its result (or throws its exception).
     *
     * @throws IllegalStateException "Event loop stopped before Future completed." if
     *     {@link #stop()} ends the loop first
     */
    public <T> T runUntilComplete(Future<T> future) {
        if (future.loop != this) {
            throw new IllegalArgumentException("The future belongs to a different loop than the one specified");
        }
        java.util.function.Consumer<Future<T>> stopper = f -> stop();
        if (!future.done()) {
            future.addDoneCallback(stopper);
        }
        try {
            runForever();
        } finally {
            future.removeDoneCallback(stopper);
        }
        if (!future.done()) {
            throw new IllegalStateException("Event loop stopped before Future completed.");
        }
        return future.result();
    }

    /** Creates a task for {@code main} and runs the loop until it is done. */
    public <T> T runUntilComplete(Callable<T> main) {
        return runUntilComplete(createTask(main));
    }

    /**
     * Asks the loop to stop at the end of the current iteration: callbacks already ready run, the
     * ones they schedule wait for the next run. Loop-affine; from another thread use
     * {@code callSoonThreadsafe(loop::stop)}.
     */
    public void stop() {
        checkThread();
        stopping = true;
    }

    /** True between {@code runForever} starting and returning. Any thread. */
    public boolean isRunning() {
        return state == State.RUNNING;
    }

    /** True once {@link #close()} was called. Any thread. */
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /**
     * Closes the loop. Callbacks that other threads handed over with {@link #callSoonThreadsafe}
     * and the loop has not run yet run now, on the calling thread, with the loop already closed
     * (so a {@link Aio#runCoroutineThreadsafe} not yet started fails with "Event loop is
     * closed"); then every resource registered with {@link #addCloseable} is closed, ready
     * callbacks and timers are dropped, the default executor is shut down without waiting and
     * the carrier ends. Tasks that have not finished never run again. Idempotent.
     *
     * @throws IllegalStateException if the loop is running
     */
    @Override
    public void close() {
        if (state == State.RUNNING) {
            throw new IllegalStateException("Cannot close a running event loop");
        }
        if (state == State.CLOSED) {
            return;
        }
        // From here on a submission either reaches the drain below or is taken back and refused
        // (see callSoonThreadsafe): none is accepted and then dropped.
        closing = true;
        state = State.CLOSED;
        for (Handle h; (h = foreignReady.poll()) != null; ) {
            if (!h.cancelled) {
                runCallback(h);
            }
        }
        closeCloseables();
        SignalDispatch.removeAll(this);
        ready.clear();
        timers.clear();
        ExecutorService executor = defaultExecutor;
        if (executor != null) {
            executor.shutdown();
        }
        carrier.resumeLoop(loopStrand);
        carrier.shutdown();
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the selector failed", e);
        }
    }

    // ------------------------------------------------------------------ resources the loop owns

    /**
     * Registers {@code resource} to be closed when this loop closes, unless it is removed first
     * with {@link #removeCloseable}. Transports, servers and subprocesses register themselves, so
     * a loop that closes with them still open (their tasks cancelled, their graceful close unable
     * to finish) releases their sockets and descriptors. The resource's {@code close()} then runs
     * on the closing thread with the loop already closed: it must release at once, without
     * scheduling anything. asyncio has no such registry: its transports are closed by their
     * destructors, which Java does not have. Loop-affine.
     *
     * @throws IllegalStateException if the loop is closed
     */
    public void addCloseable(AutoCloseable resource) {
        Objects.requireNonNull(resource, "resource");
        checkThread();
        checkNotClosed();
        closeables.add(resource);
    }

    /** Forgets a resource registered with {@link #addCloseable}; returns whether it was there. */
    public boolean removeCloseable(AutoCloseable resource) {
        checkThread();
        return closeables.remove(resource);
    }

    /** Closes the registered resources, newest first; call only from close(). */
    private void closeCloseables() {
        List<AutoCloseable> all = new ArrayList<>(closeables);
        closeables.clear();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (Throwable t) {
                callExceptionHandler(new ExceptionContext("Closing " + all.get(i) + " with its loop failed", t, null,
                        null, null));
            }
        }
    }

    /** The loop strand's body: waits for a run request, runs iterations until stopped, repeats. */
    private void loopMain() {
        while (true) {
            while (!runRequested && !closing) {
                carrier.suspendLoop(loopStrand);
            }
            if (closing) {
                carrier.exit(loopStrand);
                return;
            }
            runRequested = false;
            try {
                do {
                    runOnce();
                } while (!stopping);
            } catch (Throwable t) {
                runFailure = t;
            }
            stopping = false;
            state = closing ? State.CLOSED : State.IDLE;
            Thread caller = runCaller;
            runDone = true;
            LockSupport.unpark(caller);
        }
    }

    /** One iteration; see the class notes. */
    private void runOnce() throws IOException {
        drainForeign();
        purgeCancelledTimers();
        long timeout;
        if (!ready.isEmpty() || stopping || carrier.othersReady()) {
            timeout = 0;
        } else if (timers.isEmpty()) {
            timeout = -1;
        } else {
            timeout = Math.min(MAX_POLL_NANOS, Math.max(0, timers.peek().whenNanos - clock.nanoTime()));
        }
        if (timeout != 0 && !blockedWaiters.isEmpty() && mayJump()) {
            // Every task waits: this is where a virtual clock would jump. Unless I/O is ready
            // already, wake the tasks that asked to see this moment instead.
            if (!selector.keys().isEmpty()) {
                selector.selectNow();
            }
            if (selector.selectedKeys().isEmpty()) {
                for (Future<Void> w : blockedWaiters) {
                    if (!w.done()) {
                        w.complete(null);
                    }
                }
                blockedWaiters.clear();
            }
            timeout = 0;
        }
        VirtualClock jumpAfterQuietIo = null;
        if (timeout != 0 && clock instanceof VirtualClock vc) {
            boolean everyTaskWaits = mayJump();
            if (vc.isAutojump() && everyTaskWaits && !timers.isEmpty()) {
                if (selector.keys().isEmpty()) {
                    vc.advanceTo(timers.peek().whenNanos);
                    timeout = 0;
                } else {
                    // Channels are watched: a peer may answer in real time. Jump only if no I/O
                    // arrives within a short real-time wait (Trio's autojump threshold).
                    jumpAfterQuietIo = vc;
                    timeout = IO_QUIET_NANOS;
                }
            } else if (timeout > 0 || !everyTaskWaits) {
                // Virtual deadlines do not pass in real time: poll until the clock is advanced
                // or the outside work comes back.
                timeout = VIRTUAL_POLL_NANOS;
            }
        }
        int selected;
        if (timeout != 0) {
            loopIdle = true;
            selected = foreignReady.isEmpty() ? carrier.idle(loopStrand, selector, timeout) : -1;
            loopIdle = false;
            drainForeign();
        } else {
            selected = selector.keys().isEmpty() ? 0 : selector.selectNow();
        }
        // Keys can also be waiting from a select made while registering a channel, so look at
        // the set itself rather than at what this select counted.
        if (!selector.selectedKeys().isEmpty()) {
            processSelectedKeys();
        } else if (jumpAfterQuietIo != null && ready.isEmpty() && !carrier.othersReady() && mayJump()) {
            jumpAfterQuietIo.advanceTo(timers.peek().whenNanos);
        }
        long now = clock.nanoTime();
        while (!timers.isEmpty() && timers.peek().whenNanos <= now) {
            TimerHandle t = timers.poll();
            t.scheduled = false;
            if (t.cancelled) {
                cancelledTimers--;
            } else {
                ready.addLast(t);
            }
        }
        for (int n = ready.size(); n > 0; n--) {
            Handle h = ready.pollFirst();
            if (!h.cancelled) {
                runCallback(h);
            }
        }
        iterations++; // single writer: the loop strand
        if (carrier.othersReady()) {
            carrier.yieldNow(loopStrand);
        }
    }

    long iterations() {
        return iterations;
    }

    boolean isIdle() {
        return loopIdle;
    }

    String name() {
        return name;
    }

    private boolean mayJump() {
        return parkedTasks == liveTasks && pendingExternal == 0 && foreignReady.isEmpty();
    }

    private void runCallback(Handle h) {
        long start = debug ? System.nanoTime() : 0;
        try {
            Context.runCallback(loopStrand, h);
        } catch (Throwable t) {
            callExceptionHandler(new ExceptionContext("Exception in callback " + h.callback, t, null, h, null));
        }
        if (debug) {
            long took = System.nanoTime() - start;
            if (took >= slowCallbackNanos) {
                LOG.log(System.Logger.Level.WARNING, "Executing " + h + " took " + (took / 1e9) + " seconds");
            }
        }
    }

    private void drainForeign() {
        for (Handle h; (h = foreignReady.poll()) != null; ) {
            ready.addLast(h);
        }
    }

    // ------------------------------------------------------------------ callbacks and timers

    /**
     * Schedules {@code callback} to run soon, after every callback already scheduled (FIFO).
     *
     * @throws IllegalStateException if the loop is closed
     * @throws WrongThreadException if called from another thread while the loop runs
     */
    public Handle callSoon(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkThread();
        checkNotClosed();
        Handle h = new Handle(callback);
        ready.addLast(h);
        wakeIfIdle();
        return h;
    }

    /** {@link #callSoon} without the thread check, for the library's own callbacks on the loop. */
    void callSoonOnLoop(Runnable callback) {
        ready.addLast(new Handle(callback));
        wakeIfIdle();
    }

    /** {@link #callSoonOnLoop(Runnable)} running in {@code context} (a done callback's). */
    void callSoonOnLoop(Runnable callback, Context context) {
        ready.addLast(new Handle(callback, context));
        wakeIfIdle();
    }

    private void wakeIfIdle() {
        if (loopIdle) {
            carrier.wakeIdle(loopStrand, selector);
        }
    }

    /**
     * Schedules {@code callback} from any thread and wakes the loop (asyncio's
     * {@code call_soon_threadsafe}); the only way other threads hand work to a loop. A callback
     * accepted here always runs: on the loop, or, if the loop closes first, in {@link #close()}.
     *
     * @throws IllegalStateException "Event loop is closed" if the loop is closed or closing;
     *     the callback then never runs
     */
    public Handle callSoonThreadsafe(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        return submitThreadsafe(new Handle(callback));
    }

    /** Hands {@code h} to the loop from any thread: {@link #callSoonThreadsafe}'s mechanism. */
    private Handle submitThreadsafe(Handle h) {
        checkNotClosed();
        foreignReady.offer(h);
        // close() sets closing, then drains foreignReady. Seeing closing here, take the handle
        // back: whoever removes it first decides. Removed here means refused; gone already means
        // close() has it and runs it.
        if (closing && foreignReady.remove(h)) {
            throw new IllegalStateException("Event loop is closed");
        }
        if (loopIdle) {
            carrier.wakeIdle(loopStrand, selector);
        }
        return h;
    }

    /**
     * Schedules {@code callback} after {@code delay} of loop time; negative delays are due at once.
     * Timers due at the same time run in the order they were scheduled.
     */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        Objects.requireNonNull(delay, "delay");
        return callAtNanos(saturatedAdd(clock.nanoTime(), delay), callback);
    }

    /**
     * Schedules {@code callback} at {@code when}, in the seconds of {@link #time()} (asyncio's
     * form). The Java forms take no double: {@link #callLater(Duration, Runnable)} for a delay from
     * now, {@link #callAtNanos(long, Runnable)} for an exact deadline on {@link #nanoTime()}.
     */
    public TimerHandle callAt(double when, Runnable callback) {
        if (Double.isNaN(when)) {
            throw new IllegalArgumentException("when is NaN");
        }
        return callAtNanos((long) (when * 1e9), callback);
    }

    /** Schedules {@code callback} at {@code whenNanos}, in the nanoseconds of {@link #nanoTime()}. */
    public TimerHandle callAtNanos(long whenNanos, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkThread();
        checkNotClosed();
        TimerHandle t = new TimerHandle(this, whenNanos, timerSequence++, callback);
        timers.add(t);
        wakeIfIdle();
        return t;
    }

    static long saturatedAdd(long now, Duration delay) {
        long nanos;
        try {
            nanos = delay.toNanos();
        } catch (ArithmeticException e) {
            nanos = delay.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
        long sum = now + nanos;
        if (((now ^ sum) & (nanos ^ sum)) < 0) {
            return nanos > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return sum;
    }

    /** Called by a timer when it is cancelled while still in the heap. */
    void timerCancelled() {
        cancelledTimers++;
        if (cancelledTimers > 100 && cancelledTimers * 2 > timers.size()) {
            timers.removeIf(t -> {
                if (t.cancelled) {
                    t.scheduled = false;
                    return true;
                }
                return false;
            });
            cancelledTimers = 0;
        }
    }

    private void purgeCancelledTimers() {
        while (!timers.isEmpty() && timers.peek().cancelled) {
            timers.poll().scheduled = false;
            cancelledTimers--;
        }
    }

    /**
     * Suspends the calling task until every other task of this loop waits in one of the
     * library's waits (a future, a lock, a queue, a socket, a sleep), no callback is ready and no
     * work is out on another thread: the moment a {@link VirtualClock} with autojump would move
     * time. Trio's {@code wait_all_tasks_blocked}, for tests; asyncio has no equivalent. A task
     * inside a JDK blocking call counts as running. Several tasks may wait at once; all return.
     *
     * @throws IllegalStateException if not called from a task of this loop
     * @throws CancelledError if the calling task is cancelled meanwhile
     */
    public void waitAllTasksBlocked() {
        Task<?> task = Task.currentOrThrow("waitAllTasksBlocked()");
        if (task.loop != this) {
            throw new IllegalStateException("waitAllTasksBlocked() called from a task of another loop: " + task);
        }
        Future<Void> w = new Future<>(this);
        blockedWaiters.add(w);
        try {
            w.await();
        } finally {
            blockedWaiters.remove(w);
        }
    }

    /**
     * The time ({@link #nanoTime()} scale) of the earliest timer not cancelled, or empty if no
     * timer is scheduled. Loop-affine; for tests that drive a {@link VirtualClock}.
     */
    public java.util.OptionalLong nextTimerNanos() {
        checkThread();
        purgeCancelledTimers();
        return timers.isEmpty() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(timers.peek().whenNanos);
    }

    /** The loop's time in seconds (asyncio's {@code loop.time()}), from its clock. Any thread. */
    public double time() {
        return clock.nanoTime() / 1e9;
    }

    /** The loop's time in nanoseconds. Any thread. */
    public long nanoTime() {
        return clock.nanoTime();
    }

    /** The clock this loop reads its time from. */
    public Clock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ futures and tasks

    /** A new pending future bound to this loop. */
    public <T> Future<T> createFuture() {
        checkNotClosed();
        return new Future<>(this);
    }

    /**
     * Schedules {@code body} to run as a task of this loop; it starts after the tasks and
     * callbacks already scheduled, unless a task factory or the eager option says otherwise.
     *
     * @throws IllegalStateException if the loop is closed
     */
    public <T> Task<T> createTask(Callable<T> body) {
        return createTask(body, null);
    }

    /** Like {@link #createTask(Callable)}, with a name ({@code null}: "Task-N"). */
    public <T> Task<T> createTask(Callable<T> body, String name) {
        return createTask(body, name, null);
    }

    /**
     * Like {@link #createTask(Callable, String)}, with the task running in {@code context}
     * (shared, not copied; null: a copy of the current context), as asyncio's {@code context=}.
     * A task factory receives it through {@link TaskFactory#create(EventLoop, Callable, String, Context)}.
     */
    public <T> Task<T> createTask(Callable<T> body, String name, Context context) {
        Objects.requireNonNull(body, "body");
        checkThread();
        checkNotClosed();
        TaskFactory factory = taskFactory;
        if (factory != null) {
            return factory.create(this, body, name, context);
        }
        return Task.start(this, body, name, false, context);
    }

    /**
     * Sets the factory {@link #createTask} delegates to (asyncio's {@code set_task_factory});
     * {@code null} restores the default.
     */
    public void setTaskFactory(TaskFactory factory) {
        checkThread();
        this.taskFactory = factory;
    }

    /** The task factory, or null for the default. */
    public TaskFactory getTaskFactory() {
        return taskFactory;
    }

    /** The tasks of this loop that have not finished, in creation order. */
    public Set<Task<?>> allTasks() {
        checkThread();
        Set<Task<?>> tasks = new LinkedHashSet<>();
        for (Task<?> t = taskList.next; t != taskList; t = t.next) {
            tasks.add(t);
        }
        return tasks;
    }

    void taskStarted(Task<?> t) {
        Task<?> last = taskList.prev;
        t.prev = last;
        t.next = taskList;
        last.next = t;
        taskList.prev = t;
        liveTasks++;
    }

    void taskFinished(Task<?> t) {
        if (t.prev != null) {
            t.prev.next = t.next;
            t.next.prev = t.prev;
            t.prev = null;
            t.next = null;
            liveTasks--;
        }
    }

    // ------------------------------------------------------------------ I/O readiness

    /**
     * Calls {@code callback} on the loop whenever {@code channel} is ready to read (or to accept,
     * for a server channel), until {@link #removeReader}. The channel is made non-blocking.
     * Replaces a reader already registered for the channel.
     */
    public void addReader(SelectableChannel channel, Runnable callback) {
        register(channel, callback, true);
    }

    /** Calls {@code callback} whenever {@code channel} can be written (or has connected). */
    public void addWriter(SelectableChannel channel, Runnable callback) {
        register(channel, callback, false);
    }

    /** Stops watching {@code channel} for reading; returns whether it was watched. */
    public boolean removeReader(SelectableChannel channel) {
        return unregister(channel, true);
    }

    /** Stops watching {@code channel} for writing; returns whether it was watched. */
    public boolean removeWriter(SelectableChannel channel) {
        return unregister(channel, false);
    }

    /** The reader and writer callbacks of one channel: the key's attachment. */
    private static final class Interest {
        Runnable reader;
        Runnable writer;
        /** Copies of the contexts the callbacks were registered from; each event runs in the same one (asyncio). */
        Context readerContext;
        Context writerContext;
    }

    private void register(SelectableChannel channel, Runnable callback, boolean read) {
        Objects.requireNonNull(callback, "callback");
        checkThread();
        checkNotClosed();
        SelectionKey key = channel.keyFor(selector);
        try {
            if (key == null || !key.isValid()) {
                if (key != null) {
                    selector.selectNow(); // flush the cancelled key before registering again
                }
                channel.configureBlocking(false);
                key = channel.register(selector, 0, new Interest());
            }
        } catch (ClosedChannelException e) {
            throw new IllegalStateException("channel is closed: " + channel, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Interest interest = (Interest) key.attachment();
        if (read) {
            interest.reader = callback;
            interest.readerContext = Context.copyContext();
        } else {
            interest.writer = callback;
            interest.writerContext = Context.copyContext();
        }
        key.interestOps(opsOf(channel, interest));
    }

    private boolean unregister(SelectableChannel channel, boolean read) {
        checkThread();
        SelectionKey key = channel.keyFor(selector);
        if (key == null || !key.isValid()) {
            return false;
        }
        Interest interest = (Interest) key.attachment();
        boolean had = read ? interest.reader != null : interest.writer != null;
        if (read) {
            interest.reader = null;
        } else {
            interest.writer = null;
        }
        if (interest.reader == null && interest.writer == null) {
            key.cancel();
        } else {
            key.interestOps(opsOf(channel, interest));
        }
        return had;
    }

    private static int opsOf(SelectableChannel channel, Interest interest) {
        int valid = channel.validOps();
        int ops = 0;
        if (interest.reader != null) {
            ops |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if (interest.writer != null) {
            ops |= valid & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
        }
        return ops;
    }

    private void processSelectedKeys() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Interest interest = (Interest) key.attachment();
            int ops;
            try {
                ops = key.readyOps();
            } catch (CancelledKeyException e) {
                continue;
            }
            if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && interest.reader != null) {
                ready.addLast(new Handle(interest.reader, interest.readerContext));
            }
            if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 && interest.writer != null) {
                ready.addLast(new Handle(interest.writer, interest.writerContext));
            }
        }
    }

    // ------------------------------------------------------------------ signals

    /**
     * Runs {@code callback} as a callback of this loop (through {@link #callSoonThreadsafe}), in
     * the context captured by this call, each time the process receives {@code signal}
     * (asyncio's {@code add_signal_handler}).
     * Adding again for the same signal replaces the callback. Signals are process-wide: the
     * handler added last, by any loop or runner, is the one that runs; removing it gives the
     * signal back to whichever handler it replaced, the JVM's own in the end (which, for INT,
     * TERM and HUP, runs the shutdown hooks and exits). Closing the loop removes its handlers.
     *
     * <p>Differs from asyncio: any thread's loop may add handlers, not only the main thread's.
     *
     * @throws UnsupportedSignalException for KILL and STOP, or a signal the JVM refuses
     *     (QUIT, or any with {@code -Xrs})
     * @throws IllegalStateException if the loop is closed
     */
    public void addSignalHandler(Signal signal, Runnable callback) {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(callback, "callback");
        checkThread();
        checkNotClosed();
        // As asyncio, the callback runs in the context of the call that added it, not in the
        // signal thread's.
        Context context = Context.captureForSchedule();
        SignalDispatch.add(signal, this, s -> {
            try {
                submitThreadsafe(new Handle(callback, context));
            } catch (IllegalStateException closed) {
                // closed between the signal and this hand-off: nobody left to run it
            }
        });
    }

    /**
     * Removes this loop's handler of {@code signal}, giving the signal back to the handler it
     * replaced; returns whether there was one (asyncio's {@code remove_signal_handler}).
     */
    public boolean removeSignalHandler(Signal signal) {
        Objects.requireNonNull(signal, "signal");
        checkThread();
        return SignalDispatch.remove(signal, this);
    }

    // ------------------------------------------------------------------ threads

    /**
     * Runs {@code fn} on {@code executor} ({@code null}: the loop's default executor) and returns
     * a future of this loop for its result. Cancelling the future keeps {@code fn} from starting
     * if it has not started; a running {@code fn} is not interrupted (as in asyncio).
     */
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        checkThread();
        checkNotClosed();
        Executor target = executor != null ? executor : defaultExecutor();
        Future<T> future = new Future<>(this);
        ExecutorCall<T> call = new ExecutorCall<>(this, future, fn);
        pendingExternal++;
        try {
            target.execute(call);
        } catch (RejectedExecutionException e) {
            pendingExternal--;
            future.setException(e);
        }
        return future;
    }

    /** Hands a result computed on another thread back to the loop. */
    private static final class ExecutorCall<T> implements Runnable {
        private final EventLoop loop;
        private final Future<T> future;
        private final Callable<T> fn;

        ExecutorCall(EventLoop loop, Future<T> future, Callable<T> fn) {
            this.loop = loop;
            this.future = future;
            this.fn = fn;
        }

        @Override
        public void run() {
            T value = null;
            Throwable failure = null;
            if (!future.cancelledUnsafe()) { // benign race: at worst fn runs for a cancelled future
                try {
                    value = fn.call();
                } catch (Throwable t) {
                    failure = t;
                }
            }
            T v = value;
            Throwable f = failure;
            try {
                loop.callSoonThreadsafe(() -> {
                    loop.pendingExternal--;
                    if (!future.done()) {
                        if (f != null) {
                            future.setException(f);
                        } else {
                            future.setResult(v);
                        }
                    }
                });
            } catch (IllegalStateException closed) {
                // The loop closed while fn ran: nobody is left to receive the result.
            }
        }
    }

    /** Called on the loop when a result from another thread has arrived. */
    void externalDone() {
        pendingExternal--;
    }

    /** Called on the loop when work is handed to another thread. */
    void externalStarted() {
        pendingExternal++;
    }

    ExecutorService defaultExecutor() {
        ExecutorService e = defaultExecutor;
        if (e == null) {
            if (executorShutdown) {
                throw new IllegalStateException("Executor shutdown has been called");
            }
            int max = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(max, max, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(),
                    r -> Thread.ofPlatform().daemon(true).name(name + "-executor-" + n.incrementAndGet()).unstarted(r));
            pool.allowCoreThreadTimeOut(true);
            defaultExecutor = e = pool;
        }
        return e;
    }

    /** Sets the executor {@code runInExecutor(null, ...)} and {@code Aio.toThread} use. */
    public void setDefaultExecutor(ExecutorService executor) {
        checkThread();
        this.defaultExecutor = Objects.requireNonNull(executor, "executor");
    }

    /**
     * Shuts the default executor down and waits, up to {@code timeout}, for its threads to finish
     * (asyncio's {@code shutdown_default_executor}). Called from outside the loop (a Runner does
     * it on exit); later {@code runInExecutor(null, ...)} calls fail.
     *
     * @return true if every thread finished in time
     */
    public boolean shutdownDefaultExecutor(Duration timeout) {
        executorShutdown = true;
        ExecutorService e = defaultExecutor;
        if (e == null) {
            return true;
        }
        e.shutdown();
        try {
            return e.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------ errors and debug

    /** Sets the handler for errors no caller can receive; {@code null} restores the default. */
    public void setExceptionHandler(ExceptionHandler handler) {
        this.exceptionHandler = handler;
    }

    /** The handler set by {@link #setExceptionHandler}, or null when the default is in use. */
    public ExceptionHandler getExceptionHandler() {
        return exceptionHandler;
    }

    /**
     * Reports {@code context} to the exception handler; if the handler itself throws, the default
     * handler reports both.
     */
    public void callExceptionHandler(ExceptionContext context) {
        ExceptionHandler handler = exceptionHandler;
        if (handler == null) {
            defaultExceptionHandler(context);
            return;
        }
        // As asyncio 3.12: in the context of the failing task, else of the failing callback.
        Context ctx = context.future() instanceof Task<?> task ? task.getContext()
                : context.handle() != null ? context.handle().getContext() : null;
        try {
            if (ctx != null) {
                ctx.run(() -> handler.handle(this, context));
            } else {
                handler.handle(this, context);
            }
        } catch (Throwable t) {
            defaultExceptionHandler(new ExceptionContext("Unhandled error in exception handler", t,
                    context.future(), context.handle(), context.taskName()));
            defaultExceptionHandler(context);
        }
    }

    /** Logs {@code context} at ERROR through System.Logger "dev.aio4j", naming the task. */
    public void defaultExceptionHandler(ExceptionContext context) {
        StringBuilder sb = new StringBuilder(context.message() == null ? "Unhandled exception in event loop" : context.message());
        if (context.taskName() != null) {
            sb.append("\ntask: ").append(context.taskName());
        } else if (context.future() != null) {
            sb.append("\nfuture: ").append(context.future());
        }
        if (context.handle() != null) {
            sb.append("\nhandle: ").append(context.handle());
        }
        LOG.log(System.Logger.Level.ERROR, sb.toString(), context.exception());
    }

    /** True in debug mode: slow-step warnings, wrong-thread checks, unretrieved-exception reports. */
    public boolean getDebug() {
        return debug;
    }

    public void setDebug(boolean debug) {
        this.debug = debug;
        carrier.measureHeldTime(debug); // slow-step warnings count only time on the carrier
    }

    /** Steps and callbacks running longer than this are logged in debug mode (default 100 ms). */
    public void setSlowCallbackDuration(Duration d) {
        this.slowCallbackNanos = d.toNanos();
    }

    public Duration getSlowCallbackDuration() {
        return Duration.ofNanos(slowCallbackNanos);
    }

    long slowCallbackNanos() {
        return slowCallbackNanos;
    }

    // ------------------------------------------------------------------ thread checks

    /** True if the caller is a task or callback of this loop. */
    boolean onLoop() {
        Strand s = Strand.current();
        return s != null && s.loop == this;
    }

    /**
     * Fails unless the caller may touch this loop's state: a strand of this loop, or any thread
     * while the loop is not running.
     */
    void checkThread() {
        if (state == State.RUNNING && !onLoop()) {
            throw new WrongThreadException("loop-affine call on " + this + " from " + Thread.currentThread()
                    + "; use callSoonThreadsafe or Aio.runCoroutineThreadsafe from other threads");
        }
    }

    private void checkNotClosed() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("Event loop is closed");
        }
    }

    /** Errors from tasks that nobody retrieved, reported from the Cleaner thread. */
    void reportFromAnyThread(ExceptionContext context) {
        if (state != State.CLOSED) {
            try {
                callSoonThreadsafe(() -> callExceptionHandler(context));
                return;
            } catch (IllegalStateException closed) {
                // fall through to the default handler
            }
        }
        defaultExceptionHandler(context);
    }

    List<Task<?>> snapshotTasks() {
        List<Task<?>> list = new ArrayList<>(liveTasks);
        for (Task<?> t = taskList.next; t != taskList; t = t.next) {
            list.add(t);
        }
        return list;
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + ", " + state.name().toLowerCase() + ", " + carrier.mode() + " mode, tasks="
                + liveTasks + (debug ? ", debug]" : "]");
    }
}
