package dev.aio4j.sync;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.TimerHandle;
import java.time.Duration;

/** Random cancellations for the stress suites. */
public final class Deadlines {
    private Deadlines() {}

    /**
     * Cancels {@code task} after {@code delay} of loop time, from a timer of the running loop:
     * the path a deadline takes to interrupt a wait. Cancel the handle when the run ends, so no
     * timer outlives it.
     */
    public static TimerHandle cancelAfter(Task<?> task, Duration delay) {
        return Aio.getRunningLoop().callLater(delay, () -> task.cancel("deadline"));
    }
}
