package dev.aio4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds tasks that can never wake: the loop's idle point asks it whenever every task waits in a
 * library wait and nothing that could wake one is left (no ready callback or task step, no
 * timer, no channel watched with interest, no work out on another thread). If that lasts
 * {@link #graceNanos} of real time with no callback run and no task resumed, it reports once:
 * the wait-for graph, its cycle if there is one, and every waiting task's stack. Failing (a
 * {@link DeadlockError} out of the loop's run) in debug mode or when asked, else a WARNING
 * through System.Logger "dev.aio4j".
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   QUIET --stuck at idle--&gt; SUSPECT --grace passes, no activity--&gt; REPORTED
 *     ^                         |                                      |
 *     +------- activity --------+---------------- activity ------------+
 * </pre>
 *
 * <p>The grace is for other threads the loop cannot see: code that will call
 * {@code callSoonThreadsafe} later (a listener of another library, a user's thread). Work the
 * loop hands out itself ({@code toThread}, {@code runInExecutor}, {@code Aio.await} of a
 * CompletionStage, {@link EventLoop#externalStarted}) keeps it quiet however long it takes.
 * Edges: await edges of the {@link TaskTree} plus "waits for a Lock held by"; every field is
 * touched on the loop only.
 */
final class DeadlockDetector {

    private static final System.Logger LOG = System.getLogger("dev.aio4j");
    /** Real time the loop must stay stuck before it reports; {@code -Daio4j.deadlockGraceMillis}. */
    static final long DEFAULT_GRACE_NANOS = Duration.ofMillis(
                    Math.max(0, Long.getLong("aio4j.deadlockGraceMillis", 1000)))
            .toNanos();

    private final EventLoop loop;
    private long graceNanos = DEFAULT_GRACE_NANOS;
    private boolean failOnDeadlock;
    /** SUSPECT: the loop's activity count when it was first seen stuck, and when. */
    private boolean suspect;

    private long activityAtSuspect;
    private long suspectSinceNanos;
    /** REPORTED: the activity count at the report; a new report needs new activity first. */
    private boolean reported;

    private long activityAtReport;

    DeadlockDetector(EventLoop loop) {
        this.loop = loop;
    }

    void setFailOnDeadlock(boolean fail) {
        this.failOnDeadlock = fail;
    }

    boolean failOnDeadlock() {
        return failOnDeadlock;
    }

    void setGrace(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace < 0: " + grace);
        }
        this.graceNanos = grace.toNanos();
    }

    /**
     * Called at the idle point while the loop is stuck; {@code activity} counts the callbacks run
     * and task resumptions so far. Returns how long the loop may idle before asking again
     * (nanoseconds of real time), or -1 for no limit.
     *
     * @throws DeadlockError when the grace has passed and failing is asked for
     */
    long stuck(long activity) {
        if (reported && activity == activityAtReport) {
            return -1;
        }
        reported = false;
        long now = System.nanoTime();
        if (!suspect || activity != activityAtSuspect) {
            suspect = true;
            activityAtSuspect = activity;
            suspectSinceNanos = now;
            return graceNanos;
        }
        long left = suspectSinceNanos + graceNanos - now;
        if (left > 0) {
            return left;
        }
        suspect = false;
        reported = true;
        activityAtReport = activity;
        report(Duration.ofNanos(now - suspectSinceNanos));
        return -1;
    }

    private void report(Duration stuckFor) {
        TaskTree tree = TaskSnapshot.take(loop, true);
        List<TaskTree.Node> cycle = findCycle(tree);
        StringBuilder sb = new StringBuilder("Deadlock: every task of ")
                .append(loop)
                .append(" waits and nothing can wake one: no callback is ready, no timer is set, no channel is watched,"
                        + " no work is out on another thread (for ")
                .append(TaskTree.formatAge(stuckFor))
                .append(").\n");
        if (!cycle.isEmpty()) {
            sb.append("Cycle: ");
            for (int i = 0; i < cycle.size(); i++) {
                TaskTree.Node from = cycle.get(i);
                TaskTree.Node to = cycle.get((i + 1) % cycle.size());
                sb.append(i == 0 ? "" : "; ").append(edge(from, to));
            }
            sb.append(".\n");
        } else {
            sb.append("No cycle: the waits end at something nothing left can complete.\n");
        }
        sb.append("Waiting tasks:\n");
        for (TaskTree.Node n : tree.tasks()) {
            sb.append("  task \"")
                    .append(n.name())
                    .append("\" (")
                    .append(TaskTree.formatAge(n.age()))
                    .append(" old)");
            if (n.waitingOn() != null) {
                sb.append(" waits for ").append(n.waitingOn());
                if (n.heldBy() != null) {
                    sb.append(" held by task \"")
                            .append(tree.task(n.heldBy()).name())
                            .append('"');
                }
            }
            if (!n.awaits().isEmpty()
                    && (n.waitingOn() == null || !n.waitingOn().startsWith("task \""))) {
                List<String> names = new ArrayList<>();
                for (long id : n.awaits()) {
                    names.add('"' + tree.task(id).name() + '"');
                }
                sb.append(", awaiting ").append(String.join(", ", names));
            }
            sb.append('\n');
            for (StackTraceElement f : n.stack()) {
                sb.append("      at ").append(f).append('\n');
            }
        }
        String text = sb.toString().stripTrailing();
        List<String> names = new ArrayList<>();
        for (TaskTree.Node n : cycle) {
            names.add(n.name());
        }
        if (failOnDeadlock || loop.getDebug()) {
            throw new DeadlockError(text, tree, names);
        }
        LOG.log(System.Logger.Level.WARNING, text);
    }

    /** {@code task "a" waits for Lock[...]@1 held by task "b"}, or {@code task "a" awaits task "b"}. */
    private static String edge(TaskTree.Node from, TaskTree.Node to) {
        if (from.heldBy() != null && from.heldBy() == to.id()) {
            return "task \"" + from.name() + "\" waits for " + from.waitingOn() + " held by task \"" + to.name() + "\"";
        }
        return "task \"" + from.name() + "\" awaits task \"" + to.name() + "\"";
    }

    /** The first cycle of the wait-for graph (await edges and lock holders), in creation order; empty if none. */
    static List<TaskTree.Node> findCycle(TaskTree tree) {
        Map<Long, Integer> color = new HashMap<>(); // absent: unvisited, 1: on the path, 2: done
        for (TaskTree.Node start : tree.tasks()) {
            if (!color.containsKey(start.id())) {
                List<TaskTree.Node> path = new ArrayList<>();
                List<TaskTree.Node> cycle = visit(tree, start, color, path);
                if (cycle != null) {
                    return cycle;
                }
            }
        }
        return List.of();
    }

    private static List<TaskTree.Node> visit(
            TaskTree tree, TaskTree.Node n, Map<Long, Integer> color, List<TaskTree.Node> path) {
        color.put(n.id(), 1);
        path.add(n);
        for (long next : successors(n)) {
            Integer c = color.get(next);
            if (c == null) {
                List<TaskTree.Node> cycle = visit(tree, tree.task(next), color, path);
                if (cycle != null) {
                    return cycle;
                }
            } else if (c == 1) {
                for (int i = 0; i < path.size(); i++) {
                    if (path.get(i).id() == next) {
                        return new ArrayList<>(path.subList(i, path.size()));
                    }
                }
            }
        }
        path.remove(path.size() - 1);
        color.put(n.id(), 2);
        return null;
    }

    private static Set<Long> successors(TaskTree.Node n) {
        Set<Long> s = new LinkedHashSet<>(n.awaits());
        if (n.heldBy() != null) {
            s.add(n.heldBy());
        }
        return s;
    }
}
