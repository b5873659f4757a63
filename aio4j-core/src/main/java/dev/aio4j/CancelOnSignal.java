package dev.aio4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The signals that cancel a runner's main task while {@link Runner#run} runs: the first cancels
 * it (asyncio.run since 3.11 does this for SIGINT), a second of any of them prints the task tree
 * with stacks to stderr (what is the main task still waiting for?) and ends the process with
 * status 128+N.
 *
 * <p>Notes: built on {@link SignalDispatch} like {@link EventLoop#addSignalHandler}, so a loop
 * handler added during the run takes precedence and, once removed, hands the signal back. A
 * signal the JVM refuses ({@code -Xrs}) is skipped: the run goes on without it, as before.
 */
final class CancelOnSignal implements SignalDispatch.Action {
    /** How long a second signal waits for the loop to take the task tree. */
    private static final java.time.Duration DUMP_LIMIT = java.time.Duration.ofSeconds(2);

    private final EventLoop loop;
    private final Task<?> main;
    private final List<Signal> installed = new ArrayList<>();
    private volatile Signal received;
    /** Guarded by this: the second signal is printing the task tree. */
    private boolean dumping;

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
        boolean again;
        synchronized (this) {
            if (dumping) {
                Runtime.getRuntime().halt(128 + signal.number()); // a third one: no more waiting
            }
            again = received != null;
            dumping = again;
            if (!again) {
                received = signal;
            }
        }
        if (again) {
            printTasks(signal);
            Runtime.getRuntime().halt(128 + signal.number());
        }
        try {
            loop.callSoonThreadsafe(() -> main.cancel(signal.signalName()));
        } catch (IllegalStateException closed) {
            Runtime.getRuntime().halt(128 + signal.number());
        }
    }

    /**
     * Prints the loop's task tree with stacks to stderr: the main task did not end after the
     * first signal, and this shows what it (and every other task) still waits for. A loop held
     * by a task cannot answer; after {@link #DUMP_LIMIT} the process exits without the tree.
     */
    private void printTasks(Signal signal) {
        TaskTree tree;
        try {
            tree = loop.taskTreeWithin(true, DUMP_LIMIT);
        } catch (RuntimeException | Error e) {
            tree = null;
        }
        StringBuilder sb = new StringBuilder("aio4j: second ")
                .append(signal.signalName())
                .append(" before the main task \"")
                .append(main.getName())
                .append("\" finished; exiting with status ")
                .append(128 + signal.number());
        if (tree != null) {
            sb.append(". The tasks still running:\n").append(tree.toTreeString(true));
        } else {
            sb.append("; the loop did not answer within ")
                    .append(DUMP_LIMIT.toSeconds())
                    .append(" s (a task holds it), so there is no task tree.\n");
        }
        System.err.print(sb);
        System.err.flush();
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
