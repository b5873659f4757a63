package dev.aio4j.http.internal;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.Future;
import dev.aio4j.Timeout;
import dev.aio4j.TimeoutError;
import dev.aio4j.http.websocket.WebSocket;
import dev.aio4j.http.websocket.WebSocketClosedError;
import dev.aio4j.http.websocket.WebSocketHandler;
import dev.aio4j.http.websocket.WebSocketMessage;
import dev.aio4j.http.websocket.WebSocketOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * The RFC 6455 framing and closing handshake behind {@link WebSocket}, for both sides.
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   OPEN --close() sends Close--> CLOSING --peer's Close or timeout--> CLOSED
 *     |                                                               ^
 *     +--peer's Close (answered), protocol error, connection lost-----+
 * </pre>
 *
 * <p>Reading: only {@link #receive()} reads frames, one task at a time ({@code receiving}).
 * {@link #close(int, String)} called while another task receives lets that task read the
 * peer's Close and waits for {@code closed}; with no receiver it reads (and drops) frames
 * itself. Writing: each frame goes out in one {@code write} call, so frames of tasks sending
 * at once never interleave; then {@code drain}. Invariants: (1) no data frame is sent after
 * {@code closeSent}; (2) {@code closeCode} is set exactly when the state becomes CLOSED;
 * (3) the server side closes TCP first, the client waits for it (RFC 6455 section 7.1.1).
 */
public final class WebSocketImpl implements WebSocket {

    enum State {
        OPEN,
        CLOSING,
        CLOSED
    }

    private static final System.Logger LOG = System.getLogger("dev.aio4j.http.websocket");
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    static final int CONT = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private final Wire wire;
    private final boolean client;
    private final WebSocketOptions options;
    private final String path;
    private final EventLoop loop;
    private final SplittableRandom maskRandom;
    private State state = State.OPEN;
    private boolean closeSent;
    private boolean receiving;
    private int closeCode = -1;
    private String closeReason;
    private Future<Void> closed;
    private final PerMessageDeflate deflate;

    /** {@code deflate}: the negotiated permessage-deflate, or null. */
    public WebSocketImpl(Wire wire, boolean client, WebSocketOptions options, String path, PerMessageDeflate deflate) {
        this.deflate = deflate;
        this.wire = wire;
        this.client = client;
        this.options = options;
        this.path = path;
        this.loop = Aio.getRunningLoop();
        this.maskRandom = client ? new SplittableRandom(new SecureRandom().nextLong()) : null;
        this.closed = loop.createFuture();
    }

    /** The {@code Sec-WebSocket-Accept} value for {@code key}. */
    public static String acceptKey(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-1 is required of every JDK", e);
        }
    }

    /** Runs a server handler, then ends the WebSocket as {@link WebSocketHandler} says. */
    public void runHandler(WebSocketHandler handler) {
        try {
            handler.handle(this);
            close(1000, "");
        } catch (WebSocketClosedError e) {
            // the peer closed or the connection was lost: nothing more to say
        } catch (java.io.UncheckedIOException e) {
            if (!(e.getCause() instanceof WebSocketClosedError)) {
                failHandler(e);
            }
        } catch (CancelledError e) {
            // The server is shutting down (or the task was cancelled): say so without waiting.
            if (!closeSent && state != State.CLOSED) {
                closeSent = true;
                wire.writer.write(frame(CLOSE, closePayload(1001, "going away"), false));
            }
            wire.writer.close();
            finish(1001, "going away");
            throw e;
        } catch (Exception e) {
            failHandler(e);
        } finally {
            if (state != State.CLOSED) {
                finish(1006, "");
            }
        }
    }

    private void failHandler(Exception e) {
        LOG.log(System.Logger.Level.WARNING, "WebSocket handler failed on " + path, e);
        try {
            close(1011, "internal error");
        } catch (IOException again) {
            // lost meanwhile
        }
    }

    // ------------------------------------------------------------------ receiving

    @Override
    public WebSocketMessage receive() throws IOException {
        if (state == State.CLOSED) {
            throw closedError();
        }
        if (receiving) {
            throw new IllegalStateException("receive() called while another task is receiving on " + this);
        }
        receiving = true;
        try {
            return readMessage(false);
        } finally {
            receiving = false;
        }
    }

    /**
     * Reads frames until a data message ({@code dropData}: until the peer's Close), handling
     * control frames on the way.
     */
    private WebSocketMessage readMessage(boolean dropData) throws IOException {
        ByteArrayOutputStream fragments = null;
        int fragmentType = 0;
        boolean fragmentsCompressed = false;
        while (true) {
            byte[] head;
            try {
                head = wire.readExactly(2);
            } catch (IOException e) {
                throw lost(e);
            }
            boolean fin = (head[0] & 0x80) != 0;
            int rsv = head[0] & 0x70;
            int opcode = head[0] & 0x0f;
            boolean masked = (head[1] & 0x80) != 0;
            long len = head[1] & 0x7f;
            boolean compressed = rsv == 0x40 && deflate != null && (opcode == TEXT || opcode == BINARY);
            if (rsv != 0 && !compressed) {
                throw fail(
                        1002,
                        deflate == null
                                ? "reserved bits set without an extension"
                                : "reserved bits set on a frame that cannot be compressed");
            }
            if (masked == client) {
                throw fail(1002, client ? "the server masked a frame" : "the client sent an unmasked frame");
            }
            try {
                if (len == 126) {
                    byte[] b = wire.readExactly(2);
                    len = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
                } else if (len == 127) {
                    len = ByteBuffer.wrap(wire.readExactly(8)).getLong();
                    if (len < 0) {
                        throw fail(1002, "frame length has the top bit set");
                    }
                }
            } catch (WebSocketClosedError e) {
                throw e;
            } catch (IOException e) {
                throw lost(e);
            }
            boolean control = opcode >= 0x8;
            if (control && (!fin || len > 125)) {
                throw fail(1002, "fragmented or oversized control frame");
            }
            if (!control && opcode > BINARY) {
                throw fail(1002, "reserved opcode " + opcode);
            }
            if (control && opcode > PONG) {
                throw fail(1002, "reserved opcode " + opcode);
            }
            long already = fragments == null ? 0 : fragments.size();
            if (!control && already + len > options.maxMessageBytes()) {
                throw fail(1009, "message larger than " + options.maxMessageBytes() + " bytes");
            }
            byte[] payload;
            try {
                byte[] mask = masked ? wire.readExactly(4) : null;
                payload = wire.readExactly((int) len);
                if (mask != null) {
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i & 3];
                    }
                }
            } catch (IOException e) {
                throw lost(e);
            }
            switch (opcode) {
                case PING -> {
                    if (!closeSent) {
                        sendFrame(PONG, payload);
                    }
                }
                case PONG -> {
                    // an answer to our ping, or unsolicited: nothing to do
                }
                case CLOSE -> throw peerClosed(payload);
                case TEXT, BINARY -> {
                    if (fragments != null) {
                        throw fail(1002, "a new message started before the fragmented one ended");
                    }
                    if (fin) {
                        if (!dropData) {
                            return message(opcode, payload, compressed);
                        }
                    } else {
                        fragments = new ByteArrayOutputStream();
                        fragments.write(payload);
                        fragmentType = opcode;
                        fragmentsCompressed = compressed;
                    }
                }
                default -> { // CONT
                    if (fragments == null) {
                        throw fail(1002, "a continuation frame without a message to continue");
                    }
                    fragments.write(payload);
                    if (fin) {
                        byte[] all = fragments.toByteArray();
                        fragments = null;
                        if (!dropData) {
                            return message(fragmentType, all, fragmentsCompressed);
                        }
                    }
                }
            }
        }
    }

    private WebSocketMessage message(int opcode, byte[] payload, boolean compressed) throws IOException {
        if (compressed) {
            if (state == State.CLOSED) {
                throw closedError(); // closed while this message was read: the inflater is gone
            }
            try {
                payload = deflate.decompress(payload, options.maxMessageBytes());
            } catch (PerMessageDeflate.InflateError e) {
                throw fail(e.tooLarge ? 1009 : 1007, e.getMessage());
            }
        }
        if (opcode == TEXT) {
            if (!validUtf8(payload)) {
                throw fail(1007, "text message is not valid UTF-8");
            }
            return new WebSocketMessage(WebSocketMessage.Type.TEXT, payload);
        }
        return new WebSocketMessage(WebSocketMessage.Type.BINARY, payload);
    }

    private static boolean validUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The peer's Close arrived: answer it if we have not sent ours, end the connection. */
    private WebSocketClosedError peerClosed(byte[] payload) throws IOException {
        int code = 1005;
        String reason = "";
        if (payload.length == 1) {
            throw fail(1002, "close frame with a one-byte payload");
        }
        if (payload.length >= 2) {
            code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            if (!sendable(code)) {
                throw fail(1002, "invalid close code " + code);
            }
            byte[] r = java.util.Arrays.copyOfRange(payload, 2, payload.length);
            if (!validUtf8(r)) {
                throw fail(1007, "close reason is not valid UTF-8");
            }
            reason = new String(r, StandardCharsets.UTF_8);
        }
        if (!closeSent) {
            closeSent = true;
            try {
                sendFrame(CLOSE, closePayload(code == 1005 ? 1000 : code, ""));
            } catch (IOException e) {
                // lost while answering: the close is complete anyway
            }
        }
        endConnection();
        finish(code, reason);
        return closedError();
    }

    /** Fails the connection (RFC 6455 section 7.1.7): sends Close with {@code code}, closes. */
    private WebSocketClosedError fail(int code, String reason) {
        if (!closeSent) {
            closeSent = true;
            try {
                sendFrame(CLOSE, closePayload(code, reason));
            } catch (IOException e) {
                // lost anyway
            }
        }
        wire.writer.close();
        finish(code, reason);
        return closedError();
    }

    private WebSocketClosedError lost(IOException cause) {
        wire.writer.transport().abort();
        finish(1006, "");
        WebSocketClosedError e = closedError();
        e.initCause(cause);
        return e;
    }

    private void abort(int code, String reason) {
        wire.writer.transport().abort();
        finish(code, reason);
    }

    private void finish(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closeCode = code;
        closeReason = reason;
        if (deflate != null) {
            deflate.close();
        }
        closed.trySetResult(null);
    }

    /** After the Close exchange: the server closes TCP; the client waits for the server to. */
    private void endConnection() {
        if (!client) {
            wire.writer.close();
            return;
        }
        try {
            IoWaits.after(options.closeTimeout(), () -> {
                while (wire.reader.read(4096).length > 0) {
                    // after Close only the TCP close is expected
                }
                return null;
            });
        } catch (IOException | TimeoutError e) {
            // gone, or the server never closed: close from this side
        }
        wire.writer.close();
    }

    private WebSocketClosedError closedError() {
        return new WebSocketClosedError(closeCode, closeReason);
    }

    // ------------------------------------------------------------------ sending

    @Override
    public void send(String text) throws IOException {
        sendData(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void send(byte[] data) throws IOException {
        sendData(BINARY, data);
    }

    @Override
    public void ping(byte[] payload) throws IOException {
        if (payload.length > 125) {
            throw new IllegalArgumentException("ping payload > 125 bytes: " + payload.length);
        }
        sendData(PING, payload);
    }

    private void sendData(int opcode, byte[] payload) throws IOException {
        if (closeSent || state == State.CLOSED) {
            throw closeCode < 0 ? new WebSocketClosedError(1000, "closing") : closedError();
        }
        if (deflate != null && opcode != PING && payload.length >= PerMessageDeflate.MIN_SIZE) {
            sendFrame(opcode, deflate.compress(payload), true);
        } else {
            sendFrame(opcode, payload, false);
        }
    }

    private void sendFrame(int opcode, byte[] payload) throws IOException {
        sendFrame(opcode, payload, false);
    }

    private void sendFrame(int opcode, byte[] payload, boolean compressed) throws IOException {
        try {
            wire.send(frame(opcode, payload, compressed));
        } catch (IOException e) {
            throw lost(e);
        }
    }

    /** One whole frame, masked on the client side. */
    private byte[] frame(int opcode, byte[] payload, boolean compressed) {
        int n = payload.length;
        int headLen = 2 + (n > 65535 ? 8 : n > 125 ? 2 : 0) + (client ? 4 : 0);
        byte[] frame = new byte[headLen + n];
        frame[0] = (byte) (0x80 | (compressed ? 0x40 : 0) | opcode);
        int at;
        if (n > 65535) {
            frame[1] = 127;
            ByteBuffer.wrap(frame, 2, 8).putLong(n);
            at = 10;
        } else if (n > 125) {
            frame[1] = 126;
            frame[2] = (byte) (n >>> 8);
            frame[3] = (byte) n;
            at = 4;
        } else {
            frame[1] = (byte) n;
            at = 2;
        }
        if (client) {
            frame[1] |= (byte) 0x80;
            int m = maskRandom.nextInt();
            byte[] mask = {(byte) (m >>> 24), (byte) (m >>> 16), (byte) (m >>> 8), (byte) m};
            System.arraycopy(mask, 0, frame, at, 4);
            at += 4;
            for (int i = 0; i < n; i++) {
                frame[at + i] = (byte) (payload[i] ^ mask[i & 3]);
            }
        } else {
            System.arraycopy(payload, 0, frame, at, n);
        }
        return frame;
    }

    private static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    /** Codes a Close frame may carry (RFC 6455 section 7.4). */
    private static boolean sendable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    // ------------------------------------------------------------------ closing

    @Override
    public void close() throws IOException {
        close(1000, "");
    }

    @Override
    public void close(int code, String reason) throws IOException {
        if (!sendable(code)) {
            throw new IllegalArgumentException("close code not sendable: " + code);
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException("close reason > 123 bytes: " + reason);
        }
        if (state == State.CLOSED) {
            return;
        }
        if (!closeSent) {
            closeSent = true;
            state = State.CLOSING;
            sendFrame(CLOSE, closePayload(code, reason));
        }
        try {
            if (receiving) {
                Timeout.after(options.closeTimeout(), () -> closed.await());
            } else {
                receiving = true;
                try {
                    IoWaits.after(options.closeTimeout(), () -> readMessage(true));
                } catch (WebSocketClosedError e) {
                    // the peer's Close: the handshake is complete
                } finally {
                    receiving = false;
                }
            }
        } catch (TimeoutError e) {
            abort(1006, "the peer did not answer the close within " + options.closeTimeout());
        }
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public int closeCode() {
        return closeCode;
    }

    @Override
    public String closeReason() {
        return closeReason;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String toString() {
        return "WebSocket[" + (client ? "client" : "server") + ", " + state + ", " + path
                + (closeCode >= 0 ? ", code=" + closeCode : "") + "]";
    }
}
