package dev.aio4j;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loop's bridge to executors: {@link EventLoop#runInExecutor} (and so {@link Aio#toThread})
 * and the loop's default executor, made on first use (asyncio's {@code run_in_executor} and
 * {@code _default_executor}).
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The work runs on the executor's thread; its result comes back to the loop through
 * {@code callSoonThreadsafe}, which completes the loop future unless it was cancelled
 * meanwhile. Between the hand-off and the result the loop counts the call as pending external
 * work ({@code EventLoop.pendingExternal}), which keeps a virtual clock from jumping.
 *
 * <p>Threading: {@link #run} and {@link #setDefault} are called by whoever may touch the loop's
 * state; {@link #shutdownDefault} from outside the loop; {@code defaultExecutor} is volatile so
 * that a shutdown from another thread sees the executor made on the loop.
 */
final class ExecutorBridge {
    private final EventLoop loop;
    private volatile ExecutorService defaultExecutor;
    private volatile boolean shutdown;

    ExecutorBridge(EventLoop loop) {
        this.loop = loop;
    }

    /** Runs {@code fn} on {@code executor} (null: the default one); a loop future of its result. */
    <T> Future<T> run(Executor executor, Callable<T> fn) {
        assert loop.mayTouchState();
        Executor target = executor != null ? executor : defaultExecutor();
        Future<T> future = new Future<>(loop);
        loop.externalStarted();
        try {
            target.execute(new Call<>(loop, future, fn));
        } catch (RejectedExecutionException e) {
            loop.externalDone();
            future.setException(e);
        }
        return future;
    }

    /** Runs on the executor's thread; hands the result back to the loop. */
    private record Call<T>(EventLoop loop, Future<T> future, Callable<T> fn) implements Runnable {
        @Override
        public void run() {
            T value = null;
            Throwable failure = null;
            if (!future.cancelledUnsafe()) { // benign race: at worst fn runs for a cancelled future
                try {
                    value = fn.call();
                } catch (Throwable t) {
                    failure = t;
                }
            }
            T v = value;
            Throwable f = failure;
            try {
                loop.callSoonThreadsafe(() -> {
                    loop.externalDone();
                    if (!future.done()) {
                        if (f != null) {
                            future.setException(f);
                        } else {
                            future.setResult(v);
                        }
                    }
                });
            } catch (IllegalStateException closed) {
                // The loop closed while fn ran: nobody is left to receive the result.
            }
        }
    }

    /** The default executor: {@code min(32, cores + 4)} daemon platform threads, made on first use. */
    private ExecutorService defaultExecutor() {
        ExecutorService e = defaultExecutor;
        if (e == null) {
            if (shutdown) {
                throw new IllegalStateException("Executor shutdown has been called");
            }
            int max = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(
                    max, max, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> Thread.ofPlatform()
                            .daemon(true)
                            .name(loop.name() + "-executor-" + n.incrementAndGet())
                            .unstarted(r));
            pool.allowCoreThreadTimeOut(true);
            defaultExecutor = e = pool;
        }
        return e;
    }

    void setDefault(ExecutorService executor) {
        defaultExecutor = executor;
    }

    /** {@link EventLoop#shutdownDefaultExecutor}: shuts down and waits up to {@code timeout}. */
    boolean shutdownDefault(Duration timeout) {
        shutdown = true;
        ExecutorService e = defaultExecutor;
        if (e == null) {
            return true;
        }
        e.shutdown();
        try {
            return e.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** On close: shuts the default executor down without waiting. */
    void shutdownDefaultNow() {
        ExecutorService e = defaultExecutor;
        if (e != null) {
            e.shutdown();
        }
    }
}
