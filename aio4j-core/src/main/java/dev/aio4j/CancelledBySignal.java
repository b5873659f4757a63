package dev.aio4j;

/**
 * What {@link Aio#run} and {@link Runner#run} throw when a signal cancelled the main task and
 * the task ended cancelled (asyncio raises KeyboardInterrupt there).
 *
 * <p>A program whose {@code main} lets it escape exits quietly: the runner gives the thread an
 * uncaught-exception handler that prints one line to standard error,
 * {@code "aio4j: cancelled by SIGINT"}, and exits with status 128+N (130 for SIGINT, 143 for
 * SIGTERM), as a shell reports a process killed by that signal. Catch it to do something else.
 * It is a {@link CancelledError}, so code that handles cancellation already handles it.
 */
public final class CancelledBySignal extends CancelledError {
    private static final long serialVersionUID = 1L;

    private final Signal signal;

    public CancelledBySignal(Signal signal) {
        super("cancelled by " + signal.signalName());
        this.signal = signal;
    }

    /** The signal that cancelled the main task. */
    public Signal signal() {
        return signal;
    }

    /** The status a process ends with after this signal: 128 plus the signal's number. */
    public int exitStatus() {
        return 128 + signal.number();
    }
}
