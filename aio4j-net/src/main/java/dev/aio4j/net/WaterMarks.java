package dev.aio4j.net;

/** The water-mark arithmetic of asyncio's {@code set_write_buffer_limits}. */
final class WaterMarks {
    private WaterMarks() {
    }

    /** {high, low} from possibly negative ("unset") arguments. */
    static int[] limits(int high, int low, int defaultHigh) {
        if (high < 0) {
            high = low < 0 ? defaultHigh : 4 * low;
        }
        if (low < 0) {
            low = high / 4;
        }
        if (!(high >= low && low >= 0)) {
            throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
        }
        return new int[] {high, low};
    }
}
