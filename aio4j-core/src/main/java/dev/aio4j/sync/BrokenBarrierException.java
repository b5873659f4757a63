package dev.aio4j.sync;

/**
 * Thrown by {@link Barrier#await()} when the barrier is reset or aborted while the task waits,
 * or is broken when it arrives (asyncio's BrokenBarrierError).
 *
 * <p>Unchecked, unlike java.util.concurrent.BrokenBarrierException, as asyncio's derives from
 * RuntimeError.
 */
public class BrokenBarrierException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BrokenBarrierException(String message) {
        super(message);
    }
}
