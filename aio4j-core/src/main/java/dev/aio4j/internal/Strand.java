package dev.aio4j.internal;

import dev.aio4j.Context;
import dev.aio4j.EventLoop;
import dev.aio4j.Task;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One thread of control scheduled by a loop: a task's virtual thread, or the loop's own strand.
 *
 * <p>Finding the current strand: each strand is installed as its thread's uncaught-exception
 * handler when the scheduler creates the thread, so {@link #current()} is one field read with no
 * per-thread map (a ThreadLocal would cost every task about 140 bytes and a map on the first
 * write). Strand bodies catch everything, so the handler itself only reports what escapes a
 * body by mistake.
 *
 * <p>A task's strand is its thread's body ({@link #run}, overridden by {@code TaskStrand}, which
 * runs the task), so a task costs no extra object for it.
 * Carrier mode creates a task's thread only when its first step is about to run, so
 * {@link #thread()} is null until then, and again once the body has finished (see
 * {@link CarrierScheduler}).
 *
 * <p>{@code queued} and {@code granted} are used by {@link BatonScheduler} only. Debug timing
 * keeps each strand's held time in {@link CarrierScheduler}, not here: a strand is part of
 * every task, and every byte of it counts.
 */
public abstract class Strand implements Thread.UncaughtExceptionHandler, Runnable {
    private static final VarHandle QUEUED;

    static {
        try {
            QUEUED = MethodHandles.lookup().findVarHandle(Strand.class, "queued", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The thread that runs this strand: set when the scheduler creates it (carrier mode: when the
     * task's first step is about to run), cleared in carrier mode when the task's body has ended.
     */
    Thread thread;

    /** Baton mode: true while this strand sits in the ready queue (at most once). */
    private volatile boolean queued;

    /** Baton mode: set by the dispatcher when this strand is given the baton; cleared by the strand. */
    volatile boolean granted;

    /** No ready number: see {@link #readySeq}. */
    static final long NO_READY_SEQ = Long.MIN_VALUE;

    /**
     * The number of this strand's step while it waits to run (see {@link Scheduler}, "One ready
     * order"): in portable mode for every wait in the ready queue; in carrier mode only when the
     * thread that owns a stopped loop made it ready (the scheduler counts the others itself).
     */
    long readySeq = NO_READY_SEQ;

    /** Set by the watchdog once it has reported this strand for holding its loop. */
    public volatile boolean stallReported;

    /** The task this strand runs, or null for the loop strand; read by the loop, never by schedulers. */
    public final Task<?> task;

    /**
     * The context this strand's code runs in: a task's own context, or, on the loop strand, the
     * context of the callback running. Touched only by this strand (and by the code that creates
     * it, before it starts); null on the loop strand until first read.
     */
    public Context context;

    /**
     * What this strand is parked for beyond the future it awaits (the Lock, Queue, Event,
     * StreamReader... whose wait queue holds it), for diagnostics such as the task tree and the
     * deadlock detector; null when it waits on a plain future or does not wait. Written only by
     * this strand, on its loop; read by diagnostics on the loop.
     */
    public Object waitingFor;

    protected Strand(Task<?> task) {
        this.task = task;
    }

    /** The loop that schedules this strand (a task's strand asks its task: one field less). */
    public abstract EventLoop loop();

    /** A task strand's body, its task's; the loop strand's thread runs the loop instead. */
    @Override
    public void run() {
        throw new IllegalStateException("only a task's strand is a thread's body");
    }

    /** The current thread's strand, or null if no loop schedules this thread. */
    public static Strand current() {
        return Thread.currentThread().getUncaughtExceptionHandler() instanceof Strand s ? s : null;
    }

    boolean isQueued() {
        return queued;
    }

    /** Marks the strand queued; false if it already was. */
    boolean markQueued() {
        return QUEUED.compareAndSet(this, false, true);
    }

    void clearQueued() {
        queued = false;
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        System.getLogger("dev.aio4j")
                .log(System.Logger.Level.ERROR, "uncaught in " + t + " of " + (task != null ? task : loop()), e);
    }

    /** The strand's thread; null in carrier mode before a task's first step and after its body. */
    public Thread thread() {
        return thread;
    }
}
