package dev.aio4j.process.internal;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The platform threads that start child processes and move bytes between their pipes and the
 * loop. A pipe read or write and a {@code posix_spawn} are native calls that park nothing, so they
 * must never run on a loop's carrier (or a task's virtual thread, which would hold that carrier).
 *
 * <p>Notes: a cached pool — a thread exists only while a child is being started or a pipe read
 * or written, and an idle one ends after {@link #KEEP_ALIVE_SECONDS}. Each pump job returns its thread as soon
 * as it has to wait for the loop (the reader is over its limit, or nothing is left to write),
 * so a paused or idle pipe holds no thread; a pipe whose child is silent holds one thread in
 * its blocked read.
 */
public final class PipePumps {
    private PipePumps() {}

    /** The name prefix of the pump threads ("aio4j-pipe-N"). */
    public static final String THREAD_NAME_PREFIX = "aio4j-pipe-";

    static final long KEEP_ALIVE_SECONDS = 5;

    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            Thread.ofPlatform().daemon().name(THREAD_NAME_PREFIX, 0).factory());

    /** The executor the pumps run on. */
    static Executor executor() {
        return POOL;
    }

    /**
     * Starts {@code builder}'s process on a pump thread, suspending only the calling task. If the
     * task is cancelled meanwhile, the process, once started, is killed (nobody would own it).
     *
     * @throws IOException what {@code ProcessBuilder.start} throws
     */
    public static Process start(ProcessBuilder builder) throws IOException {
        CompletableFuture<Process> started = new CompletableFuture<>();
        POOL.execute(() -> {
            try {
                Process process = builder.start();
                if (!started.complete(process)) {
                    process.toHandle().destroyForcibly(); // the starting task was cancelled
                }
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        });
        try {
            return Aio.await(started);
        } catch (CancelledError e) {
            // Whichever completes the future first decides who kills the child: here, or the pump.
            if (!started.cancel(false) && !started.isCompletedExceptionally()) {
                started.join().toHandle().destroyForcibly();
            }
            throw e;
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
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
