package dev.aio4j.queue;

import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.Timeout;
import dev.aio4j.TimeoutError;
import dev.aio4j.internal.LoopBinding;
import dev.aio4j.internal.WaitQueue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A first-in first-out queue between the tasks of one event loop (asyncio's Queue), optionally
 * bounded, with a count of unfinished items and a shutdown.
 *
 * <pre>{@code
 * Queue<String> queue = new Queue<>(100);
 * Aio.createTask(() -> { for (String url : urls) queue.put(url); queue.shutdown(); });
 * for (String url : queue) {           // ends once the queue is shut down and empty
 *     fetch(url);
 *     queue.taskDone();
 * }
 * }</pre>
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #put} waits while the queue is full, {@link #get} while it is empty; waiting
 *       putters and getters are served FIFO. A woken waiter that is cancelled before it takes
 *       its turn wakes the next one: no wake-up, slot or item is lost.
 *   <li>Every successful put raises the count of unfinished items; {@link #taskDone()} lowers
 *       it; {@link #join()} waits until it is zero.
 *   <li>{@link #shutdown(boolean)} (asyncio 3.13): puts throw {@link QueueShutDownException}
 *       from then on, blocked putters too. Gets drain the remaining items, then throw. An
 *       immediate shutdown drops the items, lowers the unfinished count by as many (so
 *       {@code join()} may return with work undone) and wakes every getter to throw.
 *   <li>Iterating the queue ({@code for (E item : queue)}) gets item after item, waiting as
 *       {@code get()} does, and ends when {@code get()} would throw QueueShutDownException.
 * </ul>
 *
 * <p>Subclasses change the order by overriding only the storage hooks {@link #addItem},
 * {@link #removeItem} and {@link #itemCount} (see {@link PriorityQueue}, {@link LifoQueue}).
 * Bound to the loop that first uses it: use from another loop throws IllegalStateException,
 * from a thread that runs no loop WrongThreadException. Size queries may be called anywhere.
 *
 * <p>Differs from asyncio: null items are refused; the exceptions are unchecked and named
 * QueueFullException, QueueEmptyException and QueueShutDownException; task_done() called too
 * often throws IllegalStateException (asyncio: ValueError).
 *
 * @param <E> the type of the items
 */
public class Queue<E> implements Iterable<E> {

    /*
     * Implementation notes. Algorithm: asyncio's, two FIFO wait queues of waiters.
     *
     * Representation: the items live in the storage hooks (an ArrayDeque here); `getters` and
     * `putters` are the wait queues of the tasks parked in get() and put() (internal.WaitQueue).
     * A woken waiter re-checks (a newcomer may have taken the slot or item first, so it may park
     * again, at the back). A woken waiter cancelled before it resumes hands its wake-up to the
     * next one if the item or slot is still there. `joiners` are the tasks in join(), all woken
     * when unfinished reaches 0.
     *
     * Invariants:
     *  1. Every field is touched only on the bound loop.
     *  2. A task parked in `getters` parked while the queue was empty; one in `putters`, while
     *     it was full. Each put wakes one getter, each get one putter.
     *  3. unfinished >= 0, and no task is parked in `joiners` while unfinished == 0.
     */

    /** The loop this queue is bound to; null until first use. */
    private EventLoop loop;

    private final int maxsize;

    /** The default storage: FIFO. Unused by subclasses that override the hooks. */
    private final ArrayDeque<E> items;

    /** The tasks parked in get(), oldest first. */
    private final WaitQueue getters = new WaitQueue(this, this::handOnToGetter);

    /** The tasks parked in put(), oldest first. */
    private final WaitQueue putters = new WaitQueue(this, this::handOnToPutter);

    /** The tasks parked in join(); all woken when unfinished reaches 0. */
    private final WaitQueue joiners = new WaitQueue(this);

    /** Items put and not yet matched by taskDone(). */
    private int unfinished;

    private boolean shutdown;

    /** An unbounded queue. */
    public Queue() {
        this(0);
    }

    /**
     * A queue that holds at most {@code maxsize} items; {@code maxsize <= 0} means unbounded.
     */
    public Queue(int maxsize) {
        this.maxsize = maxsize;
        this.items = needsDefaultStorage() ? new ArrayDeque<>() : null;
    }

    private boolean needsDefaultStorage() {
        return !(this instanceof PriorityQueue<?> || this instanceof LifoQueue<?>);
    }

    // ------------------------------------------------------------------ storage hooks

    /** Stores {@code item}; called on the loop, with room for it. Override with the others. */
    protected void addItem(E item) {
        items.addLast(item);
    }

    /** Removes and returns the next item; called on the loop, never when empty. */
    protected E removeItem() {
        return items.pollFirst();
    }

    /** The number of items stored. */
    protected int itemCount() {
        return items.size();
    }

    // ------------------------------------------------------------------ sizes

    /** The number of items in the queue. */
    public final int qsize() {
        return itemCount();
    }

    /** The largest number of items the queue holds; 0 or less means unbounded. */
    public final int maxsize() {
        return maxsize;
    }

    /** True if the queue holds no item. */
    public final boolean empty() {
        return itemCount() == 0;
    }

    /** True if the queue holds {@code maxsize} items; never true for an unbounded queue. */
    public final boolean full() {
        return maxsize > 0 && itemCount() >= maxsize;
    }

    // ------------------------------------------------------------------ putting

    /**
     * Puts {@code item} into the queue, waiting while it is full.
     *
     * @throws QueueShutDownException if the queue is shut down, before or while waiting
     * @throws CancelledError if the task is cancelled while waiting; the item was not put
     * @throws IllegalStateException if not called from a task (and the queue is full), or if
     *     bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public final void put(E item) {
        Objects.requireNonNull(item, "item");
        EventLoop l = bind();
        while (true) {
            if (shutdown) {
                throw new QueueShutDownException("put() on a shut-down " + this);
            }
            if (!full()) {
                break;
            }
            putters.park(l);
        }
        add(item);
    }

    /**
     * Puts {@code item} into the queue if it has room, without waiting.
     *
     * @throws QueueFullException if the queue is full
     * @throws QueueShutDownException if the queue is shut down
     * @throws IllegalStateException if bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public final void putNowait(E item) {
        Objects.requireNonNull(item, "item");
        bind();
        if (shutdown) {
            throw new QueueShutDownException("putNowait() on a shut-down " + this);
        }
        if (full()) {
            throw new QueueFullException("putNowait() on a full " + this);
        }
        add(item);
    }

    /** Stores {@code item}, which has room, and wakes the oldest getter. */
    private void add(E item) {
        addItem(item);
        unfinished++;
        getters.unparkOne();
    }

    // ------------------------------------------------------------------ getting

    /**
     * {@link #put(Object)} waiting at most {@code timeout} (named like {@code Future.awaitWithin};
     * the form of
     * {@code BlockingQueue.offer(e, timeout, unit)}; asyncio has none and writes
     * {@code asyncio.timeout(d)} around {@code put}). Same as {@code Timeout.after(timeout, () ->
     * put(item))}.
     *
     * @throws TimeoutError if the queue stayed full for {@code timeout}; the item was not put
     * @throws QueueShutDownException if the queue is shut down, before or while waiting
     * @throws CancelledError if the task is cancelled while waiting; the item was not put
     */
    public final void putWithin(E item, Duration timeout) {
        Objects.requireNonNull(item, "item");
        Timeout.after(timeout, (dev.aio4j.CheckedRunnable) () -> put(item));
    }

    /**
     * Removes and returns the next item, waiting while the queue is empty.
     *
     * @throws QueueShutDownException if the queue is shut down and empty, or was shut down
     *     immediately, before or while waiting
     * @throws CancelledError if the task is cancelled while waiting; no item was taken
     * @throws IllegalStateException if not called from a task (and the queue is empty), or if
     *     bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public final E get() {
        EventLoop l = bind();
        while (empty()) {
            if (shutdown) {
                throw new QueueShutDownException("get() on a shut-down and empty " + this);
            }
            getters.park(l);
        }
        return take();
    }

    /**
     * {@link #get()} waiting at most {@code timeout} (named like {@code Future.awaitWithin}: an
     * overload of {@code get} would make {@code queue::get} ambiguous; the form of
     * {@code BlockingQueue.poll(timeout, unit)}, but it throws instead of returning null; asyncio
     * has none and writes {@code asyncio.timeout(d)} around {@code get}). Same as
     * {@code Timeout.after(timeout, this::get)}.
     *
     * @throws TimeoutError if the queue stayed empty for {@code timeout}; no item was taken
     * @throws QueueShutDownException if the queue is shut down and empty, or was shut down
     *     immediately, before or while waiting
     * @throws CancelledError if the task is cancelled while waiting; no item was taken
     */
    public final E getWithin(Duration timeout) {
        return Timeout.after(timeout, () -> get());
    }

    /**
     * Removes and returns the next item if there is one, without waiting.
     *
     * @throws QueueEmptyException if the queue is empty and not shut down
     * @throws QueueShutDownException if the queue is empty and shut down
     * @throws IllegalStateException if bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public final E getNowait() {
        bind();
        if (empty()) {
            if (shutdown) {
                throw new QueueShutDownException("getNowait() on a shut-down and empty " + this);
            }
            throw new QueueEmptyException("getNowait() on an empty " + this);
        }
        return take();
    }

    /** Removes the next item, of which there is one, and wakes the oldest putter. */
    private E take() {
        E item = removeItem();
        putters.unparkOne();
        return item;
    }

    // ------------------------------------------------------------------ unfinished items

    /**
     * Marks one item taken from the queue as processed; when every item put has been marked,
     * tasks in {@link #join()} return.
     *
     * @throws IllegalStateException if called more often than items were put, or if bound to
     *     another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public final void taskDone() {
        bind();
        if (unfinished <= 0) {
            throw new IllegalStateException("taskDone() called too many times on " + this);
        }
        unfinished--;
        if (unfinished == 0) {
            finishJoiners();
        }
    }

    /**
     * Waits until every item put has been marked done with {@link #taskDone()} (or dropped by
     * an immediate shutdown). Returns at once if none is unfinished.
     *
     * @throws CancelledError if the task is cancelled while waiting
     * @throws IllegalStateException if not called from a task, or if bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public final void join() {
        EventLoop l = bind();
        if (unfinished == 0) {
            return;
        }
        joiners.park(l);
    }

    /** The number of items put and not yet marked done. */
    public final int unfinished() {
        return unfinished;
    }

    private void finishJoiners() {
        joiners.unparkAll();
    }

    // ------------------------------------------------------------------ shutdown

    /** A graceful shutdown: {@code shutdown(false)}. */
    public final void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down (asyncio 3.13): from now on puts throw
     * {@link QueueShutDownException}, and gets throw once the queue is empty. With
     * {@code immediate}, the items left are dropped (each counting as done for {@link #join()})
     * and gets throw at once. Every blocked putter and getter is woken to re-check. A later
     * call may escalate to immediate.
     *
     * @throws IllegalStateException if bound to another loop
     * @throws WrongThreadException if the calling thread runs no event loop
     */
    public final void shutdown(boolean immediate) {
        bind();
        shutdown = true;
        if (immediate) {
            while (!empty()) {
                removeItem();
                if (unfinished > 0) {
                    unfinished--;
                }
            }
            if (unfinished == 0) {
                finishJoiners();
            }
        }
        getters.unparkAll();
        putters.unparkAll();
    }

    /** True once {@link #shutdown(boolean)} was called. */
    public final boolean isShutdown() {
        return shutdown;
    }

    // ------------------------------------------------------------------ iteration

    /**
     * An iterator that gets items as {@link #get()} does, waiting while the queue is empty, and
     * ends when the queue is shut down and empty. Call from a task of the queue's loop. It does
     * not call {@link #taskDone()}; {@code remove()} is not supported.
     */
    @Override
    public final Iterator<E> iterator() {
        return new Iterator<>() {
            private E next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                if (ended) {
                    return false;
                }
                try {
                    next = get();
                    return true;
                } catch (QueueShutDownException e) {
                    ended = true;
                    return false;
                }
            }

            @Override
            public E next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the queue is shut down and empty");
                }
                E item = next;
                next = null;
                return item;
            }
        };
    }

    // ------------------------------------------------------------------ waiters

    /** A woken getter was cancelled before it resumed: the item goes to the next getter. */
    private void handOnToGetter() {
        if (!empty()) {
            getters.unparkOne();
        }
    }

    /** A woken putter was cancelled before it resumed: the free slot goes to the next putter. */
    private void handOnToPutter() {
        if (!full()) {
            putters.unparkOne();
        }
    }

    private EventLoop bind() {
        return loop = LoopBinding.check(loop, this);
    }

    /** The number of tasks parked in {@link #get()}. */
    public final int getters() {
        return getters.parked();
    }

    /** The number of tasks parked in {@link #put}. */
    public final int putters() {
        return putters.parked();
    }

    /** {@code Queue[maxsize=10, size=3, getters=0, putters=0, unfinished=3]}, plus ", shutdown". */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[maxsize=" + maxsize + ", size=" + itemCount() + ", getters="
                + getters.parked() + ", putters=" + putters.parked() + ", unfinished=" + unfinished
                + (shutdown ? ", shutdown]" : "]");
    }
}
