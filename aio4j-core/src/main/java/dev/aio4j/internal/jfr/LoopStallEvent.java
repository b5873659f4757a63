package dev.aio4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A task or callback held its loop longer than the stall threshold: nothing else of that loop
 * ran meanwhile. Committed by the watchdog when the hold ends, so its own stack trace (the
 * watchdog's) is off; {@code topFrames} is the holder's stack, taken when the hold crossed the
 * threshold.
 */
@Name("dev.aio4j.LoopStall")
@Label("Loop Stall")
@Category("aio4j")
@Description("A task or callback held its event loop over the stall threshold (1 s; in debug mode ten times the"
        + " slow-callback duration): no other task or callback of the loop ran meanwhile")
@StackTrace(false)
public final class LoopStallEvent extends jdk.jfr.Event {
    @Label("Loop")
    @Description("The loop's name")
    public String loop;

    @Label("Holder")
    @Description("The task (its toString) or callback that held the loop")
    public String holder;

    @Label("Holder Thread")
    @Description("The thread that held the loop: the task's virtual thread, or the loop's own")
    public Thread holderThread;

    @Label("Held")
    @Description("How long the loop was held, to within the watchdog's check interval (100 ms, less in debug mode)")
    @Timespan(Timespan.NANOSECONDS)
    public long held;

    @Label("Top Frames")
    @Description("The innermost frames of the holder's stack when the hold crossed the threshold")
    public String topFrames;
}
