package dev.aio4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A snapshot of a loop's unfinished tasks and of who awaits whom, taken on the loop by
 * {@link EventLoop#taskTree()}. Immutable. Printed as a tree ({@link #toTreeString}, the shape of
 * {@code python -m asyncio pstree PID}) or as a table ({@link #toTable}, the shape of
 * {@code python -m asyncio ps PID}).
 *
 * <p>The await edges are what the library records at each wait, never read from stacks: a task
 * awaiting another task (asyncio's {@code _fut_waiter}), a task awaiting a gather of tasks, the
 * task running a {@link TaskGroup} awaiting the group's children (asyncio 3.14 records them the
 * same way). What a task waits on beyond a future (a Lock, a Queue, a timer) comes from what its
 * wait recorded.
 *
 * <p>Differs from asyncio: asyncio's tools read another process's memory and show coroutine
 * frames; here the loop takes the snapshot itself, in one step, and a task's stack is its
 * virtual thread's, trimmed to the frames above the library's wait.
 */
public final class TaskTree {

    /** What a task was doing when the snapshot was taken. */
    public enum TaskState {
        /** The task that asked for the snapshot. */
        RUNNING,
        /** Parked in one of the library's waits (a future, a task, a lock, a sleep, a socket). */
        WAITING,
        /** Runnable: woken, waiting for its turn on the loop. */
        READY,
        /** Inside a JDK blocking call (carrier mode), which suspends only the task. */
        IN_JDK_CALL
    }

    /**
     * One unfinished task.
     *
     * @param id the task's number, unique in the process (the N of "Task-N")
     * @param name the task's name
     * @param state what it was doing
     * @param age loop time since it was created, to the loop iteration (virtual time on a
     *     {@link VirtualClock})
     * @param waitingOn what it waits on ({@code toString()} of the future, task, lock, queue,
     *     timer...), or null when it does not wait
     * @param awaits ids of the tasks it awaits (directly, through a gather, or as a TaskGroup's
     *     parent)
     * @param awaitedBy ids of the tasks that await it
     * @param heldBy id of the task holding the lock it waits for, or null
     * @param stack its stack from the call that waits (or the running frame) down to its body;
     *     empty unless asked for
     */
    public record Node(
            long id,
            String name,
            TaskState state,
            Duration age,
            String waitingOn,
            List<Long> awaits,
            List<Long> awaitedBy,
            Long heldBy,
            List<StackTraceElement> stack) {
        public Node {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(age, "age");
            awaits = List.copyOf(awaits);
            awaitedBy = List.copyOf(awaitedBy);
            stack = List.copyOf(stack);
        }
    }

    private final String loop;
    private final List<Node> tasks;
    private final Map<Long, Node> byId = new LinkedHashMap<>();

    /**
     * A tree of {@code tasks} (in creation order) of the loop described by {@code loop}.
     *
     * @throws IllegalArgumentException if an edge names a task that is not in {@code tasks}
     */
    public TaskTree(String loop, List<Node> tasks) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.tasks = List.copyOf(tasks);
        for (Node n : this.tasks) {
            byId.put(n.id(), n);
        }
        for (Node n : this.tasks) {
            for (long id : n.awaits()) {
                if (!byId.containsKey(id)) {
                    throw new IllegalArgumentException("task " + n.id() + " awaits unknown task " + id);
                }
            }
        }
    }

    /** The loop's {@code toString()} at the time of the snapshot. */
    public String loop() {
        return loop;
    }

    /** Every unfinished task, in creation order. */
    public List<Node> tasks() {
        return tasks;
    }

    /** The task with this id, or null. */
    public Node task(long id) {
        return byId.get(id);
    }

    /** The first task named {@code name}, or null. */
    public Node task(String name) {
        for (Node n : tasks) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ the tree

    /**
     * The tasks as a tree: each task that nobody awaits is a root, under it the tasks it awaits.
     * A task awaited by several appears under each; a cycle is cut where it closes.
     *
     * <pre>
     * └── (T) main  waiting 2.1s  waits for Gather[pending, children=2, finished=0]
     *     ├── (T) fetch-a  waiting 2.1s  waits for TimerHandle[...]
     *     └── (T) fetch-b  waiting 2.1s  waits for Lock[locked, waiters=1] held by "fetch-a"
     * </pre>
     *
     * @param withStacks also print each task's stack under it
     */
    public String toTreeString(boolean withStacks) {
        StringBuilder sb = new StringBuilder(loop).append('\n');
        if (tasks.isEmpty()) {
            return sb.append("(no tasks)\n").toString();
        }
        List<Node> roots = new ArrayList<>();
        for (Node n : tasks) {
            if (n.awaitedBy().isEmpty()) {
                roots.add(n);
            }
        }
        Set<Long> printed = new HashSet<>();
        for (Node root : roots) { // each root is a tree of its own, as asyncio's pstree prints them
            printNode(sb, root, "", true, withStacks, new HashSet<>(), printed);
        }
        // Tasks only reachable through a cycle have no root: print them from their first member.
        for (Node n : tasks) {
            if (!printed.contains(n.id())) {
                printNode(sb, n, "", true, withStacks, new HashSet<>(), printed);
            }
        }
        return sb.toString();
    }

    private void printNode(
            StringBuilder sb,
            Node n,
            String indent,
            boolean last,
            boolean withStacks,
            Set<Long> path,
            Set<Long> printed) {
        sb.append(indent).append(last ? "└── " : "├── ").append("(T) ").append(n.name());
        describe(sb, n);
        sb.append('\n');
        printed.add(n.id());
        String childIndent = indent + (last ? "    " : "│   ");
        if (withStacks) {
            for (StackTraceElement f : n.stack()) {
                sb.append(childIndent).append("    at ").append(f).append('\n');
            }
        }
        if (!path.add(n.id())) {
            return;
        }
        List<Long> children = n.awaits();
        for (int i = 0; i < children.size(); i++) {
            Node child = byId.get(children.get(i));
            boolean lastChild = i == children.size() - 1;
            if (path.contains(child.id())) {
                sb.append(childIndent)
                        .append(lastChild ? "└── " : "├── ")
                        .append("(T) ")
                        .append(child.name())
                        .append("  (cycle)\n");
            } else {
                printNode(sb, child, childIndent, lastChild, withStacks, path, printed);
            }
        }
        path.remove(n.id());
    }

    private void describe(StringBuilder sb, Node n) {
        sb.append("  ")
                .append(n.state().name().toLowerCase().replace('_', ' '))
                .append(' ')
                .append(formatAge(n.age()));
        if (n.waitingOn() != null) {
            sb.append("  waits for ").append(n.waitingOn());
            if (n.heldBy() != null) {
                Node holder = byId.get(n.heldBy());
                sb.append(" held by \"")
                        .append(holder != null ? holder.name() : "task " + n.heldBy())
                        .append('"');
            }
        }
    }

    // ------------------------------------------------------------------ the table

    /**
     * The tasks as a table, one line each:
     *
     * <pre>
     * id  name     state    age   waits for                     awaited by
     * 1   main     waiting  2.1s  Gather[pending, children=2]   -
     * 2   fetch-a  waiting  2.1s  TimerHandle[...]              main
     * </pre>
     */
    public String toTable() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"id", "name", "state", "age", "waits for", "awaited by"});
        for (Node n : tasks) {
            String waits = n.waitingOn() == null ? "-" : n.waitingOn();
            if (n.heldBy() != null) {
                Node holder = byId.get(n.heldBy());
                waits += " held by " + (holder != null ? holder.name() : n.heldBy());
            }
            List<String> by = new ArrayList<>();
            for (long id : n.awaitedBy()) {
                Node a = byId.get(id);
                by.add(a != null ? a.name() : String.valueOf(id));
            }
            rows.add(new String[] {
                String.valueOf(n.id()),
                n.name(),
                n.state().name().toLowerCase().replace('_', ' '),
                formatAge(n.age()),
                waits,
                by.isEmpty() ? "-" : String.join(", ", by)
            });
        }
        int[] width = new int[6];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder(loop).append('\n');
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]);
                if (i < r.length - 1) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** "850ms", "2.1s", "3m12s", "5h03m". */
    static String formatAge(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return (s / 60) + "m" + String.format(java.util.Locale.ROOT, "%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format(java.util.Locale.ROOT, "%02d", (s / 60) % 60) + "m";
    }

    /** The tree without stacks. */
    @Override
    public String toString() {
        return toTreeString(false);
    }
}
