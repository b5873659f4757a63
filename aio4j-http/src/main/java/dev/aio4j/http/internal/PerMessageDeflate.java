package dev.aio4j.http.internal;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The permessage-deflate extension (RFC 7692) of one WebSocket: its negotiation and the
 * compression of whole messages.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Sending: the deflater is reset before every message (no context takeover), which a sender
 * may always do, so nothing about our side needs negotiating; the server says so with
 * {@code server_no_context_takeover}. Receiving: one inflater for the whole connection, never
 * reset, which decodes both a peer that keeps its context and one that does not. The JDK's
 * deflater always uses a 15-bit window, so an offer asking the server for a smaller one is
 * declined, and the client never offers {@code client_max_window_bits}. Each message is a raw
 * deflate stream ended by a sync flush whose last four bytes (00 00 ff ff) are left off the wire.
 * Loop-affine; {@link #close()} frees the native memory.
 */
public final class PerMessageDeflate {

    /** The extension's token. */
    public static final String NAME = "permessage-deflate";

    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    /** Messages shorter than this are sent uncompressed: deflate would not pay. */
    static final int MIN_SIZE = 64;

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final Inflater inflater = new Inflater(true);
    private boolean closed;

    /** Thrown when a compressed message is malformed or inflates past the size limit. */
    public static final class InflateError extends Exception {
        final boolean tooLarge;

        InflateError(String message, boolean tooLarge) {
            super(message);
            this.tooLarge = tooLarge;
        }
    }

    // ------------------------------------------------------------------ negotiation

    /**
     * The server's answer to the client's {@code Sec-WebSocket-Extensions} values: the
     * {@code permessage-deflate} response for the first acceptable offer, or null to decline.
     */
    public static String serverAccept(List<String> headerValues) {
        for (String value : headerValues) {
            for (String offer : value.split(",")) {
                List<String[]> params = parse(offer);
                if (params == null || !params.get(0)[0].equals(NAME)) {
                    continue;
                }
                if (acceptableOffer(params.subList(1, params.size()))) {
                    return NAME + "; server_no_context_takeover";
                }
            }
        }
        return null;
    }

    private static boolean acceptableOffer(List<String[]> params) {
        Set<String> seen = new HashSet<>();
        for (String[] p : params) {
            if (!seen.add(p[0])) {
                return false;
            }
            switch (p[0]) {
                case "server_no_context_takeover", "client_no_context_takeover" -> {
                    if (p[1] != null) {
                        return false;
                    }
                }
                case "client_max_window_bits" -> {
                    if (p[1] != null && windowBits(p[1]) < 0) {
                        return false;
                    }
                }
                case "server_max_window_bits" -> {
                    if (windowBits(p[1]) != 15) {
                        return false; // the JDK's deflater has a fixed 15-bit window
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /** The client's offer. */
    public static String clientOffer() {
        return NAME;
    }

    /**
     * Checks the server's {@code Sec-WebSocket-Extensions} answer to {@link #clientOffer()}.
     *
     * @return null if acceptable, else why not
     */
    public static String clientCheck(String value) {
        if (value.contains(",")) {
            return "more than one extension: " + value;
        }
        List<String[]> params = parse(value);
        if (params == null || !params.get(0)[0].equals(NAME)) {
            return "an extension that was not offered: " + value;
        }
        Set<String> seen = new HashSet<>();
        for (String[] p : params.subList(1, params.size())) {
            if (!seen.add(p[0])) {
                return "a repeated parameter: " + value;
            }
            switch (p[0]) {
                case "server_no_context_takeover", "client_no_context_takeover" -> {
                    if (p[1] != null) {
                        return "a value on " + p[0] + ": " + value;
                    }
                }
                case "server_max_window_bits" -> {
                    if (windowBits(p[1]) < 0) {
                        return "a bad server_max_window_bits: " + value;
                    }
                }
                default -> {
                    return "a parameter that was not offered: " + value;
                }
            }
        }
        return null;
    }

    /** The window bits in 8..15, or -1. */
    private static int windowBits(String v) {
        if (v == null) {
            return -1;
        }
        try {
            int n = Integer.parseInt(
                    v.startsWith("\"") && v.endsWith("\"") && v.length() > 1 ? v.substring(1, v.length() - 1) : v);
            return n >= 8 && n <= 15 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** [name, value-or-null] pairs, lower-cased names, or null if empty. */
    private static List<String[]> parse(String extension) {
        List<String[]> out = new ArrayList<>();
        for (String part : extension.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                return null;
            }
            int eq = p.indexOf('=');
            out.add(
                    eq < 0
                            ? new String[] {p.toLowerCase(Locale.ROOT), null}
                            : new String[] {
                                p.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                                p.substring(eq + 1).trim()
                            });
        }
        return out.isEmpty() ? null : out;
    }

    // ------------------------------------------------------------------ messages

    /** The compressed form of one message. */
    byte[] compress(byte[] message) {
        deflater.reset();
        deflater.setInput(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, message.length / 2));
        byte[] buf = new byte[Math.max(256, Math.min(64 * 1024, message.length + 64))];
        while (true) {
            int n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
            if (n < buf.length && deflater.needsInput()) {
                break;
            }
        }
        byte[] all = out.toByteArray();
        int len = all.length;
        if (len >= 4
                && all[len - 4] == 0
                && all[len - 3] == 0
                && all[len - 2] == (byte) 0xff
                && all[len - 1] == (byte) 0xff) {
            len -= 4;
        }
        return java.util.Arrays.copyOf(all, len);
    }

    /** The original of one compressed message, refused past {@code maxBytes}. */
    byte[] decompress(byte[] data, int maxBytes) throws InflateError {
        byte[] input = java.util.Arrays.copyOf(data, data.length + 4);
        System.arraycopy(TAIL, 0, input, data.length, 4);
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length * 2));
        byte[] buf = new byte[16 * 1024];
        try {
            while (true) {
                int n = inflater.inflate(buf);
                out.write(buf, 0, n);
                if (out.size() > maxBytes) {
                    throw new InflateError("message inflates past " + maxBytes + " bytes", true);
                }
                if (n == 0 && (inflater.needsInput() || inflater.finished())) {
                    break;
                }
                if (inflater.needsDictionary()) {
                    throw new InflateError("compressed message asks for a dictionary", false);
                }
            }
        } catch (DataFormatException e) {
            throw new InflateError("malformed compressed message: " + e.getMessage(), false);
        }
        return out.toByteArray();
    }

    /** Frees the compressor's native memory; idempotent. */
    void close() {
        if (!closed) {
            closed = true;
            deflater.end();
            inflater.end();
        }
    }
}
