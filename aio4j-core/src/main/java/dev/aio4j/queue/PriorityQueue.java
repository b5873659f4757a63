package dev.aio4j.queue;

import java.util.Comparator;

/**
 * A {@link Queue} that hands out its smallest item first (asyncio's PriorityQueue): by their
 * natural order, or by a comparator. Items of equal priority come out in no particular order,
 * as with asyncio's heap; add a sequence number to the item to make it FIFO.
 *
 * <p>Differs from asyncio: a comparator may be given instead of relying on the items' order.
 *
 * @param <E> the type of the items: Comparable, unless a comparator is given
 */
public final class PriorityQueue<E> extends Queue<E> {
    /** A binary heap, smallest first. */
    private final java.util.PriorityQueue<E> heap;

    /** An unbounded queue of Comparable items. */
    public PriorityQueue() {
        this(0, null);
    }

    /** A queue of Comparable items holding at most {@code maxsize} (0 or less: unbounded). */
    public PriorityQueue(int maxsize) {
        this(maxsize, null);
    }

    /**
     * A queue ordered by {@code comparator} (null: the items' natural order), holding at most
     * {@code maxsize} items (0 or less: unbounded).
     */
    public PriorityQueue(int maxsize, Comparator<? super E> comparator) {
        super(maxsize);
        this.heap = new java.util.PriorityQueue<>(comparator);
    }

    /** @throws ClassCastException if the item is not Comparable and no comparator was given */
    @Override
    protected void addItem(E item) {
        heap.add(item);
    }

    @Override
    protected E removeItem() {
        return heap.poll();
    }

    @Override
    protected int itemCount() {
        return heap.size();
    }
}
