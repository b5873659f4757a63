package dev.aio4j.queue;

import java.util.ArrayDeque;

/**
 * A {@link Queue} that hands out its most recent item first (asyncio's LifoQueue): a stack with
 * the queue's waiting, bounds, join and shutdown.
 *
 * @param <E> the type of the items
 */
public final class LifoQueue<E> extends Queue<E> {
    private final ArrayDeque<E> stack = new ArrayDeque<>();

    /** An unbounded stack. */
    public LifoQueue() {
        this(0);
    }

    /** A stack holding at most {@code maxsize} items (0 or less: unbounded). */
    public LifoQueue(int maxsize) {
        super(maxsize);
    }

    @Override
    protected void addItem(E item) {
        stack.addLast(item);
    }

    @Override
    protected E removeItem() {
        return stack.pollLast();
    }

    @Override
    protected int itemCount() {
        return stack.size();
    }
}
