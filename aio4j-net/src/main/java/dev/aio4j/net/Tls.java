package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.ExceptionContext;
import dev.aio4j.Future;
import dev.aio4j.TimerHandle;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * TLS over a stream transport with {@link SSLEngine} (asyncio's {@code SSLProtocol}): the
 * protocol of the raw transport underneath, and through {@link #appTransport} the transport of
 * the application's protocol above.
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   the connection (State):
 *   HANDSHAKING --FINISHED--> WRAPPED --close()/close_notify--> SHUTDOWN --raw lost--> CLOSED
 *        \---error/timeout/raw lost---------------------------------------------------^
 *
 *   the application protocol's side (AppState):
 *   WAITING --handshake done: connectionMade--> CONNECTED --eofReceived--> EOF_RECEIVED
 *      |                                           |                            |
 *      |                                           +-------close()/abort()------+--> CLOSING
 *      |                                           |                            |       |
 *      +--close()/abort(), error, raw lost-------> CLOSED <--error/raw lost: connectionLost
 * </pre>
 *
 * <p>The application gets connectionMade once, and connectionLost once if and only if it got
 * connectionMade (states CONNECTED, EOF_RECEIVED, CLOSING); eofReceived at most once and never
 * after it closed its transport, as asyncio's {@code AppProtocolState} guarantees. Data reaches
 * it only while connected.
 *
 * <p>{@code netIn} accumulates ciphertext from the raw transport (write mode); {@code appIn}
 * receives plaintext from {@code unwrap} (write mode) and is emptied into {@code dataReceived}
 * once the application's {@code connectionMade} has run. Application writes made before the
 * handshake finishes wait in {@code pending}. Delegated tasks of the engine run inline: they are
 * short CPU work (certificate checks), not I/O. An error or a handshake timeout aborts the raw
 * transport (its buffered bytes are dropped), as asyncio does, so a peer that never reads cannot
 * hold the connection open.
 *
 * <p>Not done: renegotiation by the application, a shutdown timeout (close sends close_notify
 * and closes the socket without waiting for the peer's), and {@code writeEof} (unsupported, as
 * in asyncio).
 */
final class Tls implements Protocol {

    enum State {
        HANDSHAKING,
        WRAPPED,
        SHUTDOWN,
        CLOSED
    }

    /** The application protocol's side of the connection (see the second diagram). */
    enum AppState {
        WAITING,
        CONNECTED,
        EOF_RECEIVED,
        CLOSING,
        CLOSED
    }

    /**
     * How a new connection handshakes: the context, the side, the name the client verifies and
     * sends as SNI (and its port), and the handshake timeout (null: the default).
     */
    record Setup(SSLContext context, boolean serverSide, String serverHostname, int port, Duration handshakeTimeout) {

        /** The client side of a connection with {@code options}, or null without ssl. */
        static Setup client(ConnectOptions options, String serverHostname, int port) {
            return options.ssl() == null
                    ? null
                    : new Setup(options.ssl(), false, serverHostname, port, options.sslHandshakeTimeout());
        }

        /** The server side with {@code context}, or null if {@code context} is null. */
        static Setup server(SSLContext context, Duration handshakeTimeout) {
            return context == null ? null : new Setup(context, true, null, 0, handshakeTimeout);
        }

        /** A TLS layer under {@code app} that completes {@code waiter} (if any) after the handshake. */
        Tls create(EventLoop loop, Protocol app, Future<Void> waiter) {
            return new Tls(loop, context, app, serverSide, serverHostname, port, handshakeTimeout, waiter);
        }
    }

    /** asyncio's default handshake timeout, 60 s. */
    static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final EventLoop loop;
    private final SSLContext context;
    final SSLEngine engine;
    private Protocol app;
    private final Future<Void> waiter;
    private final Duration handshakeTimeout;
    private final AppTransport appTransport = new AppTransport();

    private Transport raw;
    private State state = State.HANDSHAKING;
    private AppState appState = AppState.WAITING;
    private TimerHandle handshakeTimer;
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private int pendingBytes;

    Tls(
            EventLoop loop,
            SSLContext context,
            Protocol app,
            boolean serverSide,
            String serverHostname,
            int port,
            Duration handshakeTimeout,
            Future<Void> waiter) {
        assert Aio.inLoop(loop);
        this.loop = loop;
        this.context = Objects.requireNonNull(context, "context");
        this.app = app;
        this.waiter = waiter;
        this.handshakeTimeout = handshakeTimeout == null ? DEFAULT_HANDSHAKE_TIMEOUT : handshakeTimeout;
        boolean named = serverHostname != null && !serverHostname.isEmpty();
        this.engine = named && !serverSide ? context.createSSLEngine(serverHostname, port) : context.createSSLEngine();
        engine.setUseClientMode(!serverSide);
        if (!serverSide && named) {
            SSLParameters p = engine.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            if (!Connector.isIpLiteral(serverHostname)) {
                p.setServerNames(List.of(new SNIHostName(serverHostname)));
            }
            engine.setSSLParameters(p);
        }
        SSLSession s = engine.getSession();
        netIn = ByteBuffer.allocate(s.getPacketBufferSize());
        netOut = ByteBuffer.allocate(s.getPacketBufferSize());
        appIn = ByteBuffer.allocate(s.getApplicationBufferSize());
    }

    /** The transport the application protocol writes to. */
    Transport appTransport() {
        return appTransport;
    }

    /** Puts TLS under the stream protocol of an open connection and handshakes (startTls). */
    static Transport upgrade(
            Transport raw,
            StreamProtocol protocol,
            SSLContext context,
            boolean serverSide,
            String host,
            Duration handshakeTimeout)
            throws IOException {
        EventLoop loop = dev.aio4j.Aio.getRunningLoop();
        if (raw.isClosing()) {
            throw new IllegalStateException("Cannot start TLS on a closing transport: " + raw);
        }
        Future<Void> waiter = loop.createFuture();
        Tls tls = new Setup(context, serverSide, host, 443, handshakeTimeout).create(loop, protocol, waiter);
        protocol.expectUpgrade();
        raw.setProtocol(tls);
        tls.connectionMade(raw);
        try {
            Net.awaitIo(waiter);
        } catch (IOException | RuntimeException e) {
            raw.abort(); // a failed or timed-out handshake: nothing buffered is worth waiting for
            throw e;
        }
        return tls.appTransport;
    }

    // ------------------------------------------------------------------ the raw side

    @Override
    public void connectionMade(Transport transport) {
        this.raw = transport;
        handshakeTimer = loop.callLater(handshakeTimeout, this::onHandshakeTimeout);
        try {
            engine.beginHandshake();
            pump();
        } catch (SSLException e) {
            fail(e);
        }
    }

    @Override
    public void dataReceived(byte[] data) {
        if (state == State.CLOSED) {
            return;
        }
        if (netIn.remaining() < data.length) {
            ByteBuffer bigger = ByteBuffer.allocate(netIn.position() + data.length + 4096);
            netIn.flip();
            bigger.put(netIn);
            netIn = bigger;
        }
        netIn.put(data);
        try {
            pump();
        } catch (SSLException e) {
            fail(e);
        }
    }

    @Override
    public boolean eofReceived() {
        if (state == State.HANDSHAKING) {
            fail(new SSLHandshakeException("Connection closed by the peer during the TLS handshake"));
            return false;
        }
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            // The peer closed without close_notify: treat it as EOF, as asyncio does.
        }
        deliverEof();
        return false;
    }

    /** Tells the application about EOF once (close_notify and the socket's EOF both mean it). */
    private void deliverEof() {
        if (appState == AppState.CONNECTED) {
            appState = AppState.EOF_RECEIVED;
            try {
                app.eofReceived();
            } catch (RuntimeException e) {
                loop.callExceptionHandler(ExceptionContext.of("protocol.eofReceived() failed", e));
            }
        }
    }

    @Override
    public void connectionLost(Throwable error) {
        State was = state;
        state = State.CLOSED;
        cancelTimer();
        if (was == State.HANDSHAKING) {
            completeWaiter(
                    error != null ? error : new SSLHandshakeException("Connection lost during the TLS handshake"));
        }
        appLost(error);
    }

    @Override
    public void pauseWriting() {
        if (appConnected()) {
            app.pauseWriting();
        }
    }

    @Override
    public void resumeWriting() {
        if (appConnected()) {
            app.resumeWriting();
        }
    }

    /** True between the application's connectionMade and its connectionLost. */
    private boolean appConnected() {
        return appState == AppState.CONNECTED || appState == AppState.EOF_RECEIVED || appState == AppState.CLOSING;
    }

    /** True once the application closed or aborted its transport, or lost the connection. */
    private boolean appClosed() {
        return appState == AppState.CLOSING || appState == AppState.CLOSED;
    }

    /** Enters CLOSED; a connected application gets connectionLost. */
    private void appLost(Throwable error) {
        boolean connected = appConnected();
        appState = AppState.CLOSED;
        if (connected) {
            app.connectionLost(error);
        }
    }

    /** The application closed or aborted its transport: CLOSING, or CLOSED if it never connected. */
    private void appCloses() {
        appState = appState == AppState.WAITING ? AppState.CLOSED : AppState.CLOSING;
    }

    // ------------------------------------------------------------------ the engine

    /** Runs the engine until it needs more input from the peer. */
    private void pump() throws SSLException {
        for (int rounds = 0; rounds < 10_000; rounds++) {
            if (state == State.CLOSED) {
                return;
            }
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                    task.run();
                }
                continue;
            }
            if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = wrap(EMPTY);
                afterResult(r);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesProduced() == 0) {
                    return;
                }
                continue;
            }
            if (netIn.position() == 0 && hs != SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN) {
                break;
            }
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            switch (r.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    if (appConnected() && appIn.position() > 0) {
                        deliver();
                    } else {
                        appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                    }
                    continue;
                }
                case BUFFER_UNDERFLOW -> {
                    if (netIn.remaining() == 0) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    }
                    afterResult(r);
                    return;
                }
                case CLOSED -> {
                    afterResult(r);
                    deliver();
                    onCloseNotify();
                    return;
                }
                case OK -> {
                    afterResult(r);
                    deliver();
                    if (r.bytesConsumed() == 0
                            && r.bytesProduced() == 0
                            && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                        return;
                    }
                }
            }
        }
    }

    private void afterResult(SSLEngineResult r) {
        if (state == State.HANDSHAKING
                && (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED
                        || engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING)) {
            onHandshakeDone();
        }
    }

    private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
        while (true) {
            netOut.clear();
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(netOut.capacity() * 2);
                continue;
            }
            netOut.flip();
            if (netOut.hasRemaining() && raw != null) {
                raw.write(netOut);
            }
            return r;
        }
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + atLeast));
        b.flip();
        bigger.put(b);
        return bigger;
    }

    private void onHandshakeDone() {
        state = State.WRAPPED;
        cancelTimer();
        if (appState != AppState.WAITING) {
            completeWaiter(null); // the application closed its side during the handshake
            return;
        }
        appState = AppState.CONNECTED;
        app.connectionMade(appTransport);
        while (!pending.isEmpty() && state == State.WRAPPED) {
            ByteBuffer b = pending.poll();
            pendingBytes -= b.remaining();
            appTransport.write(b);
        }
        completeWaiter(null);
    }

    private void deliver() {
        if (!appConnected() || appIn.position() == 0) {
            return;
        }
        appIn.flip();
        byte[] data = new byte[appIn.remaining()];
        appIn.get(data);
        appIn.clear();
        try {
            app.dataReceived(data);
        } catch (RuntimeException e) {
            loop.callExceptionHandler(ExceptionContext.of("Fatal error: protocol.dataReceived() call failed.", e));
            raw.abort();
        }
    }

    private void onCloseNotify() {
        deliverEof();
        shutdown();
    }

    /** Sends close_notify and closes the raw transport. */
    private void shutdown() {
        if (state == State.SHUTDOWN || state == State.CLOSED) {
            return;
        }
        state = State.SHUTDOWN;
        engine.closeOutbound();
        try {
            wrap(EMPTY);
        } catch (SSLException e) {
            // nothing more to say to the peer
        }
        raw.close();
    }

    private void onHandshakeTimeout() {
        if (state == State.HANDSHAKING) {
            fail(new SSLHandshakeException(
                    "TLS handshake is taking longer than " + handshakeTimeout + ": aborting the connection"));
        }
    }

    /** A handshake or record error or a handshake timeout: tell the waiter, try the alert, abort. */
    private void fail(Throwable error) {
        boolean handshaking = state == State.HANDSHAKING;
        cancelTimer();
        if (handshaking) {
            completeWaiter(error);
        } else if (loop.getDebug()) {
            loop.callExceptionHandler(ExceptionContext.of("TLS error on " + raw, error));
        }
        try {
            engine.closeOutbound();
            wrap(EMPTY);
        } catch (SSLException | RuntimeException e) {
            // the alert is best effort
        }
        state = State.CLOSED;
        appLost(error);
        if (raw != null) {
            // Abort, as asyncio's sslproto does: a graceful close would wait for the peer to read
            // what is buffered (a whole handshake flight), which a stalled or hostile peer never does.
            raw.abort();
        }
    }

    private void completeWaiter(Throwable error) {
        if (waiter != null && !waiter.done()) {
            if (error == null) {
                waiter.setResult(null);
            } else {
                waiter.setException(error);
            }
        }
    }

    private void cancelTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
    }

    // ------------------------------------------------------------------ the application's transport

    private final class AppTransport implements Transport {

        @Override
        public void write(byte[] data) {
            write(ByteBuffer.wrap(data));
        }

        @Override
        public void write(ByteBuffer data) {
            if (!data.hasRemaining() || appClosed() && state != State.WRAPPED) {
                return;
            }
            if (state == State.HANDSHAKING) {
                ByteBuffer copy = ByteBuffer.allocate(data.remaining());
                copy.put(data).flip();
                pending.add(copy);
                pendingBytes += copy.remaining();
                return;
            }
            if (state != State.WRAPPED) {
                return; // dropped after the connection is gone, as asyncio does
            }
            try {
                while (data.hasRemaining()) {
                    SSLEngineResult r = wrap(data);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        return;
                    }
                }
                pump();
            } catch (SSLException e) {
                fail(e);
            }
        }

        @Override
        public void writeEof() {
            throw new UnsupportedOperationException("TLS transports do not support half-closing");
        }

        @Override
        public boolean canWriteEof() {
            return false;
        }

        @Override
        public void close() {
            if (appClosed()) {
                return;
            }
            appCloses();
            if (state == State.HANDSHAKING) {
                raw.close();
            } else {
                shutdown();
            }
        }

        @Override
        public void abort() {
            if (!appClosed()) {
                appCloses();
            }
            raw.abort();
        }

        @Override
        public boolean isClosing() {
            return appClosed() || raw.isClosing();
        }

        @Override
        public Object getExtraInfo(String name) {
            return switch (name) {
                case "sslcontext" -> context;
                case "ssl_object" -> engine;
                case "peercert" -> peerCertificate();
                case "cipher" ->
                    state == State.HANDSHAKING ? null : engine.getSession().getCipherSuite();
                case "tls_version" ->
                    state == State.HANDSHAKING ? null : engine.getSession().getProtocol();
                default -> raw.getExtraInfo(name);
            };
        }

        private Object peerCertificate() {
            try {
                Certificate[] chain = engine.getSession().getPeerCertificates();
                return chain.length > 0 ? chain[0] : null;
            } catch (SSLPeerUnverifiedException e) {
                return null;
            }
        }

        @Override
        public void pauseReading() {
            raw.pauseReading();
        }

        @Override
        public void resumeReading() {
            raw.resumeReading();
        }

        @Override
        public boolean isReading() {
            return raw.isReading();
        }

        @Override
        public void setWriteBufferLimits(int high, int low) {
            raw.setWriteBufferLimits(high, low);
        }

        @Override
        public int getWriteBufferSize() {
            return raw.getWriteBufferSize() + pendingBytes;
        }

        @Override
        public int[] getWriteBufferLimits() {
            return raw.getWriteBufferLimits();
        }

        @Override
        public Protocol getProtocol() {
            return app;
        }

        @Override
        public void setProtocol(Protocol protocol) {
            app = Objects.requireNonNull(protocol, "protocol");
        }

        @Override
        public String toString() {
            return "TlsTransport[" + state.name().toLowerCase() + ", app "
                    + appState.name().toLowerCase() + ", " + raw + "]";
        }
    }

    static SocketException lost() {
        return new SocketException("Connection lost");
    }
}
