package dev.aio4j;

import java.util.List;

/**
 * Thrown out of a loop's run when its tasks are deadlocked and failing is asked for (debug mode,
 * {@link EventLoop#setFailOnDeadlock}, and every test run by aio4j-test's extension): every task
 * waits, and nothing that could wake one is left (no ready callback, no timer, no watched
 * channel, no work on another thread). The message is the detector's report: the cycle when
 * there is one ({@code task "a" waits for Lock[...]@1b6d held by task "b"; task "b" waits for
 * ...}), then every waiting task with its stack. asyncio has no deadlock detector.
 */
public final class DeadlockError extends IllegalStateException {
    private final transient TaskTree tree;
    private final List<String> cycle;

    DeadlockError(String report, TaskTree tree, List<String> cycle) {
        super(report);
        this.tree = tree;
        this.cycle = List.copyOf(cycle);
    }

    /** The task tree at the moment the deadlock was found, with stacks. */
    public TaskTree taskTree() {
        return tree;
    }

    /** The names of the tasks in the wait-for cycle, in order; empty when the waits form no cycle. */
    public List<String> cycle() {
        return cycle;
    }
}
