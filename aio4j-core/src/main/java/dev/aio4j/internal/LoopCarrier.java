package dev.aio4j.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Carrier mode: the loop is the scheduler of its strands' virtual threads.
 *
 * <p>One platform thread, the carrier, runs every continuation of the loop's virtual threads in
 * FIFO order. The JDK hands a continuation to {@link #execute} whenever one of those threads
 * starts, is unparked or yields.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: continuations submitted on the carrier's own OS thread (a task unparking
 * another, a yield) go to {@code local}, a plain deque only the carrier touches; submissions
 * from other threads go to {@code foreign}, a lock-free queue, and wake the carrier. The carrier
 * runs in rounds: move {@code foreign} to the tail of {@code local}, then run exactly the
 * continuations present at the start of the round, so foreign work cannot starve.
 *
 * <p>Invariants:
 * <ol>
 *   <li>The carrier thread runs only queue operations, continuations and the idle wait; it takes
 *       no lock a virtual thread could hold (the JDK calls {@code execute} while the caller is
 *       pinned, so {@code execute} never blocks and never runs anything inline).
 *   <li>The loop's own work runs in the loop strand, a virtual thread on this carrier. When it
 *       has nothing to do it records an idle request and parks; the carrier performs the
 *       blocking {@code select} only once no continuation is queued, then unparks the loop.
 *   <li>Nothing runs while the loop is stopped ({@code draining} false): queued continuations
 *       wait for the next run.
 * </ol>
 *
 * <p>Threads the loop did not create: a virtual thread that a task starts with the JDK's own
 * builders or executors inherits the task's scheduler (JDK 25), so its continuations arrive here
 * too. {@link #execute} tells them apart by the continuation's thread, whose uncaught-exception
 * handler is a {@link Strand} only for threads this class created, and hands the others to the
 * JDK's default scheduler: they run in parallel with the loop, and on after it closes.
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
public final class LoopCarrier implements Carrier, Executor {

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
            currentCarrier = lookup.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            builder = null;
            why = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        BUILDER = builder;
        CURRENT_CARRIER = currentCarrier;
        UNAVAILABLE = why;
        MethodHandle threadOf = null, handlerOf = null;
        Executor defaultScheduler = null;
        if (why == null) {
            try {
                Class<?> vt = Class.forName("java.lang.VirtualThread");
                MethodHandles.Lookup vtLookup = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
                defaultScheduler = (Executor) vtLookup.findStatic(vt, "defaultScheduler", MethodType.methodType(Executor.class)).invoke();
                // The continuation is a method reference bound to its thread: read that one field.
                Runnable probe = (Runnable) vtLookup.findGetter(vt, "runContinuation", Runnable.class)
                        .invoke(Thread.ofVirtual().unstarted(() -> { }));
                for (Field f : probe.getClass().getDeclaredFields()) {
                    if (f.getType() == vt) {
                        f.setAccessible(true);
                        threadOf = MethodHandles.lookup().unreflectGetter(f)
                                .asType(MethodType.methodType(Thread.class, Runnable.class));
                    }
                }
                handlerOf = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                        .findGetter(Thread.class, "uncaughtExceptionHandler", Thread.UncaughtExceptionHandler.class)
                        .asType(MethodType.methodType(Thread.UncaughtExceptionHandler.class, Thread.class));
            } catch (Throwable e) {
                threadOf = null; // every continuation is then taken for a strand's (JDK 25's default)
                System.getLogger("dev.aio4j").log(System.Logger.Level.DEBUG, "cannot tell foreign virtual threads apart", e);
            }
        }
        THREAD_OF = threadOf != null && handlerOf != null ? threadOf : null;
        HANDLER_OF = handlerOf;
        DEFAULT_SCHEDULER = defaultScheduler;
        try {
            MethodHandles.Lookup own = MethodHandles.lookup();
            RUNNING = own.findVarHandle(LoopCarrier.class, "running", Runnable.class);
            STEPS = own.findVarHandle(LoopCarrier.class, "steps", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        if (why == null) {
            JdkWarmup.run();
        }
    }

    /**
     * The strand a continuation belongs to, or null for a virtual thread this class did not
     * create (or if continuations cannot be told apart on this JDK, then every one is a strand's:
     * {@link #isForeign} answers false).
     */
    private static Strand strandOf(Runnable continuation) {
        try {
            Thread t = (Thread) THREAD_OF.invokeExact(continuation);
            return (Thread.UncaughtExceptionHandler) HANDLER_OF.invokeExact(t) instanceof Strand s ? s : null;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static boolean isForeign(Runnable continuation) {
        return THREAD_OF != null && strandOf(continuation) == null;
    }

    /** The thread of a continuation, or null if that cannot be told on this JDK. */
    private static Thread threadOf(Runnable continuation) {
        if (THREAD_OF == null) {
            return null;
        }
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
    private static final Thread.UncaughtExceptionHandler NO_STRAND = (t, e) -> { };
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Thread carrier;
    private final Thread.Builder.OfVirtual builder;
    /** Carrier thread only. */
    private final ArrayDeque<Runnable> local = new ArrayDeque<>(256);
    /** Carrier thread only: where {@link #execute} puts the next local continuation (eager start). */
    private int eagerInsert;
    private static final int EAGER_HEAD = 1, EAGER_SECOND = 2;
    private final ConcurrentLinkedQueue<Runnable> foreign = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sleepState = new AtomicInteger(AWAKE);
    private volatile boolean draining;
    private volatile boolean closed;
    /** The selector the carrier waits on; written before the sleep state is published. */
    private volatile Selector selector;

    // Watching: written by the carrier thread only (opaque), read by the watchdog.
    /** The continuation running now, or null while the carrier waits. */
    @SuppressWarnings("unused")
    private Runnable running;
    /** Continuations started so far. */
    @SuppressWarnings("unused")
    private long steps;
    /** Debug mode: add each continuation's run time to its strand. */
    private volatile boolean timing;
    /** Carrier thread only, while {@code timing}: when the current continuation started. */
    private long runStartNanos;

    // The loop's idle request: written by the loop strand and read by the carrier, both on the
    // carrier's OS thread.
    private Strand idleLoop;
    private long idleDeadline;
    private int idleResult;

    public LoopCarrier(String name) {
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
        if (isForeign(continuation)) {
            DEFAULT_SCHEDULER.execute(continuation); // a thread a task started: not the loop's
            return;
        }
        if (closed) {
            return; // no strand resumes after the loop closed
        }
        if (onCarrier()) {
            if (eagerInsert != 0) {
                insertEager(continuation);
            } else {
                local.addLast(continuation);
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
            for (Runnable r; (r = foreign.poll()) != null; ) {
                local.addLast(r);
            }
            int n = local.size();
            if (n == 0) {
                RUNNING.setOpaque(this, (Runnable) null);
                idle();
                continue;
            }
            for (int i = 0; i < n && draining; i++) {
                Runnable r = local.pollFirst();
                RUNNING.setOpaque(this, r);
                STEPS.setOpaque(this, (long) STEPS.getOpaque(this) + 1);
                try {
                    if (timing) {
                        runTimed(r);
                    } else {
                        r.run();
                    }
                } catch (Throwable t) {
                    // A continuation never throws; if the JDK says otherwise, keep the loop alive.
                    System.getLogger("dev.aio4j").log(System.Logger.Level.ERROR, "continuation failed", t);
                }
            }
        }
        RUNNING.setOpaque(this, (Runnable) null);
        local.clear();
        foreign.clear();
    }

    /** Runs a continuation and adds its run time to its strand (debug mode). */
    private void runTimed(Runnable r) {
        Strand s = THREAD_OF != null ? strandOf(r) : null;
        long start = System.nanoTime();
        runStartNanos = start;
        r.run();
        if (s != null) {
            s.heldNanos += System.nanoTime() - start;
        }
    }

    /** Nothing is queued: wait for the loop's idle request, or for any submission. */
    private void idle() {
        Strand loop = idleLoop;
        if (loop == null) {
            sleep(false, NO_DEADLINE);
            return;
        }
        long deadline = idleDeadline;
        boolean useSelector = !selector.keys().isEmpty();
        int n = sleep(useSelector, deadline);
        if (n > 0 || (deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0)) {
            idleResult = n;
            idleLoop = null;
            LockSupport.unpark(loop.thread);
        }
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
    public void create(Strand strand, Runnable body, boolean loopStrand) {
        strand.thread = builder.uncaughtExceptionHandler(strand).unstarted(body);
        builder.uncaughtExceptionHandler(NO_STRAND); // the builder must not keep the last task alive
    }

    @Override
    public void start(Strand strand) {
        strand.thread.start();
    }

    /**
     * The new strand's first continuation goes to the head of {@code local}, then the creator
     * yields and its continuation goes right behind it, so the carrier runs the new strand's first
     * step next and resumes the creator as soon as that step ends. If the creator cannot yield
     * (pinned), the new strand simply runs first once the creator waits.
     */
    @Override
    public void startEager(Strand creator, Strand strand) {
        eagerInsert = EAGER_HEAD;
        strand.thread.start();
        eagerInsert = EAGER_SECOND;
        Thread.yield();
        eagerInsert = 0;
    }

    /** Places a continuation for {@link #startEager}. Carrier thread only. */
    private void insertEager(Runnable continuation) {
        if (eagerInsert == EAGER_HEAD) {
            local.addFirst(continuation);
        } else {
            Runnable first = local.pollFirst();
            local.addFirst(continuation);
            if (first != null) {
                local.addFirst(first);
            }
        }
        eagerInsert = 0;
    }

    @Override
    public void park(Strand self) {
        LockSupport.park();
    }

    @Override
    public void unpark(Strand strand) {
        LockSupport.unpark(strand.thread);
    }

    @Override
    public void yieldNow(Strand self) {
        Thread.yield();
    }

    @Override
    public boolean othersReady() {
        return !local.isEmpty() || !foreign.isEmpty();
    }

    @Override
    public int idle(Strand loop, Selector sel, long timeoutNanos) throws IOException {
        if (timeoutNanos == 0) {
            return sel.selectNow();
        }
        selector = sel;
        idleDeadline = timeoutNanos < 0 ? NO_DEADLINE : System.nanoTime() + timeoutNanos;
        idleResult = -1;
        idleLoop = loop;
        LockSupport.park();
        idleLoop = null;
        return idleResult;
    }

    @Override
    public void wakeIdle(Strand loop, Selector sel) {
        LockSupport.unpark(loop.thread);
    }

    @Override
    public void suspendLoop(Strand loop) {
        draining = false;
        LockSupport.park();
        // A new run may have set draining before this strand cleared it (resumeLoop races the
        // end of the previous run); the loop strand runs again, so the carrier must drain.
        draining = true;
    }

    @Override
    public void resumeLoop(Strand loop) {
        draining = true;
        LockSupport.unpark(loop.thread);
        LockSupport.unpark(carrier);
    }

    @Override
    public void exit(Strand self) {
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
        return self.heldNanos + (System.nanoTime() - runStartNanos);
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
