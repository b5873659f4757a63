package dev.aio4j;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * A loop's timers: a 4-ary min-heap ordered by deadline, then by scheduling order (the
 * {@link TimerHandle#compareTo} order), as asyncio's {@code _scheduled} heap. Loop-affine.
 *
 * <p>The deadlines live in a {@code long[]} beside the handles, so that sifting compares array
 * entries instead of following a pointer to each handle: with 100,000 sleeping tasks the handles
 * are scattered over the heap and {@code PriorityQueue}'s comparisons were cache misses (a
 * profile of 100,000 sleeps showed about an eighth of the loop's time in
 * {@code TimerHandle.compareTo} and the sift). A handle's sequence is read only when two
 * deadlines tie. Four children per node halve the levels a removal walks down (9 for 100,000
 * timers instead of 17), and the four deadlines it compares share a cache line or two.
 */
final class TimerQueue {
    private long[] deadlines = new long[16];
    private TimerHandle[] handles = new TimerHandle[16];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The earliest timer, or null. */
    TimerHandle peek() {
        return handles[0];
    }

    void add(TimerHandle t) {
        if (size == handles.length) {
            int capacity = size * 2;
            deadlines = Arrays.copyOf(deadlines, capacity);
            handles = Arrays.copyOf(handles, capacity);
        }
        siftUp(size++, t.whenNanos, t);
    }

    /** Removes and returns the earliest timer, or null. */
    TimerHandle poll() {
        if (size == 0) {
            return null;
        }
        TimerHandle first = handles[0];
        int last = --size;
        TimerHandle moved = handles[last];
        long movedWhen = deadlines[last];
        handles[last] = null;
        if (last > 0) {
            siftDown(0, movedWhen, moved);
        }
        return first;
    }

    void clear() {
        Arrays.fill(handles, 0, size, null);
        size = 0;
    }

    /** Removes the timers that {@code filter} accepts and restores the heap. */
    void removeIf(Predicate<TimerHandle> filter) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            TimerHandle t = handles[i];
            if (!filter.test(t)) {
                handles[kept] = t;
                deadlines[kept] = deadlines[i];
                kept++;
            }
        }
        Arrays.fill(handles, kept, size, null);
        size = kept;
        for (int i = size / 4; i >= 0; i--) { // from the last parent up; leaves need no sift
            siftDown(i, deadlines[i], handles[i]);
        }
    }

    /** True if the timer (aWhen, a) is due before (bWhen, b); reads the sequences only on a tie. */
    private static boolean before(long aWhen, TimerHandle a, long bWhen, TimerHandle b) {
        return aWhen < bWhen || (aWhen == bWhen && a.sequence < b.sequence);
    }

    private void siftUp(int k, long when, TimerHandle t) {
        while (k > 0) {
            int parent = (k - 1) >>> 2;
            long parentWhen = deadlines[parent];
            if (when > parentWhen || (when == parentWhen && t.sequence > handles[parent].sequence)) {
                break;
            }
            deadlines[k] = parentWhen;
            handles[k] = handles[parent];
            k = parent;
        }
        deadlines[k] = when;
        handles[k] = t;
    }

    private void siftDown(int k, long when, TimerHandle t) {
        while (true) {
            int first = 4 * k + 1;
            if (first >= size) {
                break;
            }
            int best = first;
            long bestWhen = deadlines[first];
            int end = Math.min(first + 4, size);
            for (int c = first + 1; c < end; c++) {
                long w = deadlines[c];
                if (w < bestWhen || (w == bestWhen && handles[c].sequence < handles[best].sequence)) {
                    best = c;
                    bestWhen = w;
                }
            }
            if (!before(bestWhen, handles[best], when, t)) {
                break;
            }
            deadlines[k] = bestWhen;
            handles[k] = handles[best];
            k = best;
        }
        deadlines[k] = when;
        handles[k] = t;
    }
}
