package dev.aio4j.sync;

import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.internal.LoopBinding;
import dev.aio4j.internal.WaitQueue;

/**
 * A counter of permits for the tasks of one event loop (asyncio's Semaphore): {@link #acquire()}
 * takes one, waiting while none is free; {@link #release()} gives one back.
 *
 * <pre>{@code
 * Semaphore slots = new Semaphore(10);
 * try (var held = slots.acquire()) {
 *     fetch(url);           // at most 10 tasks here at once
 * }
 * }</pre>
 *
 * <p>Contract: waiters are served FIFO and never barged: {@link #locked()} is true while the
 * value is zero <em>or</em> a live task waits (asyncio 3.11+), and {@code acquire()} waits
 * whenever {@code locked()} is true. {@code release()} hands the permit to the first waiter at
 * once; a waiter cancelled after it was handed a permit gives the permit back, which passes it
 * to the next. Releasing more often than acquiring raises the value above its initial one,
 * as asyncio allows; {@link BoundedSemaphore} forbids it.
 *
 * <p>Bound to the loop that first uses it, like {@link Lock}. Differs from asyncio:
 * {@code acquire()} returns a {@link Held}; a negative initial value throws
 * IllegalArgumentException (asyncio: ValueError).
 */
public sealed class Semaphore implements Held.Releasable permits BoundedSemaphore {

    /*
     * Implementation notes.
     *
     * Representation: `value` counts free permits; `waiters` is the wait queue of the tasks
     * parked in acquire() (internal.WaitQueue), made at the first wait as Lock's is. Waking a waiter takes a permit on its behalf
     * (value--); a woken waiter cancelled before it resumes gives the permit back (handOn),
     * and the exit of acquire() passes it on.
     *
     * Invariants:
     *  1. Every field is touched only on the bound loop.
     *  2. value >= 0, and a woken waiter owns exactly one permit until its task resumes (and
     *     keeps it) or is cancelled (and gives it back: value++).
     *  3. On every exit from acquire(), waiters are woken while value > 0, so no permit sits
     *     unused while a live task waits.
     */

    /** The loop this semaphore is bound to; null until first use. */
    private EventLoop loop;

    /** Free permits; never negative. */
    private int value;

    /** The tasks parked in acquire(), oldest first; made at the first wait. */
    private WaitQueue waiters;

    /**
     * A semaphore with {@code value} permits.
     *
     * @throws IllegalArgumentException if value &lt; 0
     */
    public Semaphore(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("value < 0: " + value);
        }
        this.value = value;
    }

    /** A semaphore with one permit. */
    public Semaphore() {
        this(1);
    }

    /**
     * Takes a permit, waiting (FIFO) while {@link #locked()}.
     *
     * @return a hold whose {@code close()} releases the permit (for try-with-resources)
     * @throws CancelledError if the task is cancelled while waiting; it then holds no permit
     * @throws IllegalStateException if not called from a task, or from another loop than the
     *     semaphore's
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public Held acquire() {
        EventLoop l = loop = LoopBinding.check(loop, this);
        if (!locked()) {
            value--;
            return new Held(this);
        }
        WaitQueue w = waiters;
        if (w == null) {
            w = waiters = new WaitQueue(this, this::giveBackPermit);
        }
        try {
            w.park(l);
        } finally {
            while (value > 0 && wakeUpNext()) {
                // hand every free permit to a live waiter
            }
        }
        return new Held(this);
    }

    /**
     * Takes a permit if that needs no wait ({@link #locked()} is false). Not in asyncio.
     *
     * @return a hold on the permit, or null if none was taken
     */
    public Held tryAcquire() {
        loop = LoopBinding.check(loop, this);
        if (!locked()) {
            value--;
            return new Held(this);
        }
        return null;
    }

    /**
     * Gives a permit back and wakes the first waiter, if any.
     *
     * @throws IllegalStateException (BoundedSemaphore only) if the value would exceed the
     *     initial value; if bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    @Override
    public void release() {
        loop = LoopBinding.check(loop, this);
        checkRelease(value);
        value++;
        wakeUpNext();
    }

    /** The hook of BoundedSemaphore; called on the loop before a release. */
    void checkRelease(int currentValue) {}

    /**
     * True if {@link #acquire()} would wait: no permit is free, or a live task already waits
     * (asyncio 3.11+).
     */
    public boolean locked() {
        WaitQueue w = waiters;
        return value == 0 || w != null && w.hasLiveWaiter();
    }

    /** The number of free permits. */
    public int value() {
        return value;
    }

    /** The number of tasks parked in {@link #acquire()}, including woken ones not yet resumed. */
    public int waiters() {
        WaitQueue w = waiters;
        return w == null ? 0 : w.size();
    }

    /** Wakes the first waiter still parked, taking a permit for it. Call only on the loop. */
    private boolean wakeUpNext() {
        WaitQueue w = waiters;
        if (w != null && w.unparkOne()) {
            value--;
            return true;
        }
        return false;
    }

    /** A woken waiter was cancelled before it resumed: its permit is free again. */
    private void giveBackPermit() {
        value++;
    }

    /** {@code Semaphore[unlocked, value=2, waiters=0]}. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + (locked() ? "locked" : "unlocked") + ", value=" + value + ", waiters="
                + waiters() + "]";
    }
}
