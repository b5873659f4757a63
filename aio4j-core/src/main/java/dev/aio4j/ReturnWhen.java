package dev.aio4j;

/** When {@link Aio#wait} returns (asyncio's {@code FIRST_COMPLETED}, ... constants). */
public enum ReturnWhen {
    /** As soon as any future finishes or is cancelled. */
    FIRST_COMPLETED,
    /**
     * As soon as any future finishes with an exception (a cancellation does not count); if none
     * does, when all are done.
     */
    FIRST_EXCEPTION,
    /** When every future is done. */
    ALL_COMPLETED
}
