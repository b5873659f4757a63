package dev.aio4j.sync;

/**
 * A {@link Semaphore} whose value may never exceed its initial value (asyncio's
 * BoundedSemaphore): a release without a matching acquire is an error rather than a silent
 * extra permit.
 *
 * <p>Differs from asyncio: the error is IllegalStateException (asyncio: ValueError).
 */
public final class BoundedSemaphore extends Semaphore {
    private final int bound;

    /**
     * A bounded semaphore with {@code value} permits, which is also its bound.
     *
     * @throws IllegalArgumentException if value &lt; 0
     */
    public BoundedSemaphore(int value) {
        super(value);
        this.bound = value;
    }

    /** A bounded semaphore with one permit. */
    public BoundedSemaphore() {
        this(1);
    }

    /** The initial value, which the value never exceeds. */
    public int bound() {
        return bound;
    }

    @Override
    void checkRelease(int currentValue) {
        if (currentValue >= bound) {
            throw new IllegalStateException("BoundedSemaphore released too many times: " + this);
        }
    }
}
