package dev.aio4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A task was created, or finished. Off by default (one event per task adds up): enable it with
 * {@code jfr configure}, a .jfc file, or {@code Recording.enable("dev.aio4j.TaskLifecycle")}.
 */
@Name("dev.aio4j.TaskLifecycle")
@Label("Task Lifecycle")
@Category("aio4j")
@Description("A task of an event loop was created or finished; finished events carry the outcome and the lifetime")
@Enabled(false)
@StackTrace(false)
public final class TaskLifecycleEvent extends jdk.jfr.Event {
    @Label("Loop")
    @Description("The loop's name")
    public String loop;

    @Label("Task")
    @Description("The task's name")
    public String task;

    @Label("Task Id")
    @Description("The task's number, unique in the process: the N of \"Task-N\"")
    public long taskId;

    @Label("Phase")
    @Description("\"created\" or \"finished\"")
    public String phase;

    @Label("Outcome")
    @Description("For finished: \"result\", \"exception\" or \"cancelled\"")
    public String outcome;

    @Label("Lifetime")
    @Description("For finished: the time since the task was created, when that was recorded too (else 0)")
    @Timespan(Timespan.NANOSECONDS)
    public long lifetime;
}
