package dev.aio4j.sync;

/**
 * A hold on a {@link Lock}, {@link Semaphore} or {@link Condition}, returned by their
 * {@code acquire()} so that try-with-resources releases it:
 *
 * <pre>{@code
 * try (var held = lock.acquire()) {
 *     // the lock is held here
 * }
 * }</pre>
 *
 * <p>The asyncio equivalent is {@code async with lock:}. Closing a hold twice releases once.
 */
public final class Held implements AutoCloseable {
    /** What this hold releases; null once closed. */
    private Releasable owner;

    Held(Releasable owner) {
        this.owner = owner;
    }

    /** A primitive that a hold releases. */
    interface Releasable {
        void release();
    }

    /**
     * Releases what {@code acquire()} took; later calls do nothing.
     *
     * @throws WrongThreadException if called from a thread that runs no event loop
     * @throws IllegalStateException if called from another loop than the primitive's
     */
    @Override
    public void close() {
        Releasable r = owner;
        if (r != null) {
            r.release();
            owner = null;
        }
    }
}
