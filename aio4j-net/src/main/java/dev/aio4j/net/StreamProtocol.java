package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.ExceptionContext;
import dev.aio4j.Task;
import dev.aio4j.internal.WaitQueue;
import java.io.IOException;
import java.net.SocketException;

/**
 * The protocol between a transport and a {@link StreamReader}/{@link StreamWriter} pair
 * (asyncio's {@code StreamReaderProtocol} with its {@code FlowControlMixin}).
 *
 * <p>Notes: drain waiters and close waiters park in wait queues (the core's internal
 * WaitQueue), are woken all at once and read the outcome from the fields, so no future ever
 * holds an exception nobody retrieves. On the server
 * side {@code handler} is set and {@code connectionMade} starts the handler's task; a second
 * {@code connectionMade} (after startTls) only swaps the transport. A handler that fails because
 * its peer reset or left (see {@link #isPeerFault}) is logged at DEBUG in one line with the peer
 * and its connection aborted; any other failure goes to the loop's exception handler.
 */
final class StreamProtocol implements BufferedProtocol {

    private static final System.Logger LOG = System.getLogger("dev.aio4j.net");
    /** The most one socket read takes (asyncio's {@code max_size}). */
    private static final int READ_CHUNK = LoopBuffers.SIZE;

    private final EventLoop loop;
    final StreamReader reader;
    private final ClientHandler handler;
    Transport transport;
    StreamWriter writer;
    boolean overTls;
    /** The host a client connection was opened to (for startTls), or null. */
    String connectHost;

    private boolean upgrading;
    /** The server-side handler's task, or null. */
    private Task<Void> handlerTask;

    private boolean writePaused;
    private boolean lost;
    private Throwable lossError;
    /** Tasks in drain() while writing is paused; the protocol is what they wait for. */
    private final WaitQueue drainWaiters = new WaitQueue(this);
    /** Tasks waiting for the connection to be lost. */
    private final WaitQueue closeWaiters = new WaitQueue(this);

    StreamProtocol(EventLoop loop, StreamReader reader, ClientHandler handler) {
        assert Aio.inLoop(loop);
        this.loop = loop;
        this.reader = reader;
        this.handler = handler;
    }

    @Override
    public void connectionMade(Transport t) {
        if (upgrading) {
            upgrading = false;
            overTls = true;
            this.transport = t;
            reader.setTransport(t);
            return;
        }
        this.transport = t;
        reader.setTransport(t);
        overTls = t.getExtraInfo("sslcontext") != null;
        if (handler != null) {
            writer = new StreamWriter(t, this, reader);
            Task<Void> task = loop.createTask(
                    () -> {
                        handler.handle(reader, writer);
                        return null;
                    },
                    "client " + t.getExtraInfo("peername"));
            handlerTask = task;
            task.addDoneCallback(f -> {
                if (f.cancelled()) {
                    t.close();
                    return;
                }
                Throwable e = f.exception();
                if (e == null) {
                    return;
                }
                if (isPeerFault(e)) {
                    // The peer reset or left mid-conversation: an expected event, one short line.
                    LOG.log(System.Logger.Level.DEBUG, () -> "client " + t.getExtraInfo("peername") + " gone: " + e);
                    t.abort();
                } else {
                    loop.callExceptionHandler(
                            new ExceptionContext("ClientHandler failed", e, task, null, task.getName()));
                    t.close();
                }
            });
        }
    }

    /**
     * True for what a peer causes by resetting or leaving: a SocketException (reset, broken pipe),
     * an EOFException (IncompleteReadError), also wrapped in the UncheckedIOException of
     * {@link StreamReader#lines()}.
     */
    static boolean isPeerFault(Throwable e) {
        Throwable t = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        if (t instanceof SocketException || t instanceof java.io.EOFException) {
            return true;
        }
        String m = t instanceof IOException ? String.valueOf(t.getMessage()) : "";
        return m.contains("Connection reset") || m.contains("Broken pipe");
    }

    /** Cancels the server-side handler's task if it still runs; false if there is none. */
    boolean cancelHandler(String message) {
        assert Aio.inLoop(loop);
        if (handlerTask == null || handlerTask.done()) {
            return false;
        }
        handlerTask.cancel(message);
        return true;
    }

    /** The next connectionMade comes from a TLS layer put under this protocol by startTls. */
    void expectUpgrade() {
        assert Aio.inLoop(loop);
        upgrading = true;
    }

    @Override
    public void dataReceived(byte[] data) {
        reader.feedData(data);
    }

    /** Plain sockets read through the reader's freeSpace (TLS calls dataReceived). */
    @Override
    public java.nio.ByteBuffer getBuffer(int sizeHint) {
        return reader.freeSpace(READ_CHUNK);
    }

    @Override
    public void bufferUpdated(int nbytes) {
        reader.bytesFed(nbytes);
    }

    @Override
    public boolean eofReceived() {
        reader.feedEof();
        return !overTls;
    }

    @Override
    public void connectionLost(Throwable error) {
        if (error == null) {
            reader.feedEof();
        } else {
            reader.setException(error);
        }
        lost = true;
        lossError = error;
        drainWaiters.unparkAll();
        closeWaiters.unparkAll();
    }

    @Override
    public void pauseWriting() {
        writePaused = true;
    }

    @Override
    public void resumeWriting() {
        writePaused = false;
        drainWaiters.unparkAll();
    }

    /**
     * Waits while writing is paused; throws the loss error once the connection is lost. Returns
     * whether it waited.
     */
    boolean drainHelper() throws IOException {
        if (lost) {
            throw lossError(new SocketException("Connection lost"));
        }
        if (!writePaused) {
            return false;
        }
        drainWaiters.park(loop);
        if (lost && lossError != null) {
            throw lossError(null);
        }
        return true;
    }

    /** Waits for connectionLost; throws the error the connection was lost with, if any. */
    void awaitClosed() throws IOException {
        if (!lost) {
            closeWaiters.park(loop);
        }
        if (lossError != null) {
            throw lossError(null);
        }
    }

    boolean isLost() {
        return lost;
    }

    private IOException lossError(IOException fallback) {
        if (lossError == null) {
            return fallback;
        }
        return StreamReader.rethrow(lossError);
    }
}
