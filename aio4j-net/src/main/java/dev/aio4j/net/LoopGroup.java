package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.RunOptions;
import dev.aio4j.Runner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Several event loops, each on its own carrier thread, run as one: a server that listens on
 * every loop at the same port, mains spread over the loops, and one shutdown for all of them.
 * This is how one process uses every core: a loop runs its tasks one at a time on one thread,
 * so a single loop never uses more than one core.
 *
 * <pre>{@code
 * try (LoopGroup group = LoopGroup.start()) {              // one loop per core
 *     GroupServer echo = group.startServer((reader, writer) -> {
 *         for (byte[] line : reader.lines()) { writer.write(line); writer.drain(); }
 *     }, "127.0.0.1", 8888);
 *     int answer = group.submit(() -> compute()).join();  // a main on the next loop
 *     ...
 * }                                                        // servers first, then tasks, then the loops
 * }</pre>
 *
 * <p>Servers: {@link #startServer} binds the same address on every loop with SO_REUSEPORT, and
 * the kernel spreads incoming connections over the listening sockets by a hash of each
 * connection's addresses and ports. A connection stays on the loop that accepted it; the kernel
 * does not know how busy each loop is, so a few long, heavy connections can load one loop more
 * than another. Port 0 picks a free port once, on the first loop, and the others bind that port.
 *
 * <p>Between loops: nothing is shared implicitly. A task hands work to another loop only
 * through the thread-safe calls: {@link #submit} (which is {@link Aio#runCoroutineThreadsafe}),
 * {@link EventLoop#callSoonThreadsafe}, or a thread-safe structure of the JDK. A loop's
 * futures, queues, locks, servers and streams belong to that loop and must not be touched from
 * another; a {@link CompletableFuture} may be awaited from anywhere ({@link Aio#await} in a
 * task, {@code join} on a plain thread).
 *
 * <p>How it differs from asyncio: asyncio has no equivalent. Its rule is one loop per thread, and
 * a Python process scales over cores with several processes (one loop each, often sharing a
 * listening socket or behind a load balancer). A LoopGroup keeps that rule — each loop is an
 * ordinary aio4j loop with asyncio's semantics — but puts the loops in one JVM, so they share
 * the heap, the JIT's work and the JDK's thread-safe structures. Past one machine, run more
 * processes behind a load balancer (see docs/PERFORMANCE.md, "Scaling over cores and machines").
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   RUNNING --shutdown--> SHUTTING_DOWN --every loop closed--> CLOSED
 * </pre>
 *
 * <p>Each loop belongs to a {@link Runner} driven by one platform thread of the group (its
 * owner), which runs a keeper main that waits for {@code stop}; the loop's carrier is a second
 * thread, as for any loop. Everything else a loop runs arrives through
 * {@link Aio#runCoroutineThreadsafe}, so it works before the keeper's first step.
 *
 * <p>Shutdown: (1) refuse new mains and servers; (2) shut every group server down on all its
 * loops at once, each within the grace period (stop accepting, cancel the handlers, abort what
 * is left); (3) complete {@code stop}: each keeper returns and its Runner closes the loop, which
 * cancels the tasks left (mains still running included: their futures end cancelled), waits for
 * them and shuts the default executor down; (4) join the owner threads.
 *
 * <p>Races handled: a {@link #submit} racing with the shutdown either reaches its loop before
 * the loop closes (and is cancelled with the other tasks) or fails its future with the loop's
 * "Event loop is closed"; none is lost.
 */
public final class LoopGroup implements AutoCloseable {

    /** The group's lifecycle. */
    public enum State {
        RUNNING,
        SHUTTING_DOWN,
        CLOSED
    }

    private static final AtomicInteger GROUP_COUNTER = new AtomicInteger();

    private final List<EventLoop> loops;
    private final List<Thread> owners;
    private final CompletableFuture<Void> stop = new CompletableFuture<>();
    private final AtomicInteger nextLoop = new AtomicInteger();
    /** Guarded by {@code this}. */
    private final List<GroupServer> servers = new ArrayList<>();

    private volatile State state = State.RUNNING;

    private LoopGroup(int size) {
        int id = GROUP_COUNTER.incrementAndGet();
        RunOptions options = RunOptions.defaults().withSigintHandling(false);
        List<EventLoop> loops = new ArrayList<>(size);
        List<Thread> owners = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Runner runner = new Runner(options);
            loops.add(runner.getLoop());
            owners.add(
                    Thread.ofPlatform().name("aio4j-group-" + id + "-loop-" + i).unstarted(() -> own(runner)));
        }
        this.loops = List.copyOf(loops);
        this.owners = List.copyOf(owners);
        for (Thread t : owners) {
            t.start();
        }
    }

    /** A group of one loop per available processor. */
    public static LoopGroup start() {
        return start(Runtime.getRuntime().availableProcessors());
    }

    /**
     * A group of {@code loops} loops, each running on a carrier thread of its own.
     *
     * @throws IllegalArgumentException if {@code loops < 1}
     */
    public static LoopGroup start(int loops) {
        if (loops < 1) {
            throw new IllegalArgumentException("loops < 1: " + loops);
        }
        return new LoopGroup(loops);
    }

    /** Runs one loop until the group stops, then closes it (on the owner thread). */
    private void own(Runner runner) {
        try (runner) {
            runner.run(() -> Aio.await(stop));
        }
    }

    /** The number of loops. */
    public int size() {
        return loops.size();
    }

    /** The loops, in index order. */
    public List<EventLoop> loops() {
        return loops;
    }

    /** The loop at {@code index}. */
    public EventLoop loop(int index) {
        return loops.get(Objects.checkIndex(index, loops.size()));
    }

    /** The group's state. Any thread. */
    public State state() {
        return state;
    }

    // ------------------------------------------------------------------ mains

    /**
     * Runs {@code main} as a task on the next loop in round-robin order. Any thread, including
     * a task of one of the group's loops. The future completes with the task's result or
     * exception (a failing main leaves its loop and the other mains running); cancelling it
     * cancels the task. Await it with {@link Aio#await} from a task, {@code join} elsewhere.
     *
     * @throws IllegalStateException if the group is shutting down or closed
     */
    public <T> CompletableFuture<T> submit(Callable<T> main) {
        return submit(Math.floorMod(nextLoop.getAndIncrement(), loops.size()), main);
    }

    /**
     * Runs {@code main} as a task on the loop at {@code index}; otherwise as {@link #submit(Callable)}.
     *
     * @throws IndexOutOfBoundsException if there is no such loop
     * @throws IllegalStateException if the group is shutting down or closed
     */
    public <T> CompletableFuture<T> submit(int index, Callable<T> main) {
        Objects.requireNonNull(main, "main");
        EventLoop loop = loop(index);
        checkRunning();
        return Aio.runCoroutineThreadsafe(loop, main);
    }

    // ------------------------------------------------------------------ servers

    /** {@link #startServer(ClientHandler, String, int, ServerOptions)} with the defaults. */
    public GroupServer startServer(ClientHandler handler, String host, int port) throws IOException {
        return startServer(handler, host, port, ServerOptions.defaults());
    }

    /**
     * {@link Net#startServer} on every loop of the group, at the same address with SO_REUSEPORT
     * (set whatever {@code options} say): each loop serves the connections it accepts. Port 0
     * binds a free port on the first loop and that port on the others. Any thread; from a task
     * it suspends only the task.
     *
     * @throws java.net.BindException if the address is in use by a socket without SO_REUSEPORT,
     *     or by another user; the loops that had bound it are closed again
     * @throws IllegalStateException if the group is shutting down or closed
     */
    public GroupServer startServer(ClientHandler handler, String host, int port, ServerOptions options)
            throws IOException {
        Objects.requireNonNull(handler, "handler");
        return bind(port, options, (p, o) -> Net.startServer(handler, host, p, o));
    }

    /**
     * {@link Net#createServer} (the protocol path) on every loop of the group, as
     * {@link #startServer(ClientHandler, String, int, ServerOptions)} does for streams.
     * {@code protocolFactory} is called on the loop that accepted each connection.
     */
    public GroupServer createServer(
            Supplier<? extends Protocol> protocolFactory, String host, int port, ServerOptions options)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        return bind(port, options, (p, o) -> Net.createServer(protocolFactory, host, p, o));
    }

    /** Makes one server on the running loop. */
    private interface Binder {
        Server bind(int port, ServerOptions options) throws IOException;
    }

    private GroupServer bind(int port, ServerOptions options, Binder binder) throws IOException {
        ServerOptions shared = options.withReusePort(true);
        List<Server> bound = new ArrayList<>();
        try {
            bound.add(awaitAnywhere(submit(0, () -> binder.bind(port, shared))));
            int actual = bound.get(0).port();
            List<CompletableFuture<Server>> rest = new ArrayList<>();
            for (int i = 1; i < loops.size(); i++) {
                rest.add(submit(i, () -> binder.bind(actual, shared)));
            }
            Throwable failure = null;
            for (CompletableFuture<Server> f : rest) {
                try {
                    bound.add(awaitAnywhere(f));
                } catch (IOException | RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
        } catch (Throwable t) {
            new GroupServer(this, bound, port).close();
            throw rethrowable(t);
        }
        GroupServer server = new GroupServer(this, bound, bound.get(0).port());
        synchronized (this) {
            if (state != State.RUNNING) {
                server.close();
                throw new IllegalStateException("LoopGroup is shutting down: " + this);
            }
            servers.add(server);
        }
        return server;
    }

    // ------------------------------------------------------------------ shutdown

    /** {@link #shutdown(Duration)} with {@link Server#DEFAULT_SHUTDOWN_GRACE}. */
    @Override
    public void close() {
        shutdown(Server.DEFAULT_SHUTDOWN_GRACE);
    }

    /**
     * Shuts every loop down together: the group's servers first (on every loop at once: stop
     * accepting, cancel the client handlers, wait up to {@code grace}, abort the rest), then the
     * tasks left on each loop are cancelled and waited for, as {@link Aio#run} does on exit, and
     * the loops close. Returns when every loop is closed. Idempotent; a second call while the
     * first runs waits for it.
     *
     * @throws IllegalStateException if called from a task or callback of one of the group's
     *     loops (that loop could never close)
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public void shutdown(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace < 0: " + grace);
        }
        if (onGroupLoop()) {
            throw new IllegalStateException("LoopGroup.shutdown() called from one of its own loops: " + this);
        }
        List<GroupServer> toShut;
        synchronized (this) {
            if (state == State.RUNNING) {
                state = State.SHUTTING_DOWN;
            }
            toShut = List.copyOf(servers);
            servers.clear();
        }
        for (GroupServer s : toShut) {
            s.shutdown(grace);
        }
        stop.complete(null);
        boolean interrupted = false;
        for (Thread t : owners) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        state = State.CLOSED;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized void forget(GroupServer server) {
        servers.remove(server);
    }

    private void checkRunning() {
        if (state != State.RUNNING) {
            throw new IllegalStateException("LoopGroup is shutting down: " + this);
        }
    }

    private boolean onGroupLoop() {
        EventLoop running = runningLoopOrNull();
        return running != null && loops.contains(running);
    }

    private static EventLoop runningLoopOrNull() {
        try {
            return Aio.getRunningLoop();
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /**
     * The value of {@code f}: from a task, suspending only the task; elsewhere, blocking the
     * thread. Checked exceptions other than IOException arrive wrapped in a RuntimeException.
     */
    static <T> T awaitAnywhere(CompletableFuture<T> f) throws IOException {
        if (runningLoopOrNull() != null) {
            try {
                return Aio.await(f);
            } catch (CompletionException e) { // how Aio.await carries a checked exception
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw e;
            }
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new CancellationException("interrupted while waiting for the loop");
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        }
    }

    /**
     * Returns {@code t} if it is an IOException, for the caller to throw; throws it if it is
     * unchecked, and anything else wrapped in a CompletionException.
     */
    private static IOException rethrowable(Throwable t) throws IOException {
        if (t instanceof IOException io) {
            return io;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new CompletionException(t);
    }

    @Override
    public String toString() {
        int n;
        synchronized (this) {
            n = servers.size();
        }
        return "LoopGroup[loops=" + loops.size() + ", servers=" + n + ", " + state + "]";
    }
}
