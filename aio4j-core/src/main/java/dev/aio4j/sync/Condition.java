package dev.aio4j.sync;

import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.internal.LoopBinding;
import dev.aio4j.internal.WaitQueue;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A condition variable for the tasks of one event loop (asyncio's Condition): tasks holding its
 * lock wait in {@link #await()} until another task signals them.
 *
 * <pre>{@code
 * try (var held = cond.acquire()) {
 *     cond.waitFor(() -> !items.isEmpty());
 *     process(items.removeFirst());
 * }
 * }</pre>
 *
 * <p>Contract:
 * <ul>
 *   <li>{@code await()} releases the lock, waits for a signal and re-acquires the lock; it
 *       always returns or throws with the lock held, also when the task is cancelled (the
 *       re-acquire waits through cancellations and rethrows the last one once the lock is held).
 *   <li>Spurious wake-ups are allowed: re-check the state, or use {@link #waitFor}.
 *   <li>{@code signal(n)} wakes up to n waiters, FIFO. A signalled waiter that then leaves
 *       {@code await()} by an exception (a cancellation) passes its signal to another waiter
 *       (asyncio 3.13).
 * </ul>
 *
 * <p>Bound to the loop that first uses it, like {@link Lock}. Differs from asyncio: wait,
 * notify and notify_all are named {@code await}, {@code signal(n)} and {@code signalAll}
 * ({@code wait}/{@code notify}/{@code notifyAll} are final methods of Object); the waiting
 * methods return nothing; calling them without the lock throws IllegalStateException (asyncio:
 * RuntimeError).
 */
public final class Condition {

    /*
     * Implementation notes.
     *
     * Representation: `lock` is the underlying lock (possibly shared with other conditions);
     * `waiters` is the wait queue of the tasks parked in await() (internal.WaitQueue). A
     * signal wakes the oldest parked waiters; re-acquiring the lock is part of the wait, so a
     * signalled waiter that leaves by an exception, while parked or while re-acquiring, hands
     * its signal to the next waiter (handOn).
     *
     * Invariants:
     *  1. Every field is touched only on the bound loop.
     *  2. Every exit from await() holds the lock.
     *  3. A signal is used once: by a waiter returning from await(), or handed on.
     */

    /** The loop this condition is bound to; null until first use. */
    private EventLoop loop;

    /** The lock that await() releases and re-acquires. */
    private final Lock lock;

    /** The tasks parked in await(), oldest first. */
    private final WaitQueue waiters;

    /** {@link #reacquire}, made once instead of at every wait. */
    private final Runnable reacquireStep = this::reacquire;

    /** A condition with a new lock of its own. */
    public Condition() {
        this(new Lock());
    }

    /** A condition over {@code lock}, which other conditions may share. */
    public Condition(Lock lock) {
        this(lock, null);
    }

    /** A condition whose waiters are shown by diagnostics as waiting for {@code owner}. */
    Condition(Lock lock, Object owner) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.waiters = new WaitQueue(owner == null ? this : owner, this::handOn);
    }

    /** Acquires the underlying lock; see {@link Lock#acquire()}. */
    public Held acquire() {
        return lock.acquire();
    }

    /** Releases the underlying lock; see {@link Lock#release()}. */
    public void release() {
        lock.release();
    }

    /** True if the underlying lock is held. */
    public boolean locked() {
        return lock.locked();
    }

    /** The underlying lock. */
    public Lock lock() {
        return lock;
    }

    /**
     * Releases the lock, waits until signalled, and re-acquires the lock. Returns or throws with
     * the lock held.
     *
     * @throws CancelledError if the task is cancelled (the lock is held again when it is thrown)
     * @throws IllegalStateException if the lock is not held, if not called from a task, or if
     *     bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public void await() {
        EventLoop l = loop = LoopBinding.check(loop, this);
        if (!lock.locked()) {
            throw new IllegalStateException("await() called without holding the lock of " + this);
        }
        lock.release();
        waiters.park(l, reacquireStep);
    }

    /** Takes the lock back, waiting through cancellations; then rethrows the last one. */
    private void reacquire() {
        // The caller's finally blocks expect the lock held, whatever happened to the wait.
        CancelledError cancelled = null;
        while (true) {
            try {
                lock.acquire();
                break;
            } catch (CancelledError e) {
                cancelled = e;
            }
        }
        if (cancelled != null) {
            throw cancelled;
        }
    }

    /**
     * Waits until {@code predicate} is true: checks it, then calls {@link #await()} and checks
     * again as long as it is false. Call with the lock held; returns with it held.
     *
     * @throws CancelledError if the task is cancelled (with the lock held)
     * @throws IllegalStateException as {@link #await()}
     */
    public void waitFor(BooleanSupplier predicate) {
        Objects.requireNonNull(predicate, "predicate");
        while (!predicate.getAsBoolean()) {
            await();
        }
    }

    /**
     * Wakes up to {@code n} waiting tasks, oldest first (asyncio's notify(n)). They return from
     * {@code await()} once they re-acquire the lock, which the caller still holds.
     *
     * @throws IllegalArgumentException if n &lt; 0
     * @throws IllegalStateException if the lock is not held, or if bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public void signal(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0: " + n);
        }
        loop = LoopBinding.check(loop, this);
        if (!lock.locked()) {
            throw new IllegalStateException("signal() called without holding the lock of " + this);
        }
        waiters.unpark(n);
    }

    /** Wakes one waiting task: {@code signal(1)}. */
    public void signal() {
        signal(1);
    }

    /** Wakes every waiting task (asyncio's notify_all). */
    public void signalAll() {
        signal(waiters.size());
    }

    /** A signalled waiter left by an exception: its signal goes to the next waiter. */
    private void handOn() {
        waiters.unparkOne();
    }

    /** The number of tasks parked in {@link #await()}, including woken ones not yet resumed. */
    public int waiters() {
        return waiters.size();
    }

    /** {@code Condition[locked, waiters=1]}. */
    @Override
    public String toString() {
        return "Condition[" + (lock.locked() ? "locked" : "unlocked") + ", waiters=" + waiters.size() + "]";
    }
}
