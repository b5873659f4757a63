package dev.aio4j;

import dev.aio4j.internal.LoopStrand;
import dev.aio4j.internal.Scheduler;
import dev.aio4j.internal.Schedulers;
import dev.aio4j.internal.Strand;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
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
 * Task steps wait with the scheduler, not in {@code ready}; the scheduler numbers them in the
 * order they become ready, and each callback records how many steps became ready before it
 * ({@code Handle.stepsBefore}), so that the two queues together keep asyncio's single ready
 * order (see {@link Scheduler}, "One ready order").
 *
 * <p>One iteration ({@link #runOnce}), as asyncio's {@code _run_once}:
 * <pre>
 *   take in what other threads made ready (callbacks, task steps)
 *   timeout = 0 if anything is ready (callbacks or task steps) or a stop is pending,
 *             else until the next timer, else none
 *   wait for I/O, a wake-up or the timeout (the virtual clock jumps instead, when it may)
 *   queue callbacks of ready channels, then of due timers
 *   run, in asyncio's order, the callbacks and task steps ready at this point (not the ones
 *         they make ready): before each callback, the scheduler runs the steps that became
 *         ready before it, then gives the loop strand back
 * </pre>
 *
 * <p>Split as asyncio splits {@code base_events.py} and {@code selector_events.py}: this class
 * keeps the iteration, callbacks, timers and tasks; {@link Readiness} the selector and the
 * reader/writer callbacks of each channel; {@link ExecutorBridge} {@code runInExecutor} and the
 * default executor; the {@link Scheduler} the task steps.
 *
 * <p>Lifecycle ({@link State}, shown by {@code toString()}):
 * <pre>
 *              runForever()                 idle wait: I/O, a timer or a wake-up
 *   STOPPED ─────────────────▶ RUNNING ◀─────────────────────────────▶ WAITING
 *    ▲  │  │                      │ stop()
 *    │  │  │ stop()               ▼
 *    │  │  └─▶ STOP_REQUESTED ──runForever()──▶ STOPPING    (one last iteration)
 *    │  │            │                             │
 *    └──┼────────────┼────── the iteration ends ◀──┘   (runForever returns)
 *       │ close()    │ close()
 *       ▼            ▼
 *             CLOSED
 * </pre>
 * "Running" ({@link #isRunning()}) is RUNNING, WAITING or STOPPING; the error messages keep
 * asyncio's wording ("This event loop is already running", "Event loop is closed").
 *
 * <p>Invariants:
 * <ol>
 *   <li>Only the strand that runs (the loop strand, a task, or the thread that owns the stopped
 *       loop) touches {@code ready}, {@code timers} and the task list; package-private helpers
 *       that touch them assert {@link #mayTouchState()}.
 *   <li>While the loop runs, only the loop strand and the strands it lets run write
 *       {@code state}; while it is stopped, only the owning thread does.
 *   <li>WAITING holds only while the loop strand waits in the scheduler; whoever makes work for it
 *       then wakes it ({@link Scheduler#wakeIdle}).
 *   <li>The loop keeps a strong reference to every task that has not finished.
 * </ol>
 *
 * <p>Races handled: the hand-off between {@code runForever} and the loop strand. runForever
 * writes {@code runCaller}, then the state (RUNNING, or STOPPING after a stop request), then
 * resumes the loop strand through the scheduler; the loop strand reads the state after every
 * wake-up, so an early or spurious wake-up finds STOPPED and suspends again. A new run that
 * resumes the loop strand before it has suspended after the previous run finds it still looping:
 * it sees the new state and runs (carrier mode's draining flag, cleared by the suspend, is set
 * again when the loop strand wakes, or at once if the suspend finds the new state already
 * written: the resume may have set the flag before the suspend cleared it). At the end of a run the loop strand writes {@code runFailure},
 * then STOPPED, then unparks {@code runCaller}; runForever waits for the state, not for the
 * unpark, so a permit left by an earlier run cannot end it early, and it reads
 * {@code runFailure} only after seeing STOPPED. After writing STOPPED the loop strand numbers
 * nothing, so the owning thread may schedule at once.
 */
public final class EventLoop implements AutoCloseable {

    /** The loop's lifecycle; see the diagram in the class notes. */
    enum State {
        STOPPED,
        STOP_REQUESTED,
        RUNNING,
        WAITING,
        STOPPING,
        CLOSED;

        boolean running() {
            return this == RUNNING || this == WAITING || this == STOPPING;
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    private static final AtomicInteger LOOP_COUNTER = new AtomicInteger();
    private static final System.Logger LOG = System.getLogger("dev.aio4j");
    private static final long MAX_POLL_NANOS = TimeUnit.HOURS.toNanos(24);
    private static final long VIRTUAL_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Virtual time with watched channels: real time without I/O before the clock may jump. */
    private static final long IO_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    final Clock clock;
    final Scheduler scheduler;
    final Strand loopStrand;
    private final Readiness readiness = new Readiness();
    private final String name;

    private final ArrayDeque<Handle> ready = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Handle> foreignReady = new ConcurrentLinkedQueue<>();
    private final TimerQueue timers = new TimerQueue();
    /** For the suspended loop strand: has a new run, or the close, begun? Allocated once. */
    private final java.util.function.BooleanSupplier resumed = () -> {
        State s = this.state;
        return s.running() || s == State.CLOSED;
    };
    /** {@link #skipIteration}, allocated once. */
    private final java.util.function.BooleanSupplier skipIteration = this::skipIteration;

    private int cancelledTimers;
    private long timerSequence;

    private volatile State state = State.STOPPED;
    /** The thread in runForever; written before the state moves to a running one. */
    private volatile Thread runCaller;
    /** What ended the last run abnormally; written before the state moves back to STOPPED. */
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
    /** Set by virtualClockTimeout: jump to the next timer if the wait brings no I/O (loop strand only). */
    private VirtualClock jumpAfterQuietIo;
    /** The loop's time when the latest iteration looked at its timers: a task's birth time, cheaply. */
    long iterationNanos;
    /** Callbacks run plus task resumptions: the deadlock detector's sign of life (loop only). */
    long activity;
    /** The longest hold of the loop the watchdog has seen (written by the watchdog only). */
    volatile long slowestHoldNanos;
    /** True once the loop's MBean has been asked for (first run). */
    private boolean managed;
    /** Reports tasks that can never wake; asked at the idle point. */
    private final DeadlockDetector deadlocks = new DeadlockDetector(this);
    /** Tasks in {@link #waitAllTasksBlocked}: completed when every task waits (loop only). */
    private final ArrayList<Future<Void>> blockedWaiters = new ArrayList<>();

    /**
     * Resources closed with the loop (see addCloseable), in insertion order, each with where it
     * was registered in debug mode ({@link #QUIET} for the library's own; else null).
     */
    private final java.util.LinkedHashMap<AutoCloseable, Throwable> closeables = new java.util.LinkedHashMap<>();

    private static final Throwable QUIET = new Throwable("not reported", null, false, false) {};

    private ExceptionHandler exceptionHandler;
    private volatile boolean debug;
    private long slowCallbackNanos = TimeUnit.MILLISECONDS.toNanos(100);
    private TaskFactory taskFactory;
    /** runInExecutor's plumbing and the default executor. */
    private final ExecutorBridge executors = new ExecutorBridge(this);

    private EventLoop(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.name = "aio4j-loop-" + LOOP_COUNTER.incrementAndGet();
        this.scheduler = Schedulers.create(name);
        this.loopStrand = new LoopStrand(this);
        scheduler.createLoopStrand(loopStrand, this::loopMain);
        scheduler.start(loopStrand);
        setDebug(Debug.enabledByDefault());
        iterationNanos = clock.nanoTime();
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
        return scheduler.mode();
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs the loop on its own thread until {@link #stop()} is called; the calling thread waits.
     *
     * @throws IllegalStateException if the loop is closed or running, or if called from a task
     *     or callback of any loop
     */
    public void runForever() {
        checkNotClosed();
        if (state.running()) {
            throw new IllegalStateException("This event loop is already running");
        }
        Strand current = Strand.current();
        if (current != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running"
                    + " (called from a task or callback of " + current.loop() + ")");
        }
        if (!managed) {
            managed = true;
            LoopManagement.register(this);
        }
        iterationNanos = clock.nanoTime(); // tasks created before the first iteration are born now
        runFailure = null;
        runCaller = Thread.currentThread();
        state = state == State.STOP_REQUESTED ? State.STOPPING : State.RUNNING;
        scheduler.resumeLoop(loopStrand);
        Watchdog.watch(this);
        boolean interrupted = false;
        while (state.running()) {
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
        switch (state) {
            case RUNNING, WAITING -> state = State.STOPPING;
            case STOPPED -> state = State.STOP_REQUESTED; // the next run makes one iteration (asyncio)
            default -> {} // STOP_REQUESTED, STOPPING: already asked; CLOSED: nothing runs
        }
    }

    /** True between {@code runForever} starting and returning. Any thread. */
    public boolean isRunning() {
        return state.running();
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
     * the scheduler stops. Tasks that have not finished never run again. Idempotent.
     *
     * @throws IllegalStateException if the loop is running
     */
    @Override
    public void close() {
        if (state.running()) {
            throw new IllegalStateException("Cannot close a running event loop");
        }
        if (state == State.CLOSED) {
            return;
        }
        // From here on a submission either reaches the drain below or is taken back and refused
        // (see callSoonThreadsafe): none is accepted and then dropped.
        state = State.CLOSED;
        for (Handle h; (h = foreignReady.poll()) != null; ) {
            if (!h.cancelled) {
                runCallback(h);
            }
        }
        closeCloseables();
        SignalDispatch.removeAll(this);
        if (managed) {
            LoopManagement.unregister(this);
        }
        ready.clear();
        timers.clear();
        executors.shutdownDefaultNow();
        scheduler.resumeLoop(loopStrand);
        scheduler.shutdown();
        readiness.close();
    }

    // ------------------------------------------------------------------ resources the loop owns

    /**
     * Registers {@code resource} to be closed when this loop closes, unless it is removed first
     * with {@link #removeCloseable}. Transports, servers and subprocesses register themselves, so
     * a loop that closes with them still open (their tasks cancelled, their graceful close unable
     * to finish) releases their sockets and descriptors. The resource's {@code close()} then runs
     * on the closing thread with the loop already closed: it must release at once, without
     * scheduling anything. asyncio has no such registry: its transports are closed by their
     * destructors, which Java does not have. In debug mode the registration records where it was
     * made, and a resource still registered when the loop closes is first reported to the
     * exception handler ("Unclosed resource ... Registered at:"), as asyncio's "unclosed
     * transport" ResourceWarning. Loop-affine.
     *
     * @throws IllegalStateException if the loop is closed
     */
    public void addCloseable(AutoCloseable resource) {
        addCloseable(resource, true);
    }

    /** {@link #addCloseable}; {@code report} false for a registration that is not a resource of the user's. */
    void addCloseable(AutoCloseable resource, boolean report) {
        Objects.requireNonNull(resource, "resource");
        checkThread();
        checkNotClosed();
        closeables.put(resource, !report ? QUIET : debug ? Debug.creationSite("Registered at:", true) : null);
    }

    /** Forgets a resource registered with {@link #addCloseable}; returns whether it was there. */
    public boolean removeCloseable(AutoCloseable resource) {
        checkThread();
        if (!closeables.containsKey(resource)) {
            return false;
        }
        closeables.remove(resource);
        return true;
    }

    /**
     * Closes the registered resources, newest first; call only from close(). In debug mode each
     * one registered then is first reported to the exception handler, as asyncio's "unclosed
     * transport" ResourceWarning:
     * the loop holds its resources strongly, so they are never garbage while it is open, and
     * closing the loop is the moment they are known to have been left open.
     */
    private void closeCloseables() {
        List<AutoCloseable> all = new ArrayList<>(closeables.keySet());
        List<Throwable> sites = new ArrayList<>(closeables.values());
        closeables.clear();
        for (int i = all.size() - 1; i >= 0; i--) {
            Throwable site = sites.get(i);
            if (site != null && site != QUIET) {
                AutoCloseable r = all.get(i);
                // A library's registration is often a lambda: name the class that registered it.
                String what = r.getClass().isHidden() && site.getStackTrace().length > 0
                        ? "resource of " + site.getStackTrace()[0].getClassName()
                        : "resource " + r;
                callExceptionHandler(new ExceptionContext(
                        Debug.appendSite(
                                        new StringBuilder("Unclosed ")
                                                .append(what)
                                                .append(" closed with its loop ")
                                                .append(this)
                                                .append(
                                                        ": close transports, servers and subprocesses before their loop closes."),
                                        site)
                                .toString(),
                        null,
                        null,
                        null,
                        null));
            }
            try {
                all.get(i).close();
            } catch (Throwable t) {
                callExceptionHandler(
                        new ExceptionContext("Closing " + all.get(i) + " with its loop failed", t, null, null, null));
            }
        }
    }

    /**
     * The loop strand's body: waits for runForever to move the state to a running one, runs
     * iterations until STOPPING, moves back to STOPPED, repeats; ends once CLOSED. See "Races
     * handled" in the class notes.
     */
    private void loopMain() {
        while (true) {
            State s;
            while (!(s = state).running() && s != State.CLOSED) {
                scheduler.suspendLoop(loopStrand, resumed);
            }
            if (s == State.CLOSED) {
                scheduler.exit(loopStrand);
                return;
            }
            try {
                do {
                    runOnce();
                } while (state != State.STOPPING);
            } catch (Throwable t) {
                runFailure = t;
            }
            Thread caller = runCaller;
            state = State.STOPPED;
            LockSupport.unpark(caller);
        }
    }

    /** One iteration; see the class notes. */
    private void runOnce() throws IOException {
        assert Strand.current() == loopStrand;
        drainForeign();
        purgeCancelledTimers();
        long timeout = pollTimeout();
        if (timeout != 0 && !blockedWaiters.isEmpty() && mayJump()) {
            wakeBlockedWaiters();
            timeout = 0;
        }
        jumpAfterQuietIo = null;
        if (timeout != 0 && clock instanceof VirtualClock vc) {
            timeout = virtualClockTimeout(vc, timeout);
        }
        if (timeout < 0 && liveTasks > 0 && mayJump() && !readiness.watchesChannels()) {
            timeout = deadlocks.stuck(activity); // every task waits and nothing can wake one
        }
        if (timeout != 0) {
            state = State.WAITING;
            if (foreignReady.isEmpty()) {
                scheduler.idle(loopStrand, readiness.selector(), timeout);
            }
            state = State.RUNNING; // nothing of this loop ran meanwhile: no stop() to keep
            drainForeign();
        } else {
            readiness.selectNow();
        }
        if (readiness.hasSelected()) {
            readiness.queueReadyCallbacks(this::enqueue);
        } else if (jumpAfterQuietIo != null && ready.isEmpty() && !scheduler.strandsReady() && mayJump()) {
            jumpAfterQuietIo.advanceTo(timers.peek().whenNanos);
        }
        long now = clock.nanoTime();
        iterationNanos = now;
        while (!timers.isEmpty() && timers.peek().whenNanos <= now) {
            TimerHandle t = timers.poll();
            t.scheduled = false;
            if (t.cancelled) {
                cancelledTimers--;
            } else {
                enqueue(t);
            }
        }
        runReady();
        iterations++; // single writer: the loop strand
    }

    /** How long this iteration may wait: 0 if anything is ready or a stop is pending, else until the next timer, else -1 (no limit). */
    private long pollTimeout() {
        if (!ready.isEmpty() || state == State.STOPPING || scheduler.strandsReady()) {
            return 0;
        }
        if (timers.isEmpty()) {
            return -1;
        }
        return Math.min(MAX_POLL_NANOS, Math.max(0, timers.peek().whenNanos - clock.nanoTime()));
    }

    /**
     * Every task waits: this is where a virtual clock would jump. Unless I/O is ready already,
     * wakes the tasks in {@link #waitAllTasksBlocked} instead.
     */
    private void wakeBlockedWaiters() throws IOException {
        readiness.selectNow();
        if (!readiness.hasSelected()) {
            for (Future<Void> w : blockedWaiters) {
                if (!w.done()) {
                    w.complete(null);
                }
            }
            blockedWaiters.clear();
        }
    }

    /**
     * On a virtual clock, the wait chosen instead of {@code timeout} (which is not 0): with
     * autojump, when every task waits in the library, the clock jumps to the next timer and the
     * loop does not wait (with channels registered, a peer may answer in real time, so the jump
     * comes only after a short real-time wait without I/O, Trio's autojump threshold: it sets
     * {@code jumpAfterQuietIo}); otherwise virtual deadlines do not pass in real time, so the
     * loop polls until the clock is advanced or outside work comes back.
     */
    private long virtualClockTimeout(VirtualClock vc, long timeout) {
        boolean everyTaskWaits = mayJump();
        if (vc.isAutojump() && everyTaskWaits && !timers.isEmpty()) {
            if (!readiness.hasChannels()) {
                vc.advanceTo(timers.peek().whenNanos);
                return 0;
            }
            jumpAfterQuietIo = vc;
            return IO_QUIET_NANOS;
        }
        if (timeout > 0 || !everyTaskWaits) {
            return VIRTUAL_POLL_NANOS;
        }
        return timeout;
    }

    /**
     * Runs, in asyncio's order, the callbacks and task steps ready at this point: the first
     * {@code callbacks} of {@code ready}, and the steps numbered below {@code steps}. Before
     * each callback the scheduler runs the steps that became ready before it; then the last
     * steps run.
     */
    private void runReady() {
        assert Strand.current() == loopStrand;
        int callbacks = ready.size();
        long steps = scheduler.stepsMadeReady();
        while (true) {
            Handle h = callbacks > 0 ? ready.peekFirst() : null;
            long stepsBefore = h != null ? h.stepsBefore : steps;
            if (scheduler.firstReadyStep() < stepsBefore) {
                if (h == null) {
                    scheduler.runLastStrands(loopStrand, stepsBefore, skipIteration);
                } else {
                    scheduler.runStrandsBefore(loopStrand, stepsBefore);
                }
            }
            if (h == null) {
                return;
            }
            assert scheduler.firstReadyStep() >= stepsBefore : "steps before the next callback did not run";
            ready.pollFirst();
            callbacks--;
            if (!h.cancelled) {
                runCallback(h);
            }
        }
    }

    /**
     * Asked by the scheduler, on the loop's thread while the loop strand waits at the end of
     * {@link #runReady}: would the next iteration do nothing but run the task steps ready now?
     * It would if no callback is ready (the steps' own done callbacks included), none came from
     * other threads, no timer is due, no stop is pending, and polling the registered channels
     * (the poll that iteration starts with) finds none ready. Then it counts as run, and the
     * scheduler runs those steps itself: a hand-off between tasks (a queue ping-pong, a lock
     * passed on) costs two switches instead of four. Ready keys the poll found stay selected
     * for the iteration that runs instead.
     */
    private boolean skipIteration() {
        if (!ready.isEmpty() || state != State.RUNNING || !foreignReady.isEmpty()) {
            return false;
        }
        if (!timers.isEmpty()) {
            long now = clock.nanoTime();
            if (timers.peek().whenNanos <= now) {
                return false;
            }
            iterationNanos = now;
        }
        if (readiness.hasChannels()) {
            try {
                readiness.selectNow();
            } catch (IOException e) {
                return false; // the iteration's own poll meets it and reports it
            }
            if (readiness.hasSelected()) {
                return false;
            }
        }
        iterations++;
        return true;
    }

    long iterations() {
        return iterations;
    }

    /** The ready queue's depth; a racy read from another thread is only a sample. */
    int readyCallbacks() {
        return ready.size();
    }

    /** Timers in the heap, cancelled ones not yet purged included; racy as above. */
    int timerCount() {
        return timers.size();
    }

    String name() {
        return name;
    }

    /** Channels registered with the selector; racy from other threads (JMX). */
    int channelCount() {
        return readiness.channelCount();
    }

    /** Called by the watchdog, its only writer, with a hold of the loop it measured. */
    void recordHold(long nanos) {
        if (nanos > slowestHoldNanos) {
            slowestHoldNanos = nanos;
        }
    }

    private boolean mayJump() {
        return parkedTasks == liveTasks && pendingExternal == 0 && foreignReady.isEmpty();
    }

    private void runCallback(Handle h) {
        activity++;
        boolean timed = debug || LoopEvents.recording;
        long start = timed ? System.nanoTime() : 0;
        try {
            Context.runCallback(loopStrand, h);
        } catch (Throwable t) {
            callExceptionHandler(new ExceptionContext("Exception in callback " + h.callback(), t, null, h, null));
        }
        if (timed) {
            long took = System.nanoTime() - start;
            if (took >= slowCallbackNanos) {
                slowCallback(h, false, took);
            }
        }
    }

    /**
     * A callback or task step held the loop {@code tookNanos}, at least the slow-callback
     * duration: a warning in debug mode (asyncio's), a {@code dev.aio4j.SlowCallback} event when
     * recorded.
     */
    void slowCallback(Object what, boolean taskStep, long tookNanos) {
        if (debug) {
            String text = "Executing " + what + " took " + (tookNanos / 1e9) + " seconds";
            if (taskStep) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        text + " of the loop's time without waiting",
                        new Throwable("the step ended here"));
            } else {
                LOG.log(System.Logger.Level.WARNING, text);
            }
        }
        LoopEvents.slowCallback(this, what, taskStep, tookNanos);
    }

    /** Takes in what other threads made ready: callbacks, then task strands. */
    private void drainForeign() {
        for (Handle h; (h = foreignReady.poll()) != null; ) {
            enqueue(h);
        }
        scheduler.admitForeignStrands();
    }

    /** Puts a callback at the end of the ready order. */
    private void enqueue(Handle h) {
        assert mayTouchState();
        h.stepsBefore = scheduler.stepsMadeReady();
        ready.addLast(h);
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
        enqueue(h);
        wakeIfIdle();
        return h;
    }

    /** {@link #callSoon} without the thread check, for the library's own callbacks on the loop. */
    void callSoonOnLoop(Runnable callback) {
        assert mayTouchState();
        enqueue(new Handle(callback));
        wakeIfIdle();
    }

    /** {@link #callSoonOnLoop(Runnable)} running in {@code context} (a done callback's). */
    void callSoonOnLoop(Runnable callback, Context context) {
        assert mayTouchState();
        enqueue(new Handle(callback, context));
        wakeIfIdle();
    }

    private void wakeIfIdle() {
        if (state == State.WAITING) {
            scheduler.wakeIdle(loopStrand, readiness.selector());
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
        if (onLoop()) {
            return callSoon(callback); // in order with what this strand schedules, as asyncio
        }
        return submitThreadsafe(new Handle(callback));
    }

    /** Hands {@code h} to the loop from any thread: {@link #callSoonThreadsafe}'s mechanism. */
    private Handle submitThreadsafe(Handle h) {
        checkNotClosed();
        foreignReady.offer(h);
        // close() sets CLOSED, then drains foreignReady. Seeing CLOSED here, take the handle back:
        // whoever removes it first decides. Removed here means refused; gone already means
        // close() has it and runs it.
        State s = state;
        if (s == State.CLOSED && foreignReady.remove(h)) {
            throw new IllegalStateException("Event loop is closed");
        }
        if (s == State.WAITING) {
            scheduler.wakeIdle(loopStrand, readiness.selector());
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

    /** The timer of {@code task}'s {@link Aio#sleep}, scheduled {@code delay} from now. */
    SleepTimer callSleep(Duration delay, Task<?> task) {
        checkThread();
        checkNotClosed();
        SleepTimer t = new SleepTimer(this, saturatedAdd(clock.nanoTime(), delay), timerSequence++, task);
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
        assert mayTouchState();
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
     * {@link #createTask(Callable, String)} for a body that returns nothing: with no task factory
     * the task runs {@code body} itself, with no Callable adapter in between (Aio's and
     * TaskGroup's CheckedRunnable forms). A factory receives it as a Callable.
     */
    Task<Void> createTask(CheckedRunnable body, String name) {
        Objects.requireNonNull(body, "body");
        if (taskFactory != null || body instanceof Callable<?>) {
            // The Callable path: a factory takes a Callable, and a body that is both must have
            // its run() run (Task.run tries call() first).
            return createTask(Aio.asCallable(body), name, null);
        }
        checkThread();
        checkNotClosed();
        return Task.start(this, body, name, false, null);
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
        assert mayTouchState();
        Task<?> last = taskList.prev;
        t.prev = last;
        t.next = taskList;
        last.next = t;
        taskList.prev = t;
        liveTasks++;
    }

    void taskFinished(Task<?> t) {
        assert mayTouchState();
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
        checkThread();
        checkNotClosed();
        readiness.register(channel, callback, true);
    }

    /** Calls {@code callback} whenever {@code channel} can be written (or has connected). */
    public void addWriter(SelectableChannel channel, Runnable callback) {
        checkThread();
        checkNotClosed();
        readiness.register(channel, callback, false);
    }

    /**
     * Stops watching {@code channel} for reading; returns whether it was watched. The channel
     * stays registered with the loop's selector, without interest, until it is closed: watching
     * it again costs no re-registration.
     */
    public boolean removeReader(SelectableChannel channel) {
        checkThread();
        return readiness.unregister(channel, true);
    }

    /** Stops watching {@code channel} for writing; returns whether it was watched. */
    public boolean removeWriter(SelectableChannel channel) {
        checkThread();
        return readiness.unregister(channel, false);
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
        return executors.run(executor, fn);
    }

    /**
     * Tells the loop that work is out on another thread and will come back through
     * {@link #callSoonThreadsafe}: until the matching {@link #externalDone()}, a
     * {@link VirtualClock} does not jump and the deadlock detector does not count the loop as
     * stuck. The library does this itself for {@code toThread}, {@code runInExecutor} and
     * {@code Aio.await} of a CompletionStage; call it for a thread of your own that a task waits
     * for. Loop-affine.
     */
    public void externalStarted() {
        checkThread();
        pendingExternal++;
    }

    /** The work announced by {@link #externalStarted()} has come back. Loop-affine. */
    public void externalDone() {
        checkThread();
        pendingExternal--;
    }

    /**
     * Makes a deadlock (every task waiting, nothing left that could wake one, for a second of
     * real time: see docs/debugging.md) end the loop's run with a {@link DeadlockError} naming
     * the cycle, as debug mode does, instead of a warning logged once. aio4j-test's extension
     * turns it on for every test. Loop-affine.
     */
    public void setFailOnDeadlock(boolean fail) {
        checkThread();
        deadlocks.setFailOnDeadlock(fail);
    }

    /** Whether {@link #setFailOnDeadlock} asked for failing (debug mode fails regardless). */
    public boolean getFailOnDeadlock() {
        return deadlocks.failOnDeadlock();
    }

    /** How long the loop must stay stuck before the deadlock detector reports (tests). */
    void setDeadlockGrace(Duration grace) {
        deadlocks.setGrace(grace);
    }

    /** Sets the executor {@code runInExecutor(null, ...)} and {@code Aio.toThread} use. */
    public void setDefaultExecutor(ExecutorService executor) {
        checkThread();
        executors.setDefault(Objects.requireNonNull(executor, "executor"));
    }

    /**
     * Shuts the default executor down and waits, up to {@code timeout}, for its threads to finish
     * (asyncio's {@code shutdown_default_executor}). Called from outside the loop (a Runner does
     * it on exit); later {@code runInExecutor(null, ...)} calls fail.
     *
     * @return true if every thread finished in time
     */
    public boolean shutdownDefaultExecutor(Duration timeout) {
        return executors.shutdownDefault(timeout);
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
        Context ctx = context.future() instanceof Task<?> task
                ? task.getContext()
                : context.handle() != null ? context.handle().getContext() : null;
        try {
            if (ctx != null) {
                ctx.run(() -> handler.handle(this, context));
            } else {
                handler.handle(this, context);
            }
        } catch (Throwable t) {
            defaultExceptionHandler(new ExceptionContext(
                    "Unhandled error in exception handler", t, context.future(), context.handle(), context.taskName()));
            defaultExceptionHandler(context);
        }
    }

    /** Logs {@code context} at ERROR through System.Logger "dev.aio4j", naming the task. */
    public void defaultExceptionHandler(ExceptionContext context) {
        StringBuilder sb =
                new StringBuilder(context.message() == null ? "Unhandled exception in event loop" : context.message());
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
        updateStepTiming();
    }

    /** Slow-step warnings and events count only time on the carrier, which it measures on demand. */
    void updateStepTiming() {
        scheduler.measureHeldTime(debug || LoopEvents.recording);
    }

    /** True while task steps are timed: debug mode, or a Flight Recorder recording. */
    boolean timingSteps() {
        return debug || LoopEvents.recording;
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
        return s != null && s.loop() == this;
    }

    /**
     * True if the caller may touch this loop's state: a strand of this loop, or any thread while
     * the loop is not running. Loop-only helpers assert it (Netty's {@code assert inEventLoop()}).
     */
    boolean mayTouchState() {
        return !state.running() || onLoop();
    }

    /**
     * Fails unless the caller may touch this loop's state: a strand of this loop, or any thread
     * while the loop is not running.
     */
    void checkThread() {
        if (state.running() && !onLoop()) {
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

    // ------------------------------------------------------------------ seeing inside

    /**
     * A snapshot of this loop's unfinished tasks, who awaits whom and what each waits on, taken
     * on the loop; see {@link TaskTree}. From a task or callback of this loop, or while the loop
     * is stopped, it is taken at once; from another thread while the loop runs, it is taken
     * through {@link #callSoonThreadsafe} and the caller waits for it. asyncio 3.14 has this only
     * from outside the process ({@code python -m asyncio pstree PID}).
     *
     * @throws IllegalStateException if the loop is closed, or stops before taking it
     */
    public TaskTree taskTree() {
        return taskTree(false);
    }

    /** {@link #taskTree()}, with each task's stack when {@code withStacks}. */
    public TaskTree taskTree(boolean withStacks) {
        checkNotClosed();
        TaskTree tree = taskTreeWithin(withStacks, null);
        if (tree == null) {
            throw new IllegalStateException("the loop stopped before taking the task tree: " + this);
        }
        return tree;
    }

    /**
     * {@link #taskTree(boolean)} waiting at most {@code limit} (null: no limit) for a running loop
     * to take it; null if the loop did not answer in time (a task holds it) or was closed.
     */
    TaskTree taskTreeWithin(boolean withStacks, Duration limit) {
        if (onLoop() || state == State.STOPPED) {
            return TaskSnapshot.take(this, withStacks);
        }
        java.util.concurrent.CompletableFuture<TaskTree> answer = new java.util.concurrent.CompletableFuture<>();
        try {
            callSoonThreadsafe(() -> answer.complete(TaskSnapshot.take(this, withStacks)));
        } catch (IllegalStateException closed) {
            return null;
        }
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                // In slices: a loop that stops before running the callback would never answer.
                return answer.get(
                        Math.min(TimeUnit.MILLISECONDS.toNanos(50), Math.max(0, deadline - System.nanoTime())),
                        TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException late) {
                if (!state.running() && !answer.isDone()) {
                    return state == State.STOPPED ? TaskSnapshot.take(this, withStacks) : null;
                }
                if (System.nanoTime() - deadline >= 0) {
                    return null;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw Futures.unchecked(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    List<Task<?>> snapshotTasks() {
        assert mayTouchState();
        List<Task<?>> list = new ArrayList<>(liveTasks);
        for (Task<?> t = taskList.next; t != taskList; t = t.next) {
            list.add(t);
        }
        return list;
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + ", " + state + ", " + scheduler.mode() + " mode, tasks=" + liveTasks
                + (debug ? ", debug]" : "]");
    }
}
