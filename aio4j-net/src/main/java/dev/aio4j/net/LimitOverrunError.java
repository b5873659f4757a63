package dev.aio4j.net;

import java.io.IOException;

/**
 * The reader's buffer limit was reached before a separator was found (asyncio's
 * {@code LimitOverrunError}). {@link #consumed()} tells how many bytes to consume to get past
 * the problem; {@code readUntil} leaves the data in the reader.
 *
 * <p>Differs from asyncio: {@code readline} throws this type too (asyncio turns it into a
 * {@code ValueError}), after applying readline's rule: the data is consumed through the newline
 * if one is in the buffer, else the whole buffer is dropped.
 */
public final class LimitOverrunError extends IOException {
    private final int consumed;

    public LimitOverrunError(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /** The number of bytes to consume. */
    public int consumed() {
        return consumed;
    }
}
