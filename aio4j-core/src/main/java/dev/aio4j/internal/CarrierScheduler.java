package dev.aio4j.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.channels.Selector;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Carrier mode: the loop is the scheduler of its strands' virtual threads.
 *
 * <p>One platform thread, the carrier, runs every continuation of the loop's virtual threads. The
 * JDK hands a continuation to {@link #execute} whenever one of those threads starts, is unparked
 * or yields.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: task steps wait in {@code ready}, a deque in the order they became ready,
 * which only the carrier's OS thread touches. A step is a continuation, or, for a task's first
 * step, the task's {@link Strand} itself: its virtual thread is created only when the carrier
 * takes that entry ({@link #firstStep}), which starts the thread and runs the continuation the
 * start hands to {@link #execute} at once, in the entry's place. A task waiting for its first
 * step thus costs no thread; a finished task's strand drops its thread ({@link #exit}).
 * {@code stepsMadeReady} counts the steps (the next step's number, see {@link Scheduler}, "One
 * ready order") and {@code firstReadyStep} is the number of the head. Continuations submitted
 * from other threads go to {@code foreign}, a lock-free queue, wake the carrier and are counted
 * when the carrier (or the loop strand, at the start of an iteration) admits them. The loop strand's own continuation never enters
 * {@code ready}: it waits in {@code loopContinuation}, and {@code loopWait} says how the loop
 * strand last stepped off the carrier:
 * <pre>
 *   RUNNING   running, or blocked in a JDK call inside a callback: ready strands run freely
 *   YIELDED   in runStrandsBefore(limit): run ready strands numbered below limit, then the loop
 *             strand (in runLastStrands, first the next iterations' steps for as long as the
 *             loop says those iterations would only run steps)
 *   IDLE      in idle(): nothing was ready; end the idle as soon as something is
 *   SUSPENDED the loop is stopped: run nothing but the loop strand when it is resumed
 * </pre>
 *
 * <p>Invariants:
 * <ol>
 *   <li>The carrier thread runs only queue operations, thread starts (a task's first step),
 *       continuations and the idle wait; it takes no lock a virtual thread could hold (the JDK
 *       calls {@code execute} while the caller is pinned, so {@code execute} never blocks and
 *       never runs anything inline).
 *   <li>A task strand's thread is null until its first step is taken from {@code ready}, except
 *       for eager starts and starts by the thread that owns the stopped loop, which create it at
 *       once; so a strand in {@code ready} has not run yet, and {@link #unpark} has nothing to wake.
 *   <li>The step at position i of {@code ready} has number {@code firstReadyStep + i}: steps are
 *       counted as they are appended; an eager start inserts at the head and lowers
 *       {@code firstReadyStep} instead; a step counted off the carrier (by the thread that owns
 *       the stopped loop) is appended, in order, before any foreign step counted later.
 *   <li>Steps are counted only by the strand that runs on the carrier, or, while the loop is
 *       stopped ({@code draining} false), by the thread that owns the loop: never by two threads
 *       at once.
 *   <li>The loop's own work runs in the loop strand, a virtual thread on this carrier. The
 *       carrier performs the blocking {@code select} only while the loop strand is IDLE and no
 *       continuation is queued, then unparks it.
 * </ol>
 *
 * <p>Threads the loop did not create: a virtual thread that a task starts with the JDK's own
 * builders or executors inherits the task's scheduler (JDK 25), so its continuations arrive here
 * too. {@link #execute} tells them apart by the continuation's thread, whose uncaught-exception
 * handler is a {@link Strand} only for threads this class created, and hands the others to the
 * JDK's default scheduler: they run in parallel with the loop, and on after it closes. A JDK on
 * which continuations cannot be told apart gets portable mode.
 *
 * <p>Watching: the carrier publishes the continuation it runs and a count of continuations
 * started ({@link #steps}, {@link #runningThread}; two opaque stores per continuation) so that a
 * watchdog thread can name the strand that holds the carrier. In debug mode it also adds each
 * continuation's run time to its strand ({@link #heldNanos}).
 *
 * <p>Races handled: a foreign submission racing the carrier going to sleep. The carrier
 * publishes its sleep state, then re-checks {@code foreign}; a submitter publishes its item,
 * then reads the state (both volatile, so one of them sees the other) and wakes the carrier with
 * a sticky signal (an unpark permit or {@code Selector.wakeup}).
 */
public final class CarrierScheduler implements Scheduler, Executor {

    private static final Constructor<?> BUILDER;
    private static final MethodHandle CURRENT_CARRIER;
    private static final String UNAVAILABLE;
    /** {@code (Runnable) -> Thread}: the virtual thread a continuation belongs to; null if unknown. */
    private static final MethodHandle THREAD_OF;
    /** {@code (Thread) -> UncaughtExceptionHandler}: the field itself, without a state check. */
    private static final MethodHandle HANDLER_OF;
    /** The JDK's scheduler for virtual threads, where foreign continuations go. */
    private static final Executor DEFAULT_SCHEDULER;

    private static final VarHandle RUNNING, STEPS;

    static {
        Constructor<?> builder = null;
        MethodHandle currentCarrier = null;
        String why = null;
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            builder = c.getDeclaredConstructor(Executor.class);
            builder.setAccessible(true);
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            currentCarrier =
                    lookup.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            builder = null;
            why = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        CURRENT_CARRIER = currentCarrier;
        MethodHandle threadOf = null, handlerOf = null;
        Executor defaultScheduler = null;
        if (why == null) {
            try {
                Class<?> vt = Class.forName("java.lang.VirtualThread");
                MethodHandles.Lookup vtLookup = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
                defaultScheduler =
                        (Executor) vtLookup.findStatic(vt, "defaultScheduler", MethodType.methodType(Executor.class))
                                .invoke();
                // The continuation is a method reference bound to its thread: read that one field.
                Runnable probe = (Runnable) vtLookup.findGetter(vt, "runContinuation", Runnable.class)
                        .invoke(Thread.ofVirtual().unstarted(() -> {}));
                for (Field f : probe.getClass().getDeclaredFields()) {
                    if (f.getType() == vt) {
                        f.setAccessible(true);
                        threadOf = MethodHandles.lookup()
                                .unreflectGetter(f)
                                .asType(MethodType.methodType(Thread.class, Runnable.class));
                    }
                }
                handlerOf = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                        .findGetter(Thread.class, "uncaughtExceptionHandler", Thread.UncaughtExceptionHandler.class)
                        .asType(MethodType.methodType(Thread.UncaughtExceptionHandler.class, Thread.class));
            } catch (Throwable e) {
                threadOf = null;
                System.getLogger("dev.aio4j").log(System.Logger.Level.DEBUG, "cannot tell continuations apart", e);
            }
            if (threadOf == null || handlerOf == null) {
                // The loop strand and foreign threads must be told apart by their continuation.
                builder = null;
                why = "this JDK's continuations cannot be told apart";
            }
        }
        BUILDER = builder;
        UNAVAILABLE = why;
        THREAD_OF = threadOf;
        HANDLER_OF = handlerOf;
        DEFAULT_SCHEDULER = defaultScheduler;
        try {
            MethodHandles.Lookup own = MethodHandles.lookup();
            RUNNING = own.findVarHandle(CarrierScheduler.class, "running", Runnable.class);
            STEPS = own.findVarHandle(CarrierScheduler.class, "steps", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        if (why == null) {
            JdkWarmup.run();
        }
    }

    /** The strand a continuation belongs to, or null for a virtual thread this class did not create. */
    private static Strand strandOf(Runnable continuation) {
        try {
            Thread t = (Thread) THREAD_OF.invokeExact(continuation);
            return (Thread.UncaughtExceptionHandler) HANDLER_OF.invokeExact(t) instanceof Strand s ? s : null;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** The thread of a continuation. */
    private static Thread threadOf(Runnable continuation) {
        try {
            return (Thread) THREAD_OF.invokeExact(continuation);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** Null if carrier mode can run here, else why it cannot. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    private static final int AWAKE = 0, PARKED = 1, SELECTING = 2;
    private static final Thread.UncaughtExceptionHandler NO_STRAND = (t, e) -> {};
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    /** How the loop strand last stepped off the carrier (see the class notes). */
    private enum LoopWait {
        RUNNING,
        YIELDED,
        IDLE,
        SUSPENDED
    }

    private final Thread carrier;
    private final Thread.Builder.OfVirtual builder;
    /**
     * Task steps in the order they became ready: a continuation, or a task strand whose thread
     * is not created yet (its first step). Carrier's OS thread only.
     */
    private final java.util.ArrayDeque<Object> ready = new java.util.ArrayDeque<>(256);
    /** Steps made ready so far: the next step's number. See invariant 4 for who may count one. */
    private long stepsMadeReady;
    /** The number of the step at the head of {@code ready}. Carrier's OS thread only. */
    private long firstReadyStep;
    /** Carrier's OS thread only: foreign continuations, counted after those the owner counted. */
    private final java.util.ArrayDeque<Runnable> admitting = new java.util.ArrayDeque<>();
    /** Carrier's OS thread only: where {@link #execute} puts the next local continuation (eager start). */
    private int eagerInsert;
    /** Carrier's OS thread only: the strand whose thread {@link #firstStep} starts now, and its continuation. */
    private Strand starting;

    private Runnable startedContinuation;

    private static final int EAGER_HEAD = 1, EAGER_SECOND = 2;
    private final ConcurrentLinkedQueue<Runnable> foreign = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sleepState = new AtomicInteger(AWAKE);
    private volatile boolean draining;
    private volatile boolean closed;
    /** The selector the carrier waits on; written before the sleep state is published. */
    private volatile Selector selector;

    // The loop strand, as the carrier sees it: written by the loop strand and read by the
    // carrier, both on the carrier's OS thread.
    private Strand loopStrand;
    /** The loop strand's continuation, once it is ready to run again; null otherwise. */
    private Runnable loopContinuation;

    private LoopWait loopWait = LoopWait.SUSPENDED;
    /** YIELDED: ready strands numbered below this run before the loop strand. */
    private long loopLimit;
    /** YIELDED in runLastStrands: asked before the next iteration's steps run without the loop strand; else null. */
    private BooleanSupplier skipIteration;
    /** IDLE: when the idle wait ends, and what the selector reported. */
    private long idleDeadline;

    private int idleResult;

    // Watching: written by the carrier thread only (opaque), read by the watchdog.
    /** The continuation running now, or null while the carrier waits. */
    @SuppressWarnings("unused")
    private Runnable running;
    /** Continuations started so far. */
    @SuppressWarnings("unused")
    private long steps;
    /** Debug mode: add each continuation's run time to its strand. */
    private volatile boolean timing;

    /**
     * Debug timing: the time each strand's continuations have held the carrier, kept here rather
     * than in every strand. Carrier thread only (runTimed, and heldNanos from a running strand);
     * a strand leaves it at {@link #exit}.
     */
    private final Map<Strand, HeldTime> heldTimes = new IdentityHashMap<>();

    /** A running total of held time. */
    private static final class HeldTime {
        long nanos;
    }
    /** Carrier thread only, while {@code timing}: when the current continuation started. */
    private long runStartNanos;

    public CarrierScheduler(String name) {
        if (BUILDER == null) {
            throw new IllegalStateException("carrier mode unavailable: " + UNAVAILABLE);
        }
        try {
            builder = ((Thread.Builder.OfVirtual) BUILDER.newInstance(this)).inheritInheritableThreadLocals(false);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("carrier mode unavailable", e);
        }
        carrier = Thread.ofPlatform().name(name).daemon(true).unstarted(this::runCarrier);
        carrier.start();
    }

    @Override
    public String mode() {
        return "carrier";
    }

    // ---- the scheduler side: called by the JDK ----

    @Override
    public void execute(Runnable continuation) {
        Strand strand = strandOf(continuation);
        if (strand == null) {
            DEFAULT_SCHEDULER.execute(continuation); // a thread a task started: not the loop's
            return;
        }
        if (closed) {
            return; // no strand resumes after the loop closed
        }
        if (onCarrier()) {
            if (strand == loopStrand) {
                loopContinuation = continuation;
            } else if (strand == starting) {
                startedContinuation = continuation; // runs at once: see firstStep
            } else if (eagerInsert != 0) {
                insertEager(continuation);
            } else {
                ready.addLast(continuation);
                stepsMadeReady++;
            }
        } else {
            foreign.offer(continuation);
            wakeCarrier();
        }
    }

    private boolean onCarrier() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact() == carrier;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private void wakeCarrier() {
        int s = sleepState.get();
        if (s == PARKED) {
            if (sleepState.compareAndSet(PARKED, AWAKE)) {
                LockSupport.unpark(carrier);
            }
        } else if (s == SELECTING) {
            if (sleepState.compareAndSet(SELECTING, AWAKE)) {
                selector.wakeup();
            }
        }
    }

    // ---- the carrier thread ----

    private void runCarrier() {
        while (!closed) {
            if (!draining) {
                sleep(false, NO_DEADLINE);
                continue;
            }
            Runnable next = nextYieldedStep();
            if (next == null) {
                admitForeign();
                next = nextContinuation();
            }
            if (next == null) {
                RUNNING.setOpaque(this, (Runnable) null);
                if (loopWait == LoopWait.IDLE) {
                    idle();
                } else {
                    sleep(false, NO_DEADLINE); // until a submission from another thread
                }
                continue;
            }
            RUNNING.setOpaque(this, next);
            STEPS.setOpaque(this, (long) STEPS.getOpaque(this) + 1);
            try {
                if (timing) {
                    runTimed(next);
                } else {
                    next.run();
                }
            } catch (Throwable t) {
                // A continuation never throws; if the JDK says otherwise, keep the loop alive.
                System.getLogger("dev.aio4j").log(System.Logger.Level.ERROR, "continuation failed", t);
            }
        }
        RUNNING.setOpaque(this, (Runnable) null);
        ready.clear();
        foreign.clear();
    }

    /**
     * The hot path: the loop strand waits in runStrandsBefore and a step below its limit is
     * ready. Foreign submissions need not be admitted first: they would be counted above it.
     */
    private Runnable nextYieldedStep() {
        return loopWait == LoopWait.YIELDED && !ready.isEmpty() && firstReadyStep < loopLimit ? pollReady() : null;
    }

    /** What runs next, by the loop strand's state (see the class notes); null: nothing. */
    private Runnable nextContinuation() {
        switch (loopWait) {
            case YIELDED -> {
                if (!ready.isEmpty() && (firstReadyStep < loopLimit || skipNextIteration())) {
                    return pollReady();
                }
                return takeLoopContinuation();
            }
            case IDLE -> {
                if (loopContinuation == null && !ready.isEmpty()) {
                    endIdle(-1); // a strand became ready from another thread: a new iteration
                }
                return takeLoopContinuation();
            }
            case SUSPENDED -> {
                return takeLoopContinuation();
            }
            default -> {
                // The loop strand is blocked in a JDK call inside a callback: the others run on.
                return loopContinuation != null ? takeLoopContinuation() : ready.isEmpty() ? null : pollReady();
            }
        }
    }

    /**
     * The last steps of an iteration have run and more are ready: if the loop says the next
     * iteration would only run them, they become this run's steps (see
     * {@link Scheduler#runLastStrands}). Foreign steps were admitted, so they are counted too.
     */
    private boolean skipNextIteration() {
        if (skipIteration == null || !foreign.isEmpty() || !skipIteration.getAsBoolean()) {
            return false;
        }
        loopLimit = stepsMadeReady;
        return true;
    }

    private Runnable pollReady() {
        firstReadyStep++;
        Object next = ready.pollFirst();
        return next instanceof Strand s ? firstStep(s) : (Runnable) next;
    }

    /**
     * A task strand's first step is next: creates and starts its thread, and returns the
     * continuation the start hands to {@link #execute}, to run now rather than behind the others.
     */
    private Runnable firstStep(Strand strand) {
        starting = strand;
        newThread(strand).start();
        starting = null;
        Runnable r = startedContinuation;
        startedContinuation = null;
        return r;
    }

    /** Creates a task strand's thread, unstarted; the strand is its body and handler. */
    private Thread newThread(Strand strand) {
        Thread t = builder.uncaughtExceptionHandler(strand).unstarted(strand);
        builder.uncaughtExceptionHandler(NO_STRAND); // the builder must not keep the last task alive
        strand.thread = t;
        return t;
    }

    private Runnable takeLoopContinuation() {
        Runnable r = loopContinuation;
        if (r != null) {
            loopContinuation = null;
            loopWait = LoopWait.RUNNING;
        }
        return r;
    }

    /**
     * Moves continuations submitted from other threads into {@code ready}, counting them: first
     * those the owner of the stopped loop counted already, in their order, then the others.
     * Called only while {@code draining}: the thread that owns the loop counts nothing then.
     */
    private void admitForeign() {
        for (Runnable r; (r = foreign.poll()) != null; ) {
            Strand s = strandOf(r);
            if (s == null) {
                // Its thread has ended since it was submitted (the JDK clears an ended thread's
                // handler): a stale continuation, which does nothing when run (the JDK's
                // runContinuation returns at once for a thread that is not runnable). Handed on
                // as execute() hands on continuations that are not the loop's; it must not stop
                // the carrier.
                DEFAULT_SCHEDULER.execute(r);
            } else if (s == loopStrand) {
                loopContinuation = r;
            } else if (s.readySeq != Strand.NO_READY_SEQ) {
                s.readySeq = Strand.NO_READY_SEQ; // counted by the owner of the stopped loop, in order
                ready.addLast(r);
            } else {
                admitting.addLast(r);
            }
        }
        for (Runnable r; (r = admitting.pollFirst()) != null; ) {
            ready.addLast(r);
            stepsMadeReady++;
        }
    }

    /** Runs a continuation and adds its run time to its strand (debug mode). */
    private void runTimed(Runnable r) {
        Strand s = strandOf(r);
        long start = System.nanoTime();
        runStartNanos = start;
        r.run();
        if (s != null && s.thread != null) { // null: the body ended in this run, and exit() let go
            heldTimes.computeIfAbsent(s, k -> new HeldTime()).nanos += System.nanoTime() - start;
        }
    }

    /** The loop strand is IDLE and nothing is queued: wait for I/O, the deadline or a submission. */
    private void idle() {
        long deadline = idleDeadline;
        boolean useSelector = !selector.keys().isEmpty();
        int n = sleep(useSelector, deadline);
        if (n > 0 || (deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0)) {
            endIdle(n);
        }
    }

    /** Unparks the IDLE loop strand; its continuation comes back through {@link #execute}. */
    private void endIdle(int selected) {
        idleResult = selected;
        loopWait = LoopWait.RUNNING;
        LockSupport.unpark(loopStrand.thread);
    }

    /** Sleeps until woken or the deadline; returns the selector's count, or -1. */
    private int sleep(boolean useSelector, long deadline) {
        int state = useSelector ? SELECTING : PARKED;
        sleepState.set(state);
        try {
            if (!foreign.isEmpty() || closed) {
                return useSelector ? selector.selectNow() : -1;
            }
            long timeout = deadline == NO_DEADLINE ? -1 : Math.max(0, deadline - System.nanoTime());
            if (useSelector) {
                if (timeout < 0) {
                    return selector.select();
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(timeout + 999_999);
                return millis == 0 ? selector.selectNow() : selector.select(millis);
            }
            if (timeout < 0) {
                LockSupport.park(this);
            } else if (timeout > 0) {
                LockSupport.parkNanos(this, timeout);
            }
            return -1;
        } catch (IOException e) {
            System.getLogger("dev.aio4j").log(System.Logger.Level.ERROR, "selector failed", e);
            return -1;
        } finally {
            sleepState.set(AWAKE);
        }
    }

    // ---- the loop side ----

    @Override
    public void createLoopStrand(Strand loop, Runnable body) {
        loop.thread = builder.uncaughtExceptionHandler(loop).unstarted(body);
        builder.uncaughtExceptionHandler(NO_STRAND);
        loopStrand = loop;
    }

    /**
     * On the carrier, a task strand is queued as it is, numbered like any step, and its thread
     * created when that step is taken ({@link #firstStep}). The thread that owns a stopped loop
     * creates and starts it at once instead: its continuation reaches the carrier through
     * {@code foreign}, numbered now.
     */
    @Override
    public void start(Strand strand) {
        if (strand == loopStrand) {
            strand.thread.start();
        } else if (onCarrier()) {
            if (!closed) {
                ready.addLast(strand);
                stepsMadeReady++;
            }
        } else {
            numberOffCarrier(strand);
            newThread(strand).start();
        }
    }

    /**
     * Called by the thread that owns the stopped loop before it makes a strand ready: counts its
     * step now, in order with the callbacks that thread schedules, since its continuation reaches
     * the carrier through {@code foreign}.
     */
    private void numberOffCarrier(Strand strand) {
        if (strand != loopStrand && !onCarrier()) {
            strand.readySeq = stepsMadeReady++;
        }
    }

    /**
     * The new strand's first continuation goes to the head of {@code ready}, then the creator
     * yields and its continuation goes right behind it, both numbered below the head's, so the
     * carrier runs the new strand's first step next and resumes the creator as soon
     * as that step ends. If the creator cannot yield (pinned), the new strand simply runs first
     * once the creator waits.
     */
    @Override
    public void startEager(Strand creator, Strand strand) {
        Thread t = newThread(strand);
        eagerInsert = EAGER_HEAD;
        t.start();
        eagerInsert = EAGER_SECOND;
        Thread.yield();
        eagerInsert = 0;
    }

    /** Places a continuation for {@link #startEager}. Carrier's OS thread only. */
    private void insertEager(Runnable continuation) {
        if (eagerInsert == EAGER_HEAD || ready.isEmpty()) {
            ready.addFirst(continuation);
        } else {
            Object first = ready.pollFirst();
            ready.addFirst(continuation);
            ready.addFirst(first);
        }
        firstReadyStep--; // numbered as if made ready just before the head: the entries behind keep theirs
        eagerInsert = 0;
    }

    @Override
    public void park(Strand self) {
        LockSupport.park();
    }

    @Override
    public void unpark(Strand strand) {
        Thread t = strand.thread;
        if (t == null) {
            return; // not started (its first step is queued) or finished: nothing to wake
        }
        numberOffCarrier(strand);
        LockSupport.unpark(t);
    }

    @Override
    public void yieldNow(Strand self) {
        Thread.yield();
    }

    @Override
    public long stepsMadeReady() {
        return stepsMadeReady;
    }

    @Override
    public void admitForeignStrands() {
        assert onCarrier() && Strand.current() == loopStrand;
        admitForeign();
    }

    @Override
    public boolean strandsReady() {
        return !ready.isEmpty() || !foreign.isEmpty();
    }

    @Override
    public long firstReadyStep() {
        return ready.isEmpty() ? Long.MAX_VALUE : firstReadyStep;
    }

    @Override
    public void runStrandsBefore(Strand loop, long limit) {
        assert onCarrier() && Strand.current() == loopStrand;
        loopLimit = limit;
        loopWait = LoopWait.YIELDED;
        Thread.yield();
        loopWait = LoopWait.RUNNING;
    }

    @Override
    public void runLastStrands(Strand loop, long limit, BooleanSupplier skip) {
        skipIteration = skip;
        runStrandsBefore(loop, limit);
        skipIteration = null;
    }

    @Override
    public int idle(Strand loop, Selector sel, long timeoutNanos) throws IOException {
        assert onCarrier() && Strand.current() == loopStrand;
        if (timeoutNanos == 0) {
            return sel.selectNow();
        }
        selector = sel;
        idleDeadline = timeoutNanos < 0 ? NO_DEADLINE : System.nanoTime() + timeoutNanos;
        idleResult = -1;
        loopWait = LoopWait.IDLE;
        LockSupport.park();
        loopWait = LoopWait.RUNNING; // also when a permit made park return at once
        return idleResult;
    }

    @Override
    public void wakeIdle(Strand loop, Selector sel) {
        LockSupport.unpark(loop.thread);
    }

    @Override
    public void suspendLoop(Strand loop, BooleanSupplier resumed) {
        assert onCarrier() && Strand.current() == loopStrand;
        loopWait = LoopWait.SUSPENDED;
        draining = false;
        if (resumed.getAsBoolean()) {
            // A new run began after the loop strand decided to suspend, and its resumeLoop may
            // have set draining before the line above cleared it: with draining false the
            // carrier would never run the loop strand again. The run's state is written before
            // resumeLoop, so it is seen here whenever that happened.
            draining = true;
            loopWait = LoopWait.RUNNING;
            return;
        }
        LockSupport.park();
        draining = true; // the loop strand runs again, so the carrier must drain
        loopWait = LoopWait.RUNNING;
    }

    @Override
    public void resumeLoop(Strand loop) {
        draining = true;
        LockSupport.unpark(loop.thread);
        LockSupport.unpark(carrier);
    }

    /** Lets the finished thread die young: a task may be kept long after its body ended. */
    @Override
    public void exit(Strand self) {
        if (self != loopStrand) {
            self.thread = null;
            if (!heldTimes.isEmpty()) {
                heldTimes.remove(self);
            }
        }
    }

    @Override
    public long steps() {
        return (long) STEPS.getOpaque(this);
    }

    @Override
    public Thread runningThread() {
        Runnable r = (Runnable) RUNNING.getOpaque(this);
        return r == null ? null : threadOf(r);
    }

    @Override
    public void measureHeldTime(boolean on) {
        timing = on;
    }

    @Override
    public long heldNanos(Strand self) {
        HeldTime held = heldTimes.get(self);
        return (held == null ? 0 : held.nanos) + (System.nanoTime() - runStartNanos);
    }

    @Override
    public void shutdown() {
        closed = true;
        LockSupport.unpark(carrier);
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }
}
