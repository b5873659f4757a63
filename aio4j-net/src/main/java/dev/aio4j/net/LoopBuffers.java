package dev.aio4j.net;

import dev.aio4j.EventLoop;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The two direct buffers through which a loop's sockets read and write heap data: one for
 * reads, one for writes, per loop.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Why: a socket read into (or write from) a heap buffer goes through a temporary direct buffer
 * anyway, which the JDK takes from a per-carrier cache on every call; owning the direct buffer
 * saves that lookup, lets a read land first in direct memory and then once in a {@code byte[]}
 * sized to the data, and lets several heap buffers leave in one {@code write} (coalesced).
 *
 * <p>Sharing: every transport and reader of a loop runs its I/O on the loop (its callbacks or
 * its tasks, one at a time), and each use fills and empties a buffer within one call, so one
 * pair per loop suffices. They are fetched once per transport or reader ({@link #of}) and kept
 * in a field; the map holds loops weakly, so a loop that is gone releases its pair.
 */
final class LoopBuffers {

    /** Each buffer's size: the most one socket read takes, as asyncio's {@code max_size}. */
    static final int SIZE = 256 * 1024;

    private static final Map<EventLoop, LoopBuffers> BY_LOOP = new WeakHashMap<>();

    /** What socket reads land in before they are copied into a {@code byte[]}. */
    final ByteBuffer read = ByteBuffer.allocateDirect(SIZE);
    /** Where heap bytes are gathered for one socket write. */
    final ByteBuffer write = ByteBuffer.allocateDirect(SIZE);

    private LoopBuffers() {}

    /** The pair of {@code loop}, made on first use. */
    static LoopBuffers of(EventLoop loop) {
        synchronized (BY_LOOP) {
            return BY_LOOP.computeIfAbsent(loop, l -> new LoopBuffers());
        }
    }
}
