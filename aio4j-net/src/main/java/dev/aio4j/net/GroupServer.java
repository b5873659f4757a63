package dev.aio4j.net;

import dev.aio4j.Aio;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * A server of a {@link LoopGroup}: one {@link Server} per loop, all listening at the same port
 * with SO_REUSEPORT. Made by {@link LoopGroup#startServer} and {@link LoopGroup#createServer};
 * shut down with the group unless closed before. Its methods may be called from any thread
 * (from a task they suspend only the task); each {@link Server} in {@link #servers()} belongs to
 * its own loop and is loop-affine there.
 *
 * <p>asyncio has no equivalent (see {@link LoopGroup}).
 */
public final class GroupServer {
    private final LoopGroup group;
    /** One per loop that bound the address, in loop order. */
    private final List<Server> servers;

    private final int port;

    GroupServer(LoopGroup group, List<Server> servers, int port) {
        this.group = group;
        this.servers = List.copyOf(servers);
        this.port = port;
    }

    /** The port every loop listens on. */
    public int port() {
        return port;
    }

    /** The server of each loop, in loop order; each is loop-affine to its own loop. */
    public List<Server> servers() {
        return servers;
    }

    /**
     * Stops listening on every loop; client connections stay open (as {@link Server#close()}).
     * Idempotent. Connections the kernel had queued for a listening socket and no loop accepted
     * yet are reset when it closes.
     */
    public void close() {
        group.forget(this);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (Server s : servers) {
            done.add(onLoopOf(s, () -> {
                s.close();
                return null;
            }));
        }
        for (CompletableFuture<Void> f : done) {
            awaitQuietly(f);
        }
    }

    /**
     * Shuts the server down on every loop at once, each as {@link Server#shutdown(Duration)} does
     * within {@code grace}, and returns the sum of what they did.
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public ShutdownReport shutdown(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace < 0: " + grace);
        }
        group.forget(this);
        List<CompletableFuture<ShutdownReport>> reports = new ArrayList<>();
        for (Server s : servers) {
            reports.add(onLoopOf(s, () -> s.shutdown(grace)));
        }
        long served = 0;
        int finished = 0;
        int aborted = 0;
        for (CompletableFuture<ShutdownReport> f : reports) {
            ShutdownReport r = awaitQuietly(f);
            if (r != null) {
                served += r.served();
                finished += r.finished();
                aborted += r.aborted();
            }
        }
        return new ShutdownReport(served, finished, aborted);
    }

    /** Runs {@code body} on the server's loop; a loop already closed closed the server with it. */
    private static <T> CompletableFuture<T> onLoopOf(Server s, Callable<T> body) {
        if (s.getLoop().isClosed()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return Aio.runCoroutineThreadsafe(s.getLoop(), body);
        } catch (IllegalStateException closed) {
            return CompletableFuture.completedFuture(null); // the loop closed meanwhile, and its server with it
        }
    }

    /** The value of {@code f}, or null if the loop closed before it ran. */
    private static <T> T awaitQuietly(CompletableFuture<T> f) {
        try {
            return LoopGroup.awaitAnywhere(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException closed) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "GroupServer[port=" + port + ", loops=" + servers.size() + "]";
    }
}
