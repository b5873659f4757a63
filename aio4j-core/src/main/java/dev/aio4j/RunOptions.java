package dev.aio4j;

import java.util.Objects;

/**
 * How {@link Aio#run(java.util.concurrent.Callable, RunOptions)} and {@link Runner} set up their
 * loop. Immutable; start from {@link #defaults()} and change with the {@code with} methods.
 *
 * @param debug debug mode (default: {@code -Daio4j.debug=true} or {@code AIO4J_DEBUG=1})
 * @param clock the loop's clock (default: the real monotonic clock)
 * @param handleSigint whether SIGINT cancels the main task while it runs (default: true)
 * @param taskFactory the loop's task factory, or null for the default
 */
public record RunOptions(boolean debug, Clock clock, boolean handleSigint, TaskFactory taskFactory) {

    public RunOptions {
        Objects.requireNonNull(clock, "clock");
    }

    public static RunOptions defaults() {
        return new RunOptions(Debug.enabledByDefault(), Clock.system(), true, null);
    }

    public RunOptions withDebug(boolean debug) {
        return new RunOptions(debug, clock, handleSigint, taskFactory);
    }

    public RunOptions withClock(Clock clock) {
        return new RunOptions(debug, clock, handleSigint, taskFactory);
    }

    public RunOptions withSigintHandling(boolean handleSigint) {
        return new RunOptions(debug, clock, handleSigint, taskFactory);
    }

    public RunOptions withTaskFactory(TaskFactory taskFactory) {
        return new RunOptions(debug, clock, handleSigint, taskFactory);
    }
}
