package dev.aio4j;

import dev.aio4j.internal.WaitQueue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The futures given to {@link Aio#asCompleted}, in the order they complete (asyncio 3.13's
 * {@code as_completed} iterator).
 *
 * <pre>{@code
 * for (Future<Page> f : Aio.asCompleted(downloads)) {   // the original tasks, as they finish
 *     Page p = f.result();
 * }
 * for (Page p : Aio.asCompleted(downloads).results()) { // their results (or exceptions)
 *     ...
 * }
 * }</pre>
 *
 * <p>Each step waits, suspending the iterating task, until the next future is done. The two views
 * share one position, so an iteration can be resumed with either. With a timeout, whose clock
 * starts when {@code asCompleted} is called, every step after the deadline raises
 * {@link TimeoutError}; nothing is cancelled.
 *
 * <p>Differs from asyncio: plain iteration in asyncio yields coroutines that are not tied to a
 * particular input and wait only when awaited; here {@link #results()} waits in
 * {@code next()}, which is how a blocking-style iterator can return a value. Iteration yields
 * each distinct future once (duplicates collapse, as in asyncio's set).
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: {@code todo} holds the futures not yet done, each with
 * {@link #onCompletion} as a done callback; {@code done} queues the finished ones in completion
 * order, then one {@code TIMED_OUT} marker per future left when the timer fires; {@code getters}
 * is the wait queue of the tasks waiting in {@code next()} (internal.WaitQueue), one woken per
 * queued item; a woken getter cancelled before it resumes hands its item's wake-up on.
 * {@code left} counts the steps not yet taken. Loop-affine.
 */
public final class AsCompleted<T> implements Iterable<Future<T>> {

    private static final Object TIMED_OUT = new Object();

    private final EventLoop loop;
    private final Set<Future<T>> todo = new LinkedHashSet<>();
    private final ArrayDeque<Object> done = new ArrayDeque<>();
    private final WaitQueue getters = new WaitQueue(this, this::wakeOne);
    private int left;
    private TimerHandle timer;
    /** One instance, so that removeDoneCallback finds it. */
    private final java.util.function.Consumer<Future<T>> callback = this::onCompletion;

    AsCompleted(Collection<? extends Future<T>> futures, Duration timeout) {
        Objects.requireNonNull(futures, "futures");
        this.loop = Aio.getRunningLoop();
        for (Future<T> f : futures) {
            Objects.requireNonNull(f, "futures contains null");
            if (f.loop != loop) {
                throw new IllegalArgumentException("future of another loop: " + f);
            }
            todo.add(f);
        }
        for (Future<T> f : todo) {
            f.addDoneCallback(callback);
        }
        if (!todo.isEmpty() && timeout != null) {
            timer = loop.callLater(timeout, this::onTimeout);
        }
        left = todo.size();
    }

    /** The completed futures themselves, in completion order. */
    @Override
    public Iterator<Future<T>> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public Future<T> next() {
                return step();
            }
        };
    }

    /**
     * The results of the futures in completion order: each {@code next()} waits for the next
     * future and returns its result, or throws its exception (a CancelledError for a cancelled
     * one), or a TimeoutError after the deadline.
     */
    public Iterable<T> results() {
        return () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public T next() {
                return step().result();
            }
        };
    }

    /** The number of steps left. */
    public int remaining() {
        return left;
    }

    private Future<T> step() {
        if (left == 0) {
            throw new NoSuchElementException("every future has been returned");
        }
        left--;
        Object item = take();
        if (item == TIMED_OUT) {
            throw new TimeoutError("asCompleted() timed out with " + (left + 1) + " futures not done");
        }
        @SuppressWarnings("unchecked")
        Future<T> f = (Future<T>) item;
        return f;
    }

    /** Takes the next queued item, waiting for one. */
    private Object take() {
        Task<?> task = Task.currentOrThrow("asCompleted iteration");
        if (task.loop != loop) {
            throw new IllegalStateException("asCompleted of " + loop + " iterated from a task of " + task.loop);
        }
        while (done.isEmpty()) {
            getters.park(loop);
        }
        return done.pollFirst();
    }

    private void put(Object item) {
        done.addLast(item);
        wakeOne();
    }

    /** Wakes the oldest waiting task if an item is queued (also the hand-on of a woken one). */
    private void wakeOne() {
        if (!done.isEmpty()) {
            getters.unparkOne();
        }
    }

    private void onCompletion(Future<T> f) {
        if (todo.isEmpty()) {
            return; // the timer was here first
        }
        todo.remove(f);
        put(f);
        if (todo.isEmpty() && timer != null) {
            timer.cancel();
        }
    }

    private void onTimeout() {
        for (Future<T> f : todo) {
            f.removeDoneCallback(callback);
            put(TIMED_OUT);
        }
        todo.clear();
    }

    @Override
    public String toString() {
        return "AsCompleted[left=" + left + ", done=" + done.size() + ", pending=" + todo.size() + "]";
    }
}
