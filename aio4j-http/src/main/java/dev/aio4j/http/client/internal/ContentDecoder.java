package dev.aio4j.http.client.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Turns a response body as it was sent into the body as meant, a piece at a time: identity,
 * gzip (RFC 1952, several members allowed) or deflate (zlib-wrapped as RFC 9110 says, or raw as
 * some servers send it). The JDK's HttpClient decodes neither.
 *
 * <p>Pull-driven so that memory stays bounded: {@link #pull} inflates at most {@code max} bytes
 * per call, however far a small compressed piece would expand.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: {@code input} holds the pieces pushed and not yet consumed, oldest first;
 * the head piece's position marks what was consumed. Gzip runs HEADER -> BODY -> TRAILER and back
 * to HEADER for a next member; the header is collected byte by byte into {@code header} until it
 * parses (headers are tens of bytes). Confined to the loop; not thread-safe.
 */
public abstract class ContentDecoder {

    /** Pieces pushed and not yet consumed, oldest first. */
    final ArrayDeque<ByteBuffer> input = new ArrayDeque<>();

    /** The decoder for a Content-Encoding value; identity for none and for unknown codings. */
    public static ContentDecoder forEncoding(String contentEncoding) {
        String e = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (e) {
            case "gzip", "x-gzip" -> new Gzip();
            case "deflate" -> new Deflate();
            default -> new Identity();
        };
    }

    /** Adds a piece of the body as received. */
    public final void push(ByteBuffer piece) {
        if (piece.hasRemaining()) {
            input.addLast(piece);
        }
    }

    /** Up to {@code max} decoded bytes, or null when more input is needed first. */
    public abstract byte[] pull(int max) throws IOException;

    /** The body ended: checks that the encoding ended too. */
    public abstract void finish() throws IOException;

    /** Frees what the decoder holds (the inflater's native memory). */
    public void close() {
        input.clear();
    }

    /** The head piece with bytes left, dropping empty ones; null if there is none. */
    final ByteBuffer head() {
        ByteBuffer b;
        while ((b = input.peekFirst()) != null && !b.hasRemaining()) {
            input.pollFirst();
        }
        return b;
    }

    /** The next input byte, or -1 if none is there. */
    final int nextByte() {
        ByteBuffer b = head();
        return b == null ? -1 : b.get() & 0xff;
    }

    /** Bytes pass through unchanged. */
    static final class Identity extends ContentDecoder {
        @Override
        public byte[] pull(int max) {
            ByteBuffer b = head();
            if (b == null) {
                return null;
            }
            byte[] out = new byte[Math.min(max, b.remaining())];
            b.get(out);
            return out;
        }

        @Override
        public void finish() {}
    }

    /** What gzip and deflate share: an inflater fed from the input pieces. */
    abstract static class Inflating extends ContentDecoder {
        Inflater inflater;
        /** The piece the inflater reads from; its position advances as it consumes. */
        private ByteBuffer feeding;

        /** Inflates up to {@code max} bytes; null if the inflater needs input that is not there. */
        final byte[] inflate(int max) throws IOException {
            while (true) {
                if (inflater.needsInput()) {
                    feeding = head();
                    if (feeding == null) {
                        return null;
                    }
                    inflater.setInput(feeding);
                }
                byte[] out = new byte[max];
                int n;
                try {
                    n = inflater.inflate(out);
                } catch (DataFormatException e) {
                    throw new ZipException("corrupt " + name() + " data: " + e.getMessage());
                }
                if (n > 0) {
                    return n == max ? out : java.util.Arrays.copyOf(out, n);
                }
                if (inflater.finished()) {
                    return null;
                }
                if (inflater.needsDictionary()) {
                    throw new ZipException(name() + " data needs a preset dictionary");
                }
                if (!inflater.needsInput()) {
                    throw new ZipException("corrupt " + name() + " data: the inflater made no progress");
                }
            }
        }

        abstract String name();

        @Override
        public void close() {
            super.close();
            if (inflater != null) {
                inflater.end();
            }
        }
    }

    /** RFC 1952: header, raw deflate, CRC-32 and size; members may follow each other. */
    static final class Gzip extends Inflating {
        private enum State {
            HEADER,
            BODY,
            TRAILER
        }

        private State state = State.HEADER;
        private final java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
        private final byte[] trailer = new byte[8];
        private int trailerLength;
        private final CRC32 crc = new CRC32();
        private long size;
        private int members;

        @Override
        String name() {
            return "gzip";
        }

        @Override
        public byte[] pull(int max) throws IOException {
            while (true) {
                switch (state) {
                    case HEADER -> {
                        int b = nextByte();
                        if (b < 0) {
                            return null;
                        }
                        header.write(b);
                        if (headerComplete(header.toByteArray())) {
                            header.reset();
                            inflater = inflater == null ? new Inflater(true) : inflater;
                            inflater.reset();
                            crc.reset();
                            size = 0;
                            state = State.BODY;
                        }
                    }
                    case BODY -> {
                        byte[] out = inflate(max);
                        if (out != null) {
                            crc.update(out);
                            size += out.length;
                            return out;
                        }
                        if (!inflater.finished()) {
                            return null;
                        }
                        state = State.TRAILER;
                        trailerLength = 0;
                    }
                    case TRAILER -> {
                        int b = nextByte();
                        if (b < 0) {
                            return null;
                        }
                        trailer[trailerLength++] = (byte) b;
                        if (trailerLength == 8) {
                            checkTrailer();
                            members++;
                            state = State.HEADER;
                        }
                    }
                }
            }
        }

        private void checkTrailer() throws ZipException {
            long expectedCrc = le32(trailer, 0);
            long expectedSize = le32(trailer, 4);
            if (expectedCrc != crc.getValue()) {
                throw new ZipException("gzip CRC-32 mismatch");
            }
            if (expectedSize != (size & 0xffffffffL)) {
                throw new ZipException("gzip size mismatch: " + (size & 0xffffffffL) + " != " + expectedSize);
            }
        }

        /** True when {@code h} is a whole member header; throws if it cannot be one. */
        private static boolean headerComplete(byte[] h) throws ZipException {
            if (h.length >= 2 && ((h[0] & 0xff) != 0x1f || (h[1] & 0xff) != 0x8b)) {
                throw new ZipException("not in gzip format");
            }
            if (h.length >= 3 && h[2] != 8) {
                throw new ZipException("unsupported gzip compression method: " + h[2]);
            }
            if (h.length < 10) {
                return false;
            }
            int flags = h[3] & 0xff;
            int at = 10;
            if ((flags & 4) != 0) { // FEXTRA
                if (h.length < at + 2) {
                    return false;
                }
                at += 2 + ((h[at] & 0xff) | (h[at + 1] & 0xff) << 8);
            }
            for (int zeroTerminated : new int[] {8, 16}) { // FNAME, FCOMMENT
                if ((flags & zeroTerminated) != 0) {
                    while (at < h.length && h[at] != 0) {
                        at++;
                    }
                    if (at >= h.length) {
                        return false;
                    }
                    at++;
                }
            }
            if ((flags & 2) != 0) { // FHCRC
                at += 2;
            }
            return h.length >= at;
        }

        private static long le32(byte[] b, int at) {
            return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
        }

        @Override
        public void finish() throws IOException {
            if (state != State.HEADER || header.size() > 0 || members == 0) {
                throw new EOFException("the gzip body ended early");
            }
        }
    }

    /** RFC 1950 zlib stream, or a raw RFC 1951 one when the first two bytes are no zlib header. */
    static final class Deflate extends Inflating {
        private final byte[] sniffed = new byte[2];
        private int sniffedLength;

        @Override
        String name() {
            return "deflate";
        }

        @Override
        public byte[] pull(int max) throws IOException {
            if (inflater == null) {
                while (sniffedLength < 2) {
                    int b = nextByte();
                    if (b < 0) {
                        return null;
                    }
                    sniffed[sniffedLength++] = (byte) b;
                }
                int cmf = sniffed[0] & 0xff;
                boolean zlib = (cmf & 0x0f) == 8 && ((cmf << 8) | (sniffed[1] & 0xff)) % 31 == 0;
                inflater = new Inflater(!zlib);
                input.addFirst(ByteBuffer.wrap(sniffed.clone()));
            }
            return inflate(max);
        }

        @Override
        public void finish() throws IOException {
            if (inflater == null || !inflater.finished()) {
                throw new EOFException("the deflate body ended early");
            }
        }
    }
}
