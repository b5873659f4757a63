package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.ExceptionContext;
import dev.aio4j.Future;
import dev.aio4j.Task;
import dev.aio4j.internal.WaitQueue;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A listening server: one or more bound sockets whose accepted connections each get a transport
 * and a protocol (asyncio's {@code Server}). Made by {@link Net#startServer},
 * {@link Net#createServer} and their Unix-domain twins; loop-affine.
 *
 * <p>{@link #close()} stops listening and leaves the clients connected; {@link #waitClosed()}
 * returns once the server is closed <em>and</em> every client connection is gone;
 * {@link #closeClients()} and {@link #abortClients()} end the clients; {@link #shutdown}
 * does all of it within a grace period.
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   NOT_SERVING --startServing--> SERVING --close--> CLOSED
 *        \---------------------close----------------^
 * </pre>
 *
 * <p>The server is registered with its loop ({@link EventLoop#addCloseable}) until closed, so a
 * loop that closes first closes the listening sockets; the client transports register
 * themselves.
 *
 * <p>{@code clients} holds every transport made by this server whose connectionLost has not
 * run (transports add and remove themselves). Accepting: up to {@code backlog} accepts per
 * readiness event; running out of file descriptors is reported to the exception handler and
 * pauses accepting for one second, as asyncio does.
 */
public final class Server implements AutoCloseable {

    /** The server's lifecycle. */
    public enum State {
        NOT_SERVING,
        SERVING,
        CLOSED
    }

    private static final Duration ACCEPT_RETRY_DELAY = Duration.ofSeconds(1);

    /** The grace period of the shutdown a cancelled {@link #serveForever()} does. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final EventLoop loop;
    private final List<ServerSocketChannel> channels;
    private final List<SocketAddress> addresses;
    private final Supplier<Protocol> protocolFactory;
    private final ServerOptions options;
    private final boolean tcp;
    private final Set<SocketTransport> clients = new LinkedHashSet<>();
    /** The application protocol of each client, to reach a stream handler's task. */
    private final Map<SocketTransport, Protocol> apps = new HashMap<>();

    private long served;
    /** Tasks in waitClosed(), all woken once the server is closed and every client is gone. */
    private final WaitQueue closeWaiters = new WaitQueue(this);

    private State state = State.NOT_SERVING;
    private Future<Void> servingForever;
    private Path unixPath;
    private Object unixFileKey;
    /** Registered with the loop until close(): closes the listening sockets if the loop closes first. */
    private final AutoCloseable releaseOnLoopClose = this::releaseOnLoopClose;

    Server(
            EventLoop loop,
            List<ServerSocketChannel> channels,
            Supplier<Protocol> protocolFactory,
            ServerOptions options,
            boolean tcp)
            throws IOException {
        this.loop = loop;
        this.channels = new ArrayList<>(channels);
        this.protocolFactory = protocolFactory;
        this.options = options;
        this.tcp = tcp;
        List<SocketAddress> addrs = new ArrayList<>();
        for (ServerSocketChannel ch : channels) {
            addrs.add(ch.getLocalAddress());
        }
        this.addresses = List.copyOf(addrs);
        loop.addCloseable(releaseOnLoopClose);
    }

    void setUnixPath(Path path) {
        assert Aio.inLoop(loop);
        this.unixPath = path;
        try {
            this.unixFileKey =
                    Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            this.unixFileKey = null;
        }
    }

    /** The loop this server belongs to. */
    public EventLoop getLoop() {
        return loop;
    }

    /** The addresses the server listens on (empty once closed), e.g. to learn a port picked by 0. */
    public List<SocketAddress> addresses() {
        return state == State.CLOSED ? List.of() : addresses;
    }

    /** The port of the first address (a convenience for servers started on port 0). */
    public int port() {
        return addresses.isEmpty() || !(addresses.get(0) instanceof InetSocketAddress a) ? -1 : a.getPort();
    }

    /** The server's state. */
    public State state() {
        return state;
    }

    /** True while accepting connections. */
    public boolean isServing() {
        return state == State.SERVING;
    }

    /** Starts accepting; idempotent. Yields once, as asyncio does. */
    public void startServing() {
        startListening();
        Aio.sleep(Duration.ZERO);
    }

    void startListening() {
        assert Aio.inLoop(loop);
        if (state != State.NOT_SERVING) {
            return;
        }
        state = State.SERVING;
        for (ServerSocketChannel ch : channels) {
            loop.addReader(ch, () -> accept(ch));
        }
    }

    /**
     * Accepts until cancelled (asyncio's {@code serve_forever}). Cancelling the task that runs it
     * (Ctrl-C in {@code Aio.run}) shuts the server down with {@link #DEFAULT_SHUTDOWN_GRACE}:
     * handlers are cancelled and get five seconds to finish before their connections are
     * aborted. {@link #close()} from elsewhere ends it too, and it then waits for the clients to
     * go, as asyncio does.
     *
     * <p>Differs from asyncio (3.12+), whose cancelled serve_forever waits for every client,
     * forever if one stays idle.
     *
     * @throws IllegalStateException if already serving forever, or if the server is closed
     */
    public void serveForever() throws IOException {
        if (servingForever != null) {
            throw new IllegalStateException("serveForever() is already running on " + this);
        }
        if (state == State.CLOSED) {
            throw new IllegalStateException("serveForever() called on a closed server: " + this);
        }
        servingForever = loop.createFuture();
        try {
            startServing();
            servingForever.await();
        } catch (CancelledError e) {
            Task<?> self = Aio.currentTask();
            boolean taskCancelled = self != null && self.cancelling() > 0;
            try {
                if (taskCancelled) {
                    shutdown(DEFAULT_SHUTDOWN_GRACE);
                } else {
                    close();
                    waitClosed();
                }
            } catch (CancelledError again) {
                e.addSuppressed(again);
            }
            throw e;
        } finally {
            servingForever = null;
        }
    }

    /**
     * Stops listening and closes the listening sockets; client connections stay open. Cancels a
     * running {@link #serveForever()}. Idempotent.
     */
    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        State was = state;
        state = State.CLOSED;
        loop.removeCloseable(releaseOnLoopClose);
        for (ServerSocketChannel ch : channels) {
            if (was == State.SERVING) {
                loop.removeReader(ch);
            }
        }
        closeSockets();
        if (servingForever != null) {
            servingForever.cancel(); // does nothing if it is done
        }
        wakeIfDone();
    }

    private void closeSockets() {
        for (ServerSocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                // the socket is gone either way
            }
        }
        cleanupUnixSocket();
    }

    /** The loop closed before this server did: close the listening sockets, scheduling nothing. */
    private void releaseOnLoopClose() {
        state = State.CLOSED;
        closeSockets();
    }

    private void cleanupUnixSocket() {
        if (unixPath == null || !options.cleanupSocket()) {
            return;
        }
        try {
            Object key =
                    Files.readAttributes(unixPath, BasicFileAttributes.class).fileKey();
            if (unixFileKey == null || Objects.equals(key, unixFileKey)) {
                Files.deleteIfExists(unixPath);
            }
        } catch (IOException e) {
            // replaced or removed meanwhile: not ours to delete
        }
    }

    /** Closes every client connection (after its buffered bytes); call {@link #close()} first. */
    public void closeClients() {
        for (SocketTransport t : List.copyOf(clients)) {
            t.close();
        }
    }

    /** Aborts every client connection at once. */
    public void abortClients() {
        for (SocketTransport t : List.copyOf(clients)) {
            t.abort();
        }
    }

    /**
     * Shuts the server down gracefully: stops accepting (ending {@link #serveForever()}), asks
     * every client connection to end, waits up to {@code grace} for them, then aborts the rest
     * and waits until they are gone. Asking means: a {@link Net#startServer} handler's task is
     * cancelled (it may still write a goodbye and drain in its cleanup; its connection is closed
     * when it ends); a protocol's transport is closed after its buffered bytes. Cancelling the
     * caller during the grace period aborts what is left at once.
     *
     * @return what it did: connections served, finished within the grace period, aborted
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public ShutdownReport shutdown(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace < 0: " + grace);
        }
        close();
        int open = clients.size();
        for (SocketTransport t : List.copyOf(clients)) {
            if (!(apps.get(t) instanceof StreamProtocol sp && sp.cancelHandler("server shutdown"))) {
                t.close();
            }
        }
        int aborted;
        try {
            waitClosed(grace);
        } finally {
            aborted = clients.size();
            abortClients();
        }
        waitClosed();
        return new ShutdownReport(served, open - aborted, aborted);
    }

    /** Waits like {@link #waitClosed()}, at most {@code timeout}. */
    private void waitClosed(Duration timeout) {
        if (state == State.CLOSED && clients.isEmpty()) {
            return;
        }
        closeWaiters.parkAtMost(loop, timeout);
    }

    /** The number of client connections not yet gone. */
    public int clientCount() {
        return clients.size();
    }

    /** Waits until the server is closed and every client connection is gone (either order). */
    public void waitClosed() {
        if (state == State.CLOSED && clients.isEmpty()) {
            return;
        }
        closeWaiters.park(loop);
    }

    private void wakeIfDone() {
        if (state == State.CLOSED && clients.isEmpty()) {
            closeWaiters.unparkAll();
        }
    }

    void attach(SocketTransport t) {
        assert Aio.inLoop(loop);
        clients.add(t);
    }

    void detach(SocketTransport t) {
        assert Aio.inLoop(loop);
        clients.remove(t);
        apps.remove(t);
        wakeIfDone();
    }

    private void accept(ServerSocketChannel ch) {
        for (int i = 0; i < options.backlog() && state == State.SERVING; i++) {
            SocketChannel c;
            try {
                c = ch.accept();
            } catch (IOException e) {
                onAcceptError(ch, e);
                return;
            }
            if (c == null) {
                return;
            }
            try {
                c.configureBlocking(false);
                if (tcp && options.noDelay()) {
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                Protocol app = protocolFactory.get();
                SocketTransport transport = Net.startTransport(
                        loop, c, app, Tls.Setup.server(options.ssl(), options.sslHandshakeTimeout()), this, null);
                apps.put(transport, app);
                served++;
            } catch (IOException | RuntimeException e) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // nothing more to do
                }
                loop.callExceptionHandler(new ExceptionContext(
                        "Error setting up an accepted connection on " + this, e, null, null, null));
            }
        }
    }

    private void onAcceptError(ServerSocketChannel ch, IOException e) {
        String m = String.valueOf(e.getMessage());
        loop.callExceptionHandler(
                new ExceptionContext("socket.accept() out of system resource on " + this, e, null, null, null));
        if (m.contains("Too many open files") || m.contains("No buffer space") || m.contains("Cannot allocate")) {
            loop.removeReader(ch);
            loop.callLater(ACCEPT_RETRY_DELAY, () -> {
                if (state == State.SERVING) {
                    loop.addReader(ch, () -> accept(ch));
                }
            });
        }
    }

    @Override
    public String toString() {
        return "Server[" + state.name().toLowerCase() + ", sockets=" + addresses() + ", clients=" + clients.size()
                + "]";
    }
}
