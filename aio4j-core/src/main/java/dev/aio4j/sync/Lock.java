package dev.aio4j.sync;

import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.internal.Holders;
import dev.aio4j.internal.LoopBinding;
import dev.aio4j.internal.WaitQueue;

/**
 * A mutual-exclusion lock for the tasks of one event loop (asyncio's Lock).
 *
 * <pre>{@code
 * try (var held = lock.acquire()) {
 *     counter++;            // no other task of the loop holds the lock here
 * }
 * }</pre>
 *
 * <p>Contract:
 * <ul>
 *   <li>FIFO hand-off: waiters get the lock in the order they called {@link #acquire()}. A
 *       newcomer never barges: while a woken waiter has not resumed yet, the lock reads as
 *       unlocked but a new {@code acquire()} queues behind it.
 *   <li>A cancelled waiter never ends up holding the lock; if it was already woken, it passes
 *       the wake-up on to the next waiter.
 *   <li>{@code release()} happens-before the next holder's {@code acquire()} returns (both run
 *       on the loop).
 *   <li>Not owned and not reentrant, as in asyncio: any task of the loop may release it, and a
 *       task that acquires twice waits for itself forever.
 * </ul>
 *
 * <p>The lock binds to the loop that first uses it; use from another loop throws
 * IllegalStateException, use from a thread that runs no loop throws WrongThreadException.
 * Introspection ({@link #locked()}, {@link #toString()}) may be called from anywhere.
 *
 * <p>Differs from asyncio: {@code acquire()} returns a {@link Held} for try-with-resources
 * instead of True, and releasing an unlocked lock throws IllegalStateException (asyncio:
 * RuntimeError). There is no timeout argument; compose with a timeout scope or cancellation.
 */
public final class Lock implements Held.Releasable {

    /*
     * Implementation notes.
     *
     * Representation: `locked` is the lock's state; `waiters` is the wait queue of the tasks
     * parked in acquire() (internal.WaitQueue, which also keeps the hand-on rule), made at the
     * first wait: a lock that is never contended reads one null field on its fast path (an
     * eager queue made an uncontended acquire/release about three times slower). release()
     * leaves the lock unlocked and wakes the oldest waiter, which takes it when it resumes; a
     * woken waiter cancelled before it resumes hands the wake-up to the next one (handOn).
     *
     * Invariants:
     *  1. Every field is touched only on the bound loop.
     *  2. If the lock is unlocked and a live waiter exists (parked and not cancelled, or woken
     *     and not resumed), one waiter is woken and not resumed: release() wakes one, and a
     *     woken waiter that leaves by an exception wakes the next.
     *  3. A woken waiter counts as live until its task resumes, so the fast path of acquire()
     *     queues behind it instead of barging.
     *
     * Not guaranteed: fairness among tasks that never waited (a fast-path acquire between two
     * releases takes the lock if nobody waits, as in asyncio).
     */

    static {
        Holders.register(Lock.class, lock -> Holders.ownerOf(((Lock) lock).holder));
    }

    /** The loop this lock is bound to; null until first use. */
    private EventLoop loop;

    /** True while some task holds the lock. */
    private boolean locked;

    /** The thread of the task that acquired the lock, while it is locked, for the deadlock detector; else null. */
    private Thread holder;

    /** The tasks parked in acquire(), oldest first; made at the first wait. */
    private WaitQueue waiters;

    /** An unlocked lock. */
    public Lock() {}

    /**
     * Waits until the lock is free and this task's turn has come, then takes it.
     *
     * @return a hold whose {@code close()} releases the lock (for try-with-resources)
     * @throws CancelledError if the task is cancelled while waiting; it then does not hold the
     *     lock
     * @throws IllegalStateException if not called from a task, or from another loop than the
     *     lock's
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public Held acquire() {
        EventLoop l = loop = LoopBinding.check(loop, this);
        if (locked || hasLiveWaiter()) {
            WaitQueue w = waiters;
            if (w == null) {
                w = waiters = new WaitQueue(this, this::handOn);
            }
            w.park(l);
        }
        locked = true;
        holder = Thread.currentThread();
        return new Held(this);
    }

    /**
     * Takes the lock if that needs no wait: it is unlocked and no live task waits for it.
     * Not in asyncio; the same test as its acquire's fast path.
     *
     * @return a hold on the lock, or null if the lock was not taken
     */
    public Held tryAcquire() {
        loop = LoopBinding.check(loop, this);
        if (!locked && !hasLiveWaiter()) {
            locked = true;
            holder = Thread.currentThread();
            return new Held(this);
        }
        return null;
    }

    /**
     * Releases the lock and wakes the first waiter, if any. The lock reads as unlocked until
     * that waiter resumes and takes it.
     *
     * @throws IllegalStateException if the lock is not locked, or is bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    @Override
    public void release() {
        loop = LoopBinding.check(loop, this);
        if (!locked) {
            throw new IllegalStateException("release() called on an unlocked " + this);
        }
        locked = false;
        holder = null;
        WaitQueue w = waiters;
        if (w != null) {
            w.unparkOne();
        }
    }

    /** True if a task waits for its turn (parked, or woken and not resumed); see WaitQueue. */
    private boolean hasLiveWaiter() {
        WaitQueue w = waiters;
        return w != null && w.hasLiveWaiter();
    }

    /** A woken waiter was cancelled before it took the lock: the next one takes its turn. */
    private void handOn() {
        if (!locked) {
            waiters.unparkOne();
        }
    }

    /** True if some task holds the lock. */
    public boolean locked() {
        return locked;
    }

    /** The number of tasks parked in {@link #acquire()}, including woken ones not yet resumed. */
    public int waiters() {
        WaitQueue w = waiters;
        return w == null ? 0 : w.size();
    }

    /** {@code Lock[locked, waiters=2]}. */
    @Override
    public String toString() {
        return "Lock[" + (locked ? "locked" : "unlocked") + ", waiters=" + waiters() + "]";
    }
}
