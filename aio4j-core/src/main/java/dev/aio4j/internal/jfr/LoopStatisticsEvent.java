package dev.aio4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * Periodic counters of one running loop, sampled from the recorder's periodic thread without
 * stopping the loop (racy reads of single fields: each value is one the loop had, not
 * necessarily all at the same instant).
 */
@Name("dev.aio4j.LoopStatistics")
@Label("Loop Statistics")
@Category("aio4j")
@Description("Counters of a running event loop, every period (1 s by default)")
@Period("1 s")
@StackTrace(false)
public final class LoopStatisticsEvent extends jdk.jfr.Event {
    @Label("Loop")
    @Description("The loop's name")
    public String loop;

    @Label("Mode")
    @Description("\"carrier\" or \"portable\"")
    public String mode;

    @Label("Steps per Second")
    @Description("Strand switches (task steps and loop iterations) per second since the previous sample")
    public double stepsPerSecond;

    @Label("Steps")
    @Description("Strand switches since the loop was created")
    public long steps;

    @Label("Iterations")
    @Description("Loop iterations since the loop was created")
    public long iterations;

    @Label("Ready Callbacks")
    @Description("Callbacks ready to run (the ready queue's depth)")
    public int readyCallbacks;

    @Label("Timers")
    @Description("Timers scheduled, including cancelled ones not yet purged")
    public int timers;

    @Label("Tasks")
    @Description("Tasks not yet finished")
    public int tasks;

    @Label("Parked Tasks")
    @Description("Tasks parked in one of the library's waits")
    public int parkedTasks;
}
