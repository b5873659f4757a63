package dev.aio4j.net;

import java.io.EOFException;

/**
 * EOF came before the expected bytes (asyncio's {@code IncompleteReadError}); {@link #partial()}
 * holds the bytes read before it, which are no longer in the reader.
 */
public final class IncompleteReadError extends EOFException {
    private final byte[] partial;
    private final long expected;

    /**
     * @param partial the bytes read before EOF
     * @param expected the expected total, or -1 when there was no fixed total (readUntil)
     */
    public IncompleteReadError(byte[] partial, long expected) {
        super(partial.length + " bytes read on a total of " + (expected < 0 ? "undefined" : Long.toString(expected))
                + " expected bytes");
        this.partial = partial;
        this.expected = expected;
    }

    /** The bytes read before EOF (a copy). */
    public byte[] partial() {
        return partial.clone();
    }

    /** The expected total, or -1 for "undefined". */
    public long expected() {
        return expected;
    }
}
