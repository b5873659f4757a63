package dev.aio4j.internal;

import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.Future;
import dev.aio4j.TimeoutError;
import java.time.Duration;

/**
 * The one wait queue of aio4j: tasks park in it until a primitive wakes them, oldest first.
 * Every primitive that makes tasks wait for a state change (Lock, Semaphore, Condition, Event,
 * Queue, asCompleted, the stream reader, a server's close) is a few lines of policy over one
 * or more of these, as Trio's primitives are over its {@code ParkingLot} and
 * java.util.concurrent's over AQS.
 *
 * <p>What it does for its primitive:
 * <ul>
 *   <li>{@link #park} suspends the calling task on a loop future of its own, so that a
 *       cancellation of the task cancels only that future (asyncio's rule: a task's
 *       cancellation cancels the future it awaits), and records the primitive in
 *       {@link Strand#waitingFor} while the task is parked, for diagnostics.
 *   <li>{@link #unparkOne}, {@link #unpark(int)} and {@link #unparkAll} wake the oldest waiters
 *       that are still waiting, skipping the ones whose task was cancelled.
 *   <li>The hand-on rule: a waiter that was woken and then leaves {@code park} by an exception
 *       (its task was cancelled between the wake-up and its resumption) has not used its
 *       wake-up. The queue then runs the primitive's hand-on step, which gives the wake-up to
 *       the next waiter if the state still calls for one (a free lock, a permit, an item).
 *       Queues whose wake-ups are broadcasts (an Event's set) have no hand-on step.
 * </ul>
 *
 * <p>Loop-affine: every method runs on the loop of the primitive; the primitive binds it.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: a doubly linked list of nodes, oldest first, each holding one waiter's
 * future, so a waiter that leaves early unlinks itself in O(1). A waiter's future is completed
 * with null to wake it (which unlinks its node at once, as Trio's {@code unpark} does) or is
 * cancelled by its task's cancellation (its node stays until the task resumes). {@code woken}
 * counts the waiters woken whose task has not resumed yet.
 *
 * <p>Cost of a wait: the future, which must be the waiter's own (a task's cancellation cancels
 * the future it awaits), and a node; the node of the last waiter to leave is kept for the next
 * park, so tasks that wait one at a time (a ping-pong, a lock passed from task to task)
 * allocate only the future. A wake-up allocates nothing here.
 *
 * <pre>
 *   park: linked (future PENDING) --unpark--> woken (FINISHED, unlinked) --resumes--> gone
 *                 \--task cancelled--> linked (CANCELLED) --resumes, unlinks itself--> gone
 *   woken --task cancelled before resuming--> gone, and the hand-on step runs
 * </pre>
 *
 * <p>Invariants:
 * <ol>
 *   <li>A node is in the list exactly while its future is not FINISHED and its task has not
 *       resumed; so a resuming waiter whose future is FINISHED was woken and is unlinked already.
 *   <li>{@code linked} is the number of nodes in the list; {@code woken} the number of FINISHED
 *       futures whose task has not resumed.
 *   <li>Each wake-up is used exactly once: by its waiter returning from {@code park}, or, if the
 *       waiter leaves by an exception, by the hand-on step.
 * </ol>
 *
 * <p>Not guaranteed: a woken waiter resumes after every task and callback that were ready
 * before it; primitives that must not let newcomers overtake it (Lock, Semaphore) check
 * {@link #hasLiveWaiter()} on their fast path.
 */
public final class WaitQueue {

    /** One parked task; reused for the next wait once its task has left (see {@code spare}). */
    private static final class Node {
        Future<Void> future;
        Node prev;
        Node next;
    }

    /** What the waiters wait for, recorded in their strand while they are parked. */
    private final Object owner;

    /** Runs when a woken waiter leaves by an exception; null when wake-ups are broadcasts. */
    private final Runnable handOn;

    /** The oldest and newest parked waiter not woken yet; null when none. */
    private Node head;

    private Node tail;

    /** Nodes in the list (parked, not woken, their task not resumed). */
    private int linked;

    /** Waiters woken whose task has not resumed yet. */
    private int woken;

    /**
     * A node whose waiter has left, kept for the next park: a queue that tasks wait in one at a
     * time (a ping-pong, a lock handed from task to task) then allocates only the future.
     */
    private Node spare;

    /**
     * A queue whose wake-ups are broadcasts or single-use: a woken waiter that is cancelled
     * before it resumes hands nothing on.
     *
     * @param owner the primitive the waiters wait for, shown by diagnostics
     */
    public WaitQueue(Object owner) {
        this(owner, null);
    }

    /**
     * A queue whose wake-ups carry something (a free lock, a permit, an item, a signal).
     *
     * @param owner the primitive the waiters wait for, shown by diagnostics
     * @param handOn what to do with a wake-up whose waiter was cancelled before it could use
     *     it; runs on the loop after that waiter left the queue, typically "wake the next one
     *     if the state still calls for it" ({@link #unparkOne})
     */
    public WaitQueue(Object owner, Runnable handOn) {
        this.owner = owner;
        this.handOn = handOn;
    }

    // ------------------------------------------------------------------ parking

