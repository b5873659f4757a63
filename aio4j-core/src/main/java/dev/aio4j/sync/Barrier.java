package dev.aio4j.sync;

import dev.aio4j.CancelledError;

/**
 * A meeting point for a fixed number of tasks of one event loop (asyncio's Barrier, 3.11+):
 * each task calling {@link #await()} waits until {@code parties} tasks have arrived, then all
 * continue together, and the barrier is ready for the next round.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@code await()} returns the arrival index, 0 for the first task of the round up to
 *       {@code parties - 1} for the last, which releases the others.
 *   <li>Tasks that arrive while the released ones are still leaving (draining) wait for the
 *       next round.
 *   <li>{@link #reset()} makes the current waiters throw {@link BrokenBarrierException} and
 *       returns the barrier to filling once they have left; {@link #abort()} breaks it: every
 *       current and later {@code await()} throws until {@code reset()}.
 *   <li>A waiter cancelled while filling leaves the count, as if it had not arrived.
 * </ul>
 *
 * <p>Bound to the loop that first uses it, like {@link Lock}. Differs from asyncio: the wait is
 * named {@code await()}; {@code n_waiting} and {@code broken} are {@link #waiting()} and
 * {@link #broken()}; {@code reset()} and {@code abort()} may wait, as in asyncio, so they are
 * called from a task.
 */
public final class Barrier {

    /*
     * Implementation notes.
     *
     *   FILLING --last party arrives--> DRAINING --all parties left--> FILLING
     *      |                               |
     *      +--reset() with waiters--> RESETTING --all left--> FILLING
     *      +--abort() (any state)--> BROKEN --reset()--> FILLING or RESETTING
     *
     * Representation: built on a Condition as asyncio's is; `count` is the number of tasks
     * inside await() (arrived and not yet left); state changes signal every waiter, which
     * re-checks the state.
     *
     * Invariants:
     *  1. Every field is touched only on the bound loop, with the condition's lock held.
     *  2. In DRAINING and RESETTING no task joins the count; newcomers wait for FILLING.
     *  3. When count drops to 0 in DRAINING or RESETTING the state becomes FILLING.
     */

    /** The barrier's lifecycle, named as in asyncio. */
    public enum State {
        FILLING,
        DRAINING,
        RESETTING,
        BROKEN
    }

    /** Its waiters are shown by diagnostics as waiting for this barrier. */
    private final Condition cond = new Condition(new Lock(), this);

    private final int parties;
    private State state = State.FILLING;
    private int count;

    /**
     * A barrier for {@code parties} tasks.
     *
     * @throws IllegalArgumentException if parties &lt; 1
     */
    public Barrier(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties < 1: " + parties);
        }
        this.parties = parties;
    }

    /**
     * Waits until {@code parties} tasks have called it, and returns this task's arrival index
     * in the round, 0 to {@code parties - 1}.
     *
     * @throws BrokenBarrierException if the barrier is broken, or is reset or aborted while
     *     waiting
     * @throws CancelledError if the task is cancelled while waiting; it then leaves the count
     * @throws IllegalStateException if not called from a task, or if bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public int await() {
        try (Held held = cond.acquire()) {
            cond.waitFor(() -> state != State.DRAINING && state != State.RESETTING);
            if (state == State.BROKEN) {
                throw new BrokenBarrierException("Barrier aborted: " + this);
            }
            try {
                int index = count++;
                if (index + 1 == parties) {
                    state = State.DRAINING;
                    cond.signalAll();
                } else {
                    cond.waitFor(() -> state != State.FILLING);
                    if (state == State.BROKEN || state == State.RESETTING) {
                        throw new BrokenBarrierException("Abort or reset of barrier: " + this);
                    }
                }
                return index;
            } finally {
                count--;
                leave();
            }
        }
    }

    /** Call only with the lock held, after a task left the count. */
    private void leave() {
        if (count == 0) {
            if (state == State.RESETTING || state == State.DRAINING) {
                state = State.FILLING;
            }
            cond.signalAll();
        }
    }

    /**
     * Returns the barrier to its initial state: tasks waiting now throw
     * {@link BrokenBarrierException}, and the barrier fills again once they have left. Also
     * repairs a broken barrier.
     *
     * @throws CancelledError if the task is cancelled while taking the barrier's lock
     */
    public void reset() {
        try (Held held = cond.acquire()) {
            if (count > 0) {
                state = State.RESETTING;
            } else {
                state = State.FILLING;
            }
            cond.signalAll();
        }
    }

    /**
     * Breaks the barrier: current and later {@link #await()} calls throw
     * {@link BrokenBarrierException} until {@link #reset()}.
     *
     * @throws CancelledError if the task is cancelled while taking the barrier's lock
     */
    public void abort() {
        try (Held held = cond.acquire()) {
            state = State.BROKEN;
            cond.signalAll();
        }
    }

    /** The number of tasks needed to pass the barrier. */
    public int parties() {
        return parties;
    }

    /** The number of tasks waiting while the barrier fills; 0 in any other state. */
    public int waiting() {
        return state == State.FILLING ? count : 0;
    }

    /** True if the barrier was aborted and not reset since. */
    public boolean broken() {
        return state == State.BROKEN;
    }

    /** The barrier's state. */
    public State state() {
        return state;
    }

    /** {@code Barrier[filling, waiters=1/3]}. */
    @Override
    public String toString() {
        String s = "Barrier[" + state.name().toLowerCase();
        return state == State.BROKEN ? s + "]" : s + ", waiters=" + waiting() + "/" + parties + "]";
    }
}
