package dev.aio4j.sync;

import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.internal.LoopBinding;
import dev.aio4j.internal.WaitQueue;

/**
 * A flag that tasks of one event loop can wait for (asyncio's Event). It starts clear;
 * {@link #set()} wakes every task waiting in {@link #await()}, and later calls return at once
 * until {@link #clear()}.
 *
 * <p>Contract: {@code set()} wakes every task waiting at that moment, even if {@code clear()}
 * runs before they resume: each of them returns normally. A cancelled waiter leaves no trace.
 *
 * <p>Bound to the loop that first uses it, like {@link Lock}. Differs from asyncio: the wait
 * is named {@code await()} ({@code wait} is a final method of Object) and returns nothing
 * (asyncio's returns True).
 */
public final class Event {

    /*
     * Implementation notes.
     *
     * Representation: `value` is the flag; `waiters` is the wait queue of the tasks parked in
     * await() (internal.WaitQueue); set() wakes all of them. A wake-up is a broadcast, so a
     * woken waiter cancelled before it resumes hands nothing on. A shared future would be
     * cheaper, but cancelling one waiter would cancel it for all (a task's cancellation cancels
     * the future it awaits).
     *
     * Invariants:
     *  1. Every field is touched only on the bound loop.
     *  2. While `value` is true, no task is parked in `waiters` without a wake-up.
     */

    /** The loop this event is bound to; null until first use. */
    private EventLoop loop;

    /** The flag. */
    private boolean value;

    /** The tasks parked in await(), oldest first. */
    private final WaitQueue waiters = new WaitQueue(this);

    /** A clear event. */
    public Event() {}

    /** True if the flag is set. */
    public boolean isSet() {
        return value;
    }

    /**
     * Sets the flag and wakes every waiting task.
     *
     * @throws IllegalStateException if bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public void set() {
        loop = LoopBinding.check(loop, this);
        if (!value) {
            value = true;
            waiters.unparkAll();
        }
    }

    /**
     * Clears the flag; tasks that call {@link #await()} from now on wait for the next
     * {@link #set()}. Tasks already woken still return.
     *
     * @throws IllegalStateException if bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public void clear() {
        loop = LoopBinding.check(loop, this);
        value = false;
    }

    /**
     * Returns at once if the flag is set, else waits until {@link #set()} is called.
     *
     * @throws CancelledError if the task is cancelled while waiting
     * @throws IllegalStateException if not called from a task, or from another loop than the
     *     event's
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public void await() {
        EventLoop l = loop = LoopBinding.check(loop, this);
        if (value) {
            return;
        }
        waiters.park(l);
    }

    /** The number of tasks parked in {@link #await()}, including woken ones not yet resumed. */
    public int waiters() {
        return waiters.size();
    }

    /** {@code Event[set, waiters=0]}. */
    @Override
    public String toString() {
        return "Event[" + (value ? "set" : "unset") + ", waiters=" + waiters.size() + "]";
    }
}