    /**
     * Parks the calling task until a call to {@code unpark...} wakes it.
     *
     * @throws CancelledError if the task is cancelled while parked; a wake-up it had received
     *     is handed on
     * @throws IllegalStateException if not called from a task of {@code loop}
     */
    public void park(EventLoop loop) {
        park(loop, null);
    }

    /**
     * {@link #park(EventLoop)}, followed by {@code then}, which belongs to the wait: it runs
     * after the task resumes, whatever the outcome, and if it throws after a wake-up that
     * wake-up is handed on, as if the task had been cancelled while parked. (Condition's
     * re-acquire of its lock.) An exception from {@code then} replaces the park's own.
     */
    public void park(EventLoop loop, Runnable then) {
        parkNode(loop, null, then);
    }

    /**
     * Parks the calling task until woken or until {@code timeout} of loop time has passed.
     *
     * @return true if woken, false if the time passed first
     * @throws CancelledError if the task is cancelled while parked; a wake-up it had received
     *     is handed on
     */
    public boolean parkAtMost(EventLoop loop, Duration timeout) {
        return parkNode(loop, timeout, null);
    }

    /** Every park: true if woken, false if {@code timeout} (when not null) passed first. */
    private boolean parkNode(EventLoop loop, Duration timeout, Runnable then) {
        Node node = link(loop.<Void>createFuture());
        Throwable failure = null;
        try {
            awaitParked(node.future, timeout);
        } catch (Throwable t) {
            failure = t;
        }
        boolean wasWoken = leave(node);
        if (then != null) {
            try {
                then.run();
            } catch (Throwable t) {
                failure = t;
            }
        }
        if (failure == null) {
            return true;
        }
        if (timeout != null && !wasWoken && failure instanceof TimeoutError) {
            return false;
        }
        if (wasWoken && handOn != null) {
            handOn.run(); // the hand-on rule: a wake-up its waiter did not use goes on
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw (RuntimeException) failure; // await() and Runnable.run() throw no checked exception
    }

    /** Awaits {@code future} with the owner recorded as what the current strand waits for. */
    private void awaitParked(Future<Void> future, Duration timeout) {
        Strand strand = Strand.current();
        if (strand != null) {
            strand.waitingFor = owner;
        }
        try {
            if (timeout == null) {
                future.await();
            } else {
                future.awaitWithin(timeout);
            }
        } finally {
            if (strand != null) {
                strand.waitingFor = null;
            }
        }
    }

    private Node link(Future<Void> future) {
        Node node = spare;
        if (node == null) {
            node = new Node();
        } else {
            spare = null;
        }
        node.future = future;
        Node t = tail;
        node.prev = t;
        if (t == null) {
            head = node;
        } else {
            t.next = node;
        }
        tail = node;
        linked++;
        return node;
    }

    private void unlink(Node node) {
        Node p = node.prev;
        Node n = node.next;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prev = p;
        }
        node.prev = node.next = null;
        linked--;
    }

    /**
     * The waiter of {@code node} has resumed: takes it out of the queue. Returns true if it had
     * been woken (its node is unlinked already; invariant 1).
     */
    private boolean leave(Node node) {
        Future<Void> f = node.future;
        boolean wasWoken = f.done() && !f.cancelled();
        if (wasWoken) {
            woken--;
        } else {
            if (!f.done()) {
                f.cancel(); // left without a wake-up (a time limit, an error): none may come later
            }
            unlink(node);
        }
        node.future = null;
        spare = node; // out of the list, and its waiter is done with it
        return wasWoken;
    }

    // ------------------------------------------------------------------ waking

    /**
     * Wakes the oldest waiter still parked (not woken, its task not cancelled).
     *
     * @return true if a waiter was woken, false if none was waiting
     */
    public boolean unparkOne() {
        for (Node n = head; n != null; n = n.next) {
            if (n.future.trySetResult(null)) {
                unlink(n);
                woken++;
                return true;
            }
        }
        return false;
    }

    /** Wakes up to {@code n} waiters, oldest first; returns how many were woken. */
    public int unpark(int n) {
        int count = 0;
        while (count < n && unparkOne()) {
            count++;
        }
        return count;
    }

    /** Wakes every waiter still parked; returns how many were woken. */
    public int unparkAll() {
        int count = 0;
        Node n = head;
        while (n != null) {
            Node next = n.next;
            if (n.future.trySetResult(null)) {
                unlink(n);
                woken++;
                count++;
            }
            n = next;
        }
        return count;
    }

    // ------------------------------------------------------------------ introspection

    /**
     * True if a waiter has a claim to the next turn: it is parked and its task was not
     * cancelled, or it was woken and has not resumed yet.
     */
    public boolean hasLiveWaiter() {
        if (woken > 0) {
            return true;
        }
        for (Node n = head; n != null; n = n.next) {
            if (!n.future.cancelled()) {
                return true;
            }
        }
        return false;
    }

    /** The number of waiters in the queue, including woken ones whose task has not resumed. */
    public int size() {
        return linked + woken;
    }

    /** The number of waiters not woken yet (a cancelled one counts until its task resumes). */
    public int parked() {
        return linked;
    }

    @Override
    public String toString() {
        return "WaitQueue[parked=" + linked + ", woken=" + woken + "]";
    }
}
