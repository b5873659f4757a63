package dev.aio4j.queue;

import dev.aio4j.EventLoop;
import dev.aio4j.internal.Strand;

/** Lazy binding of a queue to the loop that first uses it (asyncio's _LoopBoundMixin). */
final class Binding {
    private Binding() {
    }

    /**
     * The loop running the caller, checked against {@code bound}.
     *
     * @throws WrongThreadException if the calling thread runs no event loop
     * @throws IllegalStateException if {@code bound} is another loop
     */
    static EventLoop check(EventLoop bound, Object owner) {
        Strand s = Strand.current();
        if (s == null) {
            throw new WrongThreadException(owner + " used from " + Thread.currentThread()
                    + ", which runs no event loop; reach its loop with callSoonThreadsafe or Aio.runCoroutineThreadsafe");
        }
        EventLoop current = (EventLoop) s.loop;
        if (bound != null && bound != current) {
            throw new IllegalStateException(owner + " is bound to a different event loop");
        }
        return current;
    }
}
