package dev.aio4j;

/**
 * The loop's source of time: monotonic nanoseconds with an arbitrary origin.
 *
 * <p>{@link #system()} is the real clock; {@link VirtualClock} is one tests drive.
 */
public interface Clock {

    /** Now, in nanoseconds; never decreases. */
    long nanoTime();

    /** The JVM's monotonic clock ({@link System#nanoTime()}). */
    static Clock system() {
        return System::nanoTime;
    }
}
