package dev.aio4j.process.internal;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.net.Protocol;
import dev.aio4j.net.Transport;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the two pipe transports share: the protocol, the hand-off of results from the pump thread
 * to the loop, the single running pump, and the one {@code connectionLost}.
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   OPEN --close()/abort()--> CLOSING --connectionLost--> CLOSED
 *     \---------------the pipe is lost: connectionLost------^
 * </pre>
 *
 * <p>Concurrency: at most one pump job runs at a time, owned through {@code pumping}: whoever
 * turns it from false to true (the loop starting a job, or a job going on after it let go)
 * owns the stream until it sets it back. Only the owner touches the stream, closing included,
 * so no thread closes a pipe another thread is blocked in (a closed descriptor number can be
 * reused at once, and a late read would then read someone else's file). A job that reaches EOF
 * or an error keeps {@code pumping} true for ever: nothing pumps that pipe again.
 *
 * <p>Results reach the loop through {@code callSoonThreadsafe}, so they arrive in the order the
 * pump produced them. Once the loop is closed the pump closes its stream and ends quietly.
 */
public abstract class PipeTransport implements Transport {

    final EventLoop loop;
    private final String name;
    private final Closeable stream;
    private final Runnable onLost;
    /** Loop only. */
    Protocol protocol;
    /** The transport's lifecycle (see the diagram in the class notes). */
    enum State {
        OPEN,
        CLOSING,
        CLOSED
    }

    /** Loop only. */
    private State state = State.OPEN;
    /** Set by the loop to tell the pump to stop at its next step. */
    volatile boolean stopped;
    /** True while a pump job owns the stream (see the notes). */
    final AtomicBoolean pumping = new AtomicBoolean();

    PipeTransport(EventLoop loop, String name, Closeable stream, Runnable onLost) {
        this.loop = loop;
        this.name = name;
        this.stream = stream;
        this.onLost = onLost;
    }

    /** The pump job; runs on a pump thread while it owns the stream. */
    abstract void pump();

    /** Starts a pump job unless one runs or the pipe is finished. Loop only. */
    final void kick() {
        assert Aio.inLoop(loop);
        if (!stopped && pumping.compareAndSet(false, true)) {
            PipePumps.executor().execute(this::pump);
        }
    }

    /** From the pump: runs {@code action} on the loop; false once the loop is closed. */
    final boolean post(Runnable action) {
        try {
            loop.callSoonThreadsafe(action);
            return true;
        } catch (IllegalStateException closedLoop) {
            stopped = true;
            return false;
        }
    }

    /** Closes the stream; call only while owning it, or when no job can run again. */
    final void closeStream() {
        try {
            stream.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
    }

    /** From the pump, at EOF or on an error: closes the stream and reports the loss. */
    final void finishFromPump(Throwable error) {
        closeStream();
        post(() -> connectionLost(error));
    }

    /**
     * Stops the pump: if no job runs, takes the stream over and closes it, then reports the loss;
     * a running job does both when its blocked call returns. Loop only.
     */
    final void stopPump() {
        assert Aio.inLoop(loop);
        stopped = true;
        if (pumping.compareAndSet(false, true)) {
            closeStream();
            loop.callSoon(() -> connectionLost(null));
        }
    }

    /** Delivers the one connectionLost. Loop only. */
    final void connectionLost(Throwable error) {
        assert Aio.inLoop(loop);
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            protocol.connectionLost(error);
        } finally {
            onLost.run();
        }
    }

    /**
     * From a closing loop (its close callbacks run on the closing thread, not on the loop): stops
     * the pump and releases the stream if no job holds it; nothing reaches the protocol again.
     */
    public final void release() {
        stopped = true;
        if (pumping.compareAndSet(false, true)) {
            closeStream();
        }
    }

    /** close() or abort() was called: OPEN becomes CLOSING. Loop only. */
    final void startClosing() {
        assert Aio.inLoop(loop);
        if (state == State.OPEN) {
            state = State.CLOSING;
        }
    }

    /** Loop only: close or abort was called, or the pipe was lost. */
    @Override
    public final boolean isClosing() {
        return state != State.OPEN;
    }

    @Override
    public final Object getExtraInfo(String name) {
        return "pipe".equals(name) ? stream : null;
    }

    @Override
    public final Protocol getProtocol() {
        return protocol;
    }

    @Override
    public final void setProtocol(Protocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + state.name().toLowerCase() + "]";
    }
}
