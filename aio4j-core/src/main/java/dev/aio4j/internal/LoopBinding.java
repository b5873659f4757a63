package dev.aio4j.internal;

import dev.aio4j.EventLoop;

/**
 * Lazy binding of a primitive (lock, event, queue, ...) to the loop that first uses it, as
 * asyncio's {@code _LoopBoundMixin} does.
 */
public final class LoopBinding {
    private LoopBinding() {}

    /**
     * The loop running the caller, checked against {@code bound}: the loop to store as the
     * primitive's own (the same one, or the caller's loop if {@code bound} is null).
     *
     * @param owner the primitive, for the error message
     * @throws WrongThreadException if the calling thread runs no event loop
     * @throws IllegalStateException if {@code bound} is another loop
     */
    public static EventLoop check(EventLoop bound, Object owner) {
        Strand s = Strand.current();
        if (s == null) {
            throw new WrongThreadException(
                    owner + " used from " + Thread.currentThread()
                            + ", which runs no event loop; reach its loop with callSoonThreadsafe or Aio.runCoroutineThreadsafe");
        }
        EventLoop current = s.loop();
        if (bound != null && bound != current) {
            throw new IllegalStateException(owner + " is bound to a different event loop");
        }
        return current;
    }
}
