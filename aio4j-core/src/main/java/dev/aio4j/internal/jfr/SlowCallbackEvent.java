package dev.aio4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * A callback, or one step of a task, ran longer than the loop's slow-callback duration (asyncio
 * debug mode's "Executing ... took ... seconds"). Committed on the loop as the callback or step
 * ends, so its stack trace is where the step ended.
 */
@Name("dev.aio4j.SlowCallback")
@Label("Slow Callback")
@Category("aio4j")
@Description("A callback or task step held its loop longer than the loop's slow-callback duration (100 ms by default)")
public final class SlowCallbackEvent extends jdk.jfr.Event {
    @Label("Loop")
    @Description("The loop's name")
    public String loop;

    @Label("Kind")
    @Description("\"callback\" or \"task step\"")
    public String kind;

    @Label("Callback")
    @Description("The handle or task that ran (its toString)")
    public String callback;

    @Label("Took")
    @Description("The time it held the loop; for a task step in carrier mode, only time on the loop counts")
    @Timespan(Timespan.NANOSECONDS)
    public long took;

    @Label("Threshold")
    @Description("The loop's slow-callback duration")
    @Timespan(Timespan.NANOSECONDS)
    public long threshold;
}
