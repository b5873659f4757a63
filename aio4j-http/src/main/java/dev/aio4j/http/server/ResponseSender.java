package dev.aio4j.http.server;

import dev.aio4j.http.Headers;
import dev.aio4j.http.HttpStatus;
import dev.aio4j.http.internal.IoWaits;
import dev.aio4j.http.internal.PerMessageDeflate;
import dev.aio4j.http.internal.WebSocketImpl;
import dev.aio4j.http.internal.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Writes a {@link Response} on the wire: the status line, the header fields the server owns
 * ({@code Date}, {@code Content-Length} or chunked encoding, {@code Connection}), then the body,
 * waiting for the client whenever the write buffer is full (back-pressure).
 */
final class ResponseSender {
    private ResponseSender() {}

    /** What was sent: for the access log and the connection's next step. */
    record Result(int status, long bodyBytes, boolean keepAlive, Runnable upgrade) {}

    private static final System.Logger LOG = System.getLogger("dev.aio4j.http.server");
    private static final int FILE_CHUNK = 64 * 1024;
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    static Result send(Wire wire, Request request, Response response, boolean keepAlive) throws IOException {
        int status = response.status();
        boolean head = request.method().equals("HEAD");
        boolean noBody = head || status == 204 || status == 304 || status < 200;
        boolean http10 = request.version().equals("HTTP/1.0");
        Headers h = response.headers();
        if (h.containsToken("Connection", "close")) {
            keepAlive = false;
        }
        switch (response.body()) {
            case Response.Bytes b -> {
                byte[] headBytes = head(status, h, b.data().length, false, keepAlive, http10);
                if (noBody || b.data().length == 0) {
                    wire.send(headBytes);
                } else if (b.data().length <= 16 * 1024) {
                    byte[] all = new byte[headBytes.length + b.data().length];
                    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
                    System.arraycopy(b.data(), 0, all, headBytes.length, b.data().length);
                    wire.send(all);
                } else {
                    wire.writer.write(headBytes);
                    wire.send(b.data());
                }
                return new Result(status, noBody ? 0 : b.data().length, keepAlive, null);
            }
            case Response.Stream s -> {
                boolean chunked = s.length() < 0 && !noBody && !http10;
                if (s.length() < 0 && !noBody && http10) {
                    keepAlive = false; // the end of the body is the end of the connection
                }
                wire.writer.write(head(status, h, s.length() < 0 ? -1 : s.length(), chunked, keepAlive, http10));
                if (noBody) {
                    wire.writer.drain();
                    return new Result(status, 0, keepAlive, null);
                }
                BodyOutput out = new BodyOutput(wire, chunked, s.length());
                try {
                    s.writer().writeTo(out);
                    out.finish(s.length());
                } catch (IOException e) {
                    abort(wire);
                    throw e;
                } catch (Exception e) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "the body writer failed for " + request + "; connection aborted",
                            e);
                    abort(wire);
                    return new Result(status, out.count, false, null);
                }
                return new Result(status, out.count, keepAlive, null);
            }
            case Response.File f -> {
                return sendFile(wire, request, response, f, keepAlive, head, http10);
            }
            case Response.Upgrade u -> {
                String accept = WebSocketImpl.acceptKey(
                        request.header("Sec-WebSocket-Key").trim());
                StringBuilder sb = new StringBuilder(160)
                        .append("HTTP/1.1 101 Switching Protocols\r\n")
                        .append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ")
                        .append(accept)
                        .append("\r\n");
                String deflate = u.options().compress()
                        ? PerMessageDeflate.serverAccept(request.headers().getAll("Sec-WebSocket-Extensions"))
                        : null;
                if (deflate != null) {
                    sb.append("Sec-WebSocket-Extensions: ").append(deflate).append("\r\n");
                }
                appendHeaders(sb, h);
                wire.send(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                WebSocketImpl ws = new WebSocketImpl(
                        wire, false, u.options(), request.path(), deflate != null ? new PerMessageDeflate() : null);
                return new Result(101, 0, false, () -> ws.runHandler(u.handler()));
            }
        }
    }

    private static Result sendFile(
            Wire wire,
            Request request,
            Response response,
            Response.File f,
            boolean keepAlive,
            boolean head,
            boolean http10)
            throws IOException {
        FileChannel ch;
        long size;
        try {
            ch = IoWaits.toThread(() -> FileChannel.open(f.path(), StandardOpenOption.READ));
            size = IoWaits.toThread(ch::size);
        } catch (NoSuchFileException e) {
            Response notFound = Response.text(404, "404 Not Found\n");
            return send(wire, request, notFound, keepAlive);
        }
        try {
            wire.writer.write(head(response.status(), response.headers(), size, false, keepAlive, http10));
            if (head) {
                wire.writer.drain();
                return new Result(response.status(), 0, keepAlive, null);
            }
            long sent = 0;
            while (sent < size) {
                long at = sent;
                byte[] block = IoWaits.toThread(() -> {
                    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(FILE_CHUNK, size - at));
                    while (buf.hasRemaining() && ch.read(buf, at + buf.position()) > 0) {
                        // fill the block
                    }
                    return buf.position() == buf.capacity()
                            ? buf.array()
                            : java.util.Arrays.copyOf(buf.array(), buf.position());
                });
                if (block.length == 0) {
                    break; // the file shrank while being sent
                }
                wire.send(block);
                sent += block.length;
            }
            if (sent != size) {
                abort(wire);
                return new Result(response.status(), sent, false, null);
            }
            return new Result(response.status(), sent, keepAlive, null);
        } finally {
            IoWaits.toThread(() -> {
                ch.close();
                return null;
            });
        }
    }

    private static void abort(Wire wire) {
        wire.writer.transport().abort();
    }

    /**
     * The status line and header fields. {@code length}: the Content-Length to send (left out
     * for statuses without a body), -1 for none.
     */
    static byte[] head(int status, Headers h, long length, boolean chunked, boolean keepAlive, boolean http10) {
        StringBuilder sb = new StringBuilder(128 + 32 * h.size());
        sb.append("HTTP/1.1 ")
                .append(status)
                .append(' ')
                .append(HttpStatus.reason(status))
                .append("\r\n");
        appendHeaders(sb, h);
        sb.append("Date: ").append(HttpDate.now()).append("\r\n");
        if (chunked) {
            sb.append("Transfer-Encoding: chunked\r\n");
        } else if (length >= 0 && status >= 200 && status != 204 && status != 304) {
            sb.append("Content-Length: ").append(length).append("\r\n");
        }
        if (!keepAlive) {
            sb.append("Connection: close\r\n");
        } else if (http10) {
            sb.append("Connection: keep-alive\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void appendHeaders(StringBuilder sb, Headers h) {
        for (int i = 0; i < h.size(); i++) {
            String name = h.name(i);
            if (name.equalsIgnoreCase("Content-Length")
                    || name.equalsIgnoreCase("Transfer-Encoding")
                    || name.equalsIgnoreCase("Connection")
                    || name.equalsIgnoreCase("Date")) {
                continue; // the server's own
            }
            sb.append(name).append(": ").append(h.value(i)).append("\r\n");
        }
    }

    /** A complete answer to a request that never reached a handler; closes the connection. */
    static byte[] errorBytes(int status, String reason) {
        String text = status + " " + HttpStatus.reason(status)
                + (reason == null || reason.isEmpty() ? "" : ": " + reason) + "\n";
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        Headers h = new Headers().add("Content-Type", "text/plain; charset=utf-8");
        byte[] headBytes = head(status, h, body.length, false, false, false);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /** The stream a {@link BodyWriter} writes to: each write goes out at once, chunked if needed. */
    private static final class BodyOutput extends OutputStream {
        private final Wire wire;
        private final boolean chunked;
        private final long declared;
        long count;

        BodyOutput(Wire wire, boolean chunked, long declared) {
            this.wire = wire;
            this.chunked = chunked;
            this.declared = declared;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            count += len;
            if (declared >= 0 && count > declared) {
                throw new IOException(
                        "the body writer wrote more than the " + declared + " bytes the response declared");
            }
            if (chunked) {
                byte[] size = (Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] frame = new byte[size.length + len + 2];
                System.arraycopy(size, 0, frame, 0, size.length);
                System.arraycopy(b, off, frame, size.length, len);
                frame[frame.length - 2] = '\r';
                frame[frame.length - 1] = '\n';
                wire.send(frame);
            } else {
                wire.send(java.util.Arrays.copyOfRange(b, off, off + len));
            }
        }

        void finish(long declared) throws IOException {
            if (declared >= 0 && count != declared) {
                throw new IOException("the body writer wrote " + count + " bytes, the response declared " + declared);
            }
            if (chunked) {
                wire.send(LAST_CHUNK);
            }
        }
    }

    /** The IMF-fixdate of the current second, formatted at most once a second. */
    static final class HttpDate {
        private record Stamp(long second, String text) {}

        private static final DateTimeFormatter FORMAT =
                DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);
        private static volatile Stamp last = new Stamp(-1, "");

        static String now() {
            long sec = System.currentTimeMillis() / 1000;
            Stamp s = last;
            if (s.second != sec) {
                s = new Stamp(
                        sec,
                        FORMAT.format(ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(sec), ZoneOffset.UTC)));
                last = s; // benign race: another loop may format the same second too
            }
            return s.text;
        }
    }
}
