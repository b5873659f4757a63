package dev.aio4j.internal;

/**
 * One thread of control scheduled by a loop: a task's virtual thread, or the loop's own strand.
 *
 * <p>The fields below {@link #thread} are used by {@link BatonCarrier} only; {@link LoopCarrier}
 * needs nothing but the thread.
 */
public final class Strand {
    /** The thread that runs this strand; set once, before the strand is started. */
    Thread thread;

    /** Baton mode: true while this strand sits in the ready queue (at most once). */
    final java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();

    /** Baton mode: set by the dispatcher when this strand is given the baton; cleared by the strand. */
    volatile boolean granted;

    /** The strand running on the current thread, if it belongs to a loop. */
    public static final ThreadLocal<Strand> CURRENT = new ThreadLocal<>();

    /** The object this strand runs for (a Task, or the loop); read by the loop, never by carriers. */
    public final Object owner;

    /** The loop that schedules this strand. */
    public final Object loop;

    public Strand(Object owner, Object loop) {
        this.owner = owner;
        this.loop = loop;
    }

    /** The current thread's strand, or null. */
    public static Strand current() {
        return CURRENT.get();
    }

    public Thread thread() {
        return thread;
    }
}
