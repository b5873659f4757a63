package dev.aio4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The signals that cancel a runner's main task while {@link Runner#run} runs: the first cancels
 * it (asyncio.run since 3.11 does this for SIGINT), a second of any of them ends the process at
 * once with status 128+N.
 *
 * <p>Notes: built on {@link SignalDispatch} like {@link EventLoop#addSignalHandler}, so a loop
 * handler added during the run takes precedence and, once removed, hands the signal back. A
 * signal the JVM refuses ({@code -Xrs}) is skipped: the run goes on without it, as before.
 */
final class CancelOnSignal implements SignalDispatch.Action {
    private final EventLoop loop;
    private final Task<?> main;
    private final List<Signal> installed = new ArrayList<>();
    private volatile Signal received;

    private CancelOnSignal(EventLoop loop, Task<?> main) {
        this.loop = loop;
        this.main = main;
    }

    /** Installs the handlers for {@code main}; null if {@code signals} is empty. */
    static CancelOnSignal install(EventLoop loop, Task<?> main, Set<Signal> signals) {
        if (signals.isEmpty()) {
            return null;
        }
        CancelOnSignal h = new CancelOnSignal(loop, main);
        for (Signal s : signals) {
            try {
                SignalDispatch.add(s, h, h);
                h.installed.add(s);
            } catch (UnsupportedSignalException refused) {
                // signals unavailable to this JVM: run without this one
            }
        }
        return h;
    }

    @Override
    public void onSignal(Signal signal) {
        synchronized (this) {
            if (received != null) {
                Runtime.getRuntime().halt(128 + signal.number());
            }
            received = signal;
        }
        try {
            loop.callSoonThreadsafe(() -> main.cancel(signal.signalName()));
        } catch (IllegalStateException closed) {
            Runtime.getRuntime().halt(128 + signal.number());
        }
    }

    /** The signal that cancelled the main task, or null. */
    Signal received() {
        return received;
    }

    void uninstall() {
        for (Signal s : installed) {
            SignalDispatch.remove(s, this);
        }
    }
}
