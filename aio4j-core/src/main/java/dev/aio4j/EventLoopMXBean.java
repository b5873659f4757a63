package dev.aio4j;

/**
 * What a running loop shows through JMX, as {@code dev.aio4j:type=EventLoop,name=aio4j-loop-N}
 * in the platform MBean server: counters and the task tree as text. Seen with JConsole,
 * {@code jcmd}-started agents, or {@code ./aio4j ps PID} and {@code ./aio4j pstree PID}.
 *
 * <p>The loop registers itself the first time it runs and unregisters when it closes
 * (registration happens on a background thread, so a loop never waits for the JMX
 * machinery); {@code -Daio4j.jmx=false} turns this off. The counters are read without
 * synchronising with the loop, so each is exact only while the loop waits; the task tree is
 * taken on the loop, like {@link EventLoop#taskTree()}.
 */
public interface EventLoopMXBean {

    /** The loop's name, e.g. {@code aio4j-loop-1}. */
    String getName();

    /** The loop's {@code toString()}: state, mode, tasks, debug. */
    String getDescription();

    /** True while the loop runs. */
    boolean isRunning();

    /** Unfinished tasks. */
    int getTasks();

    /** Callbacks ready to run now. */
    int getReady();

    /** Timers scheduled (including cancelled ones not yet dropped). */
    int getTimers();

    /** Channels registered with the loop's selector. */
    int getWatchedChannels();

    /** Times the loop's carrier has been handed to a task or to the loop itself (steps). */
    long getSteps();

    /**
     * The longest time a task or callback held the loop without waiting, as the watchdog sampled
     * it: a lower bound with a resolution of about 100 ms (0 if no hold lasted that long).
     */
    long getSlowestStepMillis();

    /** The task tree ({@link TaskTree#toTreeString(boolean)}, without stacks). */
    String getTaskTree();

    /** The task tree with each task's stack. */
    String getTaskTreeWithStacks();

    /** The tasks as a table ({@link TaskTree#toTable()}). */
    String getTaskTable();
}
