package dev.aio4j.process.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The platform threads that move bytes between child-process pipes and the loop. A pipe read or
 * write is a blocking native call that parks nothing, so it must never run on a loop's carrier
 * (or a task's virtual thread, which would hold that carrier).
 *
 * <p>Notes: a cached pool — a thread exists only while some pipe is being read or written, and
 * an idle one ends after {@link #KEEP_ALIVE_SECONDS}. Each pump job returns its thread as soon
 * as it has to wait for the loop (the reader is over its limit, or nothing is left to write),
 * so a paused or idle pipe holds no thread; a pipe whose child is silent holds one thread in
 * its blocked read.
 */
public final class PipePumps {
    private PipePumps() {
    }

    /** The name prefix of the pump threads ("aio4j-pipe-N"). */
    public static final String THREAD_NAME_PREFIX = "aio4j-pipe-";

    static final long KEEP_ALIVE_SECONDS = 5;

    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS, new SynchronousQueue<>(),
            Thread.ofPlatform().daemon().name(THREAD_NAME_PREFIX, 0).factory());

    /** The executor the pumps run on. */
    static Executor executor() {
        return POOL;
    }

    /** How many pump threads are alive (busy or idle), for tests and diagnostics. */
    public static int liveThreads() {
        return POOL.getPoolSize();
    }

    /** How many pump threads are running a job now. */
    public static int busyThreads() {
        return POOL.getActiveCount();
    }
}
