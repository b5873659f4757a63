package dev.aio4j;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT while {@code Aio.run} runs: the first cancels the main task, a second ends the process
 * at once (asyncio.run since 3.11). One runner at a time holds the handler.
 */
final class SigintHandler implements SignalHandler {
    private static final AtomicBoolean HELD = new AtomicBoolean();

    private final EventLoop loop;
    private final Task<?> main;
    private final AtomicBoolean received = new AtomicBoolean();
    private SignalHandler previous;

    private SigintHandler(EventLoop loop, Task<?> main) {
        this.loop = loop;
        this.main = main;
    }

    /** Installs a handler for {@code main}, or returns null if another runner holds SIGINT. */
    static SigintHandler install(EventLoop loop, Task<?> main) {
        if (!HELD.compareAndSet(false, true)) {
            return null;
        }
        SigintHandler h = new SigintHandler(loop, main);
        try {
            h.previous = Signal.handle(new Signal("INT"), h);
            return h;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            HELD.set(false); // signals unavailable (e.g. -Xrs): run without the handler
            return null;
        }
    }

    @Override
    public void handle(Signal signal) {
        if (!received.compareAndSet(false, true)) {
            Runtime.getRuntime().halt(130);
        }
        try {
            loop.callSoonThreadsafe(() -> main.cancel("SIGINT"));
        } catch (IllegalStateException closed) {
            Runtime.getRuntime().halt(130);
        }
    }

    boolean received() {
        return received.get();
    }

    void uninstall() {
        try {
            Signal.handle(new Signal("INT"), previous);
        } finally {
            HELD.set(false);
        }
    }
}
