package dev.aio4j;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link Aio#run(java.util.concurrent.Callable, RunOptions)} and {@link Runner} set up their
 * loop. Immutable; start from {@link #defaults()} and change with the {@code with} methods.
 *
 * @param debug debug mode (default: {@code -Daio4j.debug=true} or {@code AIO4J_DEBUG=1})
 * @param clock the loop's clock (default: the real monotonic clock)
 * @param cancelSignals the signals that cancel the main task while it runs (default: SIGINT);
 *     a second one prints the task tree to stderr and ends the process with status 128+N
 * @param taskFactory the loop's task factory, or null for the default
 */
public record RunOptions(boolean debug, Clock clock, Set<Signal> cancelSignals, TaskFactory taskFactory) {

    /**
     * @throws UnsupportedSignalException if {@code cancelSignals} holds KILL or STOP
     */
    public RunOptions {
        Objects.requireNonNull(clock, "clock");
        cancelSignals = Set.copyOf(cancelSignals);
        for (Signal s : cancelSignals) {
            if (!s.catchable()) {
                throw new UnsupportedSignalException(s.signalName() + " cannot be caught");
            }
        }
    }

    public static RunOptions defaults() {
        return new RunOptions(Debug.enabledByDefault(), Clock.system(), Set.of(Signal.INT), null);
    }

    public RunOptions withDebug(boolean debug) {
        return new RunOptions(debug, clock, cancelSignals, taskFactory);
    }

    public RunOptions withClock(Clock clock) {
        return new RunOptions(debug, clock, cancelSignals, taskFactory);
    }

    /**
     * The signals that cancel the main task, e.g. {@code withCancelSignals(Signal.INT,
     * Signal.TERM)} for a service run by a process manager; none turns signal handling off.
     */
    public RunOptions withCancelSignals(Signal... signals) {
        Set<Signal> set = EnumSet.noneOf(Signal.class);
        for (Signal s : signals) {
            set.add(Objects.requireNonNull(s, "signal"));
        }
        return new RunOptions(debug, clock, set, taskFactory);
    }

    /** {@code true}: SIGINT alone cancels the main task (the default); {@code false}: no signal does. */
    public RunOptions withSigintHandling(boolean handleSigint) {
        return handleSigint ? withCancelSignals(Signal.INT) : withCancelSignals();
    }

    public RunOptions withTaskFactory(TaskFactory taskFactory) {
        return new RunOptions(debug, clock, cancelSignals, taskFactory);
    }
}
