package dev.aio4j.net;

/**
 * A transport's write water marks (asyncio's {@code set_write_buffer_limits}): the protocol is
 * paused when more than {@code high} bytes wait to be sent and resumed when they drop to
 * {@code low} or fewer.
 *
 * @param high pause above this many buffered bytes
 * @param low resume at or below this many
 */
public record WriteBufferLimits(int high, int low) {

    /** The high-water mark when neither is given, as asyncio's. */
    public static final int DEFAULT_HIGH = 64 * 1024;

    /** @throws IllegalArgumentException unless high >= low >= 0 */
    public WriteBufferLimits {
        if (low < 0) {
            throw new IllegalArgumentException("low < 0: " + low);
        }
        if (high < low) {
            throw new IllegalArgumentException("high < low: " + high + " < " + low);
        }
    }

    /**
     * The limits {@link Transport#setWriteBufferLimits} means by possibly negative ("unset")
     * arguments: {@code high < 0} is 4 x low, or {@link #DEFAULT_HIGH} when both are unset;
     * {@code low < 0} is high / 4.
     *
     * @throws IllegalArgumentException unless the result has high >= low >= 0
     */
    public static WriteBufferLimits of(int high, int low) {
        if (high < 0) {
            high = low < 0 ? DEFAULT_HIGH : 4 * low;
        }
        if (low < 0) {
            low = high / 4;
        }
        return new WriteBufferLimits(high, low);
    }
}
