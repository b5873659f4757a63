package dev.aio4j.sync;

import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.Future;
import dev.aio4j.internal.LoopBinding;
import java.util.ArrayDeque;
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
     * `waiters` holds one loop future per task parked in await(), oldest first. A signal
     * completes a future; each waiter removes its own future when it resumes.
     *
     * Invariants:
     *  1. Every field is touched only on the bound loop.
     *  2. Every exit from await() holds the lock.
     *  3. A waiter that exits await() by an exception signals one other waiter, so a signal it
     *     may have consumed is not lost (at the price of a possible spurious wake-up).
     */

    /** The loop this condition is bound to; null until first use. */
    private EventLoop loop;

    /** The lock that await() releases and re-acquires. */
    private final Lock lock;

    /** Futures of the tasks parked in await(), oldest first. */
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();

    /** A condition with a new lock of its own. */
    public Condition() {
        this(new Lock());
    }

    /** A condition over {@code lock}, which other conditions may share. */
    public Condition(Lock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
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
        Future<Void> fut = l.createFuture();
        lock.release();
        try {
            try {
                waiters.addLast(fut);
                try {
                    fut.await();
                } finally {
                    waiters.remove(fut);
                }
            } finally {
                // Re-acquire whatever happened: the caller's finally blocks expect the lock held.
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
        } catch (Throwable t) {
            wake(1); // we may have consumed a signal: pass it on
            throw t;
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
        wake(n);
    }

    /** Wakes one waiting task: {@code signal(1)}. */
    public void signal() {
        signal(1);
    }

    /** Wakes every waiting task (asyncio's notify_all). */
    public void signalAll() {
        signal(waiters.size());
    }

    /** Completes up to n pending waiter futures, oldest first. Call only on the loop. */
    private void wake(int n) {
        int woken = 0;
        for (Future<Void> f : waiters) {
            if (woken >= n) {
                break;
            }
            if (!f.done()) {
                woken++;
                f.setResult(null);
            }
        }
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
