package dev.aio4j.internal;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Task;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The system-wide resolver while aio4j-core is loaded: a lookup made by a task of a loop in
 * carrier mode runs the JDK's built-in resolver on a small pool of platform threads and
 * suspends only that task; every other lookup calls the built-in resolver directly, so it
 * behaves exactly as it.
 *
 * <p>This is what keeps {@code InetAddress.getByName}, the JDK HttpClient and JDBC drivers,
 * which resolve host names on the calling thread, from holding the loop while DNS is slow.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Where a lookup runs:
 * <ul>
 *   <li>A task in carrier mode: on the pool, awaited with {@link Aio#await}. The JDK calls
 *       resolvers while holding a per-name lock; a second task looking the same name up parks
 *       on that lock, which in carrier mode suspends only that task.
 *   <li>A task in portable mode: inline. There the second task would hold the baton while it
 *       waits on that JDK lock, and the first one could never be resumed to release it: two
 *       lookups of one name would deadlock the loop.
 *   <li>A loop callback, any other thread: inline (a callback cannot be suspended).
 * </ul>
 *
 * <p>Cancellation: the wait ends at once; the pool thread finishes the lookup and its result
 * is dropped (a native lookup cannot be interrupted). The JDK turns any exception a resolver
 * throws into an {@code UnknownHostException} and caches it as a failed lookup, so
 * {@link #lookupByName} does not throw the {@link CancelledError}: it returns a stream that
 * throws it when the JDK reads it, outside the JDK's catch and cache, and the caller sees the
 * CancelledError itself. For {@link #lookupByAddress} the JDK answers any failure with the
 * address's text; the cancellation is then re-armed so the task's next wait raises it.
 */
public final class TaskResolver implements InetAddressResolver {

    private final InetAddressResolver builtin;

    TaskResolver(InetAddressResolver builtin) {
        this.builtin = builtin;
    }

    /** The JDK's built-in resolver, which this one runs. */
    public InetAddressResolver builtin() {
        return builtin;
    }

    @Override
    public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        if (taskThatMaySuspend() == null) {
            return builtin.lookupByName(host, policy);
        }
        InetAddress[] found;
        try {
            found = onPool(() -> builtin.lookupByName(host, policy).toArray(InetAddress[]::new));
        } catch (CancelledError e) {
            return Stream.of(e).map(cancelled -> {
                throw cancelled;
            });
        }
        return Arrays.stream(found);
    }

    @Override
    public String lookupByAddress(byte[] addr) throws UnknownHostException {
        Task<?> task = taskThatMaySuspend();
        if (task == null) {
            return builtin.lookupByAddress(addr);
        }
        byte[] copy = addr.clone();
        try {
            return onPool(() -> builtin.lookupByAddress(copy));
        } catch (CancelledError e) {
            // A second request withdrawn at once leaves the count as it was and the
            // cancellation pending for the next wait.
            task.cancel(e.getMessage());
            task.uncancel();
            throw e;
        }
    }

    /** The current task, if it runs on a loop in carrier mode; else null. */
    private static Task<?> taskThatMaySuspend() {
        Strand s = Strand.current();
        if (s != null && s.task != null && s.loop().mode().equals("carrier")) {
            return s.task;
        }
        return null;
    }

    /** Runs {@code lookup} on the pool and waits for it, suspending only the current task. */
    private static <T> T onPool(Callable<T> lookup) throws UnknownHostException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Pool.EXECUTOR.execute(() -> {
            if (result.isDone()) {
                return; // the task was cancelled while this lookup was queued
            }
            try {
                result.complete(lookup.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return Aio.await(result);
        } catch (CompletionException e) {
            if (e.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            throw e;
        }
    }

    /** The lookup threads, started on the first lookup a task sends off the loop. */
    private static final class Pool {
        /** At most this many lookups run at once ({@code -Daio4j.dns.threads}); the rest queue. */
        static final int THREADS = Math.max(1, Integer.getInteger("aio4j.dns.threads", 8));

        static final ExecutorService EXECUTOR = create();

        private static ExecutorService create() {
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(
                    THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> Thread.ofPlatform()
                            .daemon(true)
                            .inheritInheritableThreadLocals(false)
                            .name("aio4j-dns-" + n.incrementAndGet())
                            .unstarted(r));
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }
}
