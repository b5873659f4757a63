/**
 * Synchronization primitives for tasks of one loop (asyncio's {@code Lock}, {@code Event},
 * {@code Condition}, {@code Semaphore}, {@code BoundedSemaphore} and {@code Barrier}): waiting
 * suspends only the calling task, waiters are served in FIFO order, and a cancelled waiter never
 * ends up holding the primitive. Each binds to the loop that first uses it, and use from another
 * loop or from a thread that runs no loop throws. They keep asyncio's names, so next to a wildcard
 * import of {@code java.util.concurrent} import them by name.
 */
package dev.aio4j.sync;
