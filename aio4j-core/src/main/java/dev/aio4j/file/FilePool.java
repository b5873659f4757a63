package dev.aio4j.file;

import dev.aio4j.Aio;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads file operations run on: a bounded pool of platform daemon threads shared by every
 * loop of the process, so that a read never holds a loop's carrier. Its size is
 * {@code -Daio4j.file.threads=N} (default 16: file reads wait on the disk, not the CPU, and 8
 * large reads at once should not queue behind each other); idle threads end after 60 s.
 */
final class FilePool {
    private FilePool() {}

    static final int THREADS = Integer.getInteger("aio4j.file.threads", 16);

    private static final ExecutorService POOL = newPool();

    private static ExecutorService newPool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> Thread.ofPlatform()
                        .daemon(true)
                        .name("aio4j-file-" + n.incrementAndGet())
                        .unstarted(r));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The pool itself, for follow-up steps of an operation. */
    static Executor executor() {
        return POOL;
    }

    /**
     * Runs {@code op} on the pool and waits for it, suspending only the current task. Cancelled
     * before its turn, {@code op} never runs; once running, it completes and its outcome is
     * dropped (the loop's {@code runInExecutor} contract).
     */
    static <T> T call(Callable<T> op) throws IOException {
        try {
            return Aio.runInExecutor(POOL, op);
        } catch (CompletionException e) {
            throw ioCause(e);
        }
    }

    /**
     * Starts {@code op} on the pool and returns its completion, which always comes: unlike
     * {@link #call}, nothing cancels it. For operations whose effect must be kept even when the
     * task that asked for it is cancelled (see {@link AsyncFile}).
     */
    static <T> CompletableFuture<T> start(Callable<T> op) {
        return startOn(POOL, op);
    }

    /** {@link #start} on another executor. */
    static <T> CompletableFuture<T> startOn(Executor executor, Callable<T> op) {
        CompletableFuture<T> done = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                done.complete(op.call());
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    /** Waits for {@code op}, suspending only the task; a cancelled wait leaves {@code op} running. */
    static <T> T await(CompletableFuture<T> op) throws IOException {
        try {
            return Aio.await(op.copy());
        } catch (CompletionException e) {
            throw ioCause(e);
        }
    }

    /** The IOException a pool operation failed with, as the caller declared it. */
    private static IOException ioCause(CompletionException e) {
        if (e.getCause() instanceof IOException io) {
            return io;
        }
        throw e;
    }
}
