package dev.aio4j;

import dev.aio4j.internal.Holders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link TaskTree} from what the loop's tasks recorded at their waits; shared by
 * {@link EventLoop#taskTree()} and the deadlock detector.
 *
 * <p>Implementation notes: runs on the loop (or while the loop is stopped), so every field read
 * here is stable. Edges, from the awaiting task to the awaited one:
 * <ol>
 *   <li>{@code futWaiter} is a task: the waiter awaits it;
 *   <li>{@code futWaiter} is a gather: the waiter awaits each unfinished child task;
 *   <li>a task's done callback is an {@link AwaitedBy} naming a task (a TaskGroup's parent):
 *       that task awaits it, from the moment the child is created, as in asyncio 3.14.
 * </ol>
 * A task waiting for a Lock is followed to the lock's holder ({@code heldBy}), which is not an
 * await edge but counts for the deadlock detector.
 */
final class TaskSnapshot {

    private TaskSnapshot() {}

    /** The tree of {@code loop}'s unfinished tasks; call on the loop or while it is stopped. */
    static TaskTree take(EventLoop loop, boolean withStacks) {
        List<Task<?>> tasks = loop.snapshotTasks();
        Map<Task<?>, Set<Task<?>>> awaits = new HashMap<>();
        for (Task<?> t : tasks) {
            awaits.put(t, new LinkedHashSet<>());
        }
        for (Task<?> t : tasks) {
            Future<?> w = t.futWaiter();
            if (w instanceof Task<?> child && awaits.containsKey(child)) {
                awaits.get(t).add(child);
            } else if (w instanceof Gather<?> g) {
                for (Future<?> f : g.children()) {
                    if (f instanceof Task<?> child && awaits.containsKey(child)) {
                        awaits.get(t).add(child);
                    }
                }
            }
        }
        List<Object> awaiters = new ArrayList<>();
        for (Task<?> child : tasks) {
            awaiters.clear();
            child.collectAwaitedBy(awaiters);
            for (Object a : awaiters) {
                if (a instanceof Task<?> parent && awaits.containsKey(parent)) {
                    awaits.get(parent).add(child);
                }
            }
        }
        Map<Task<?>, List<Long>> awaitedBy = new HashMap<>();
        for (Task<?> t : tasks) {
            for (Task<?> child : awaits.get(t)) {
                awaitedBy.computeIfAbsent(child, k -> new ArrayList<>()).add(t.id());
            }
        }
        Task<?> current = Task.current();
        long now = loop.nanoTime();
        List<TaskTree.Node> nodes = new ArrayList<>(tasks.size());
        for (Task<?> t : tasks) {
            List<Long> awaitIds = new ArrayList<>();
            for (Task<?> child : awaits.get(t)) {
                awaitIds.add(child.id());
            }
            Object holder = t.inWait() && t.strand.waitingFor != null ? Holders.holderOf(t.strand.waitingFor) : null;
            Long heldBy = holder instanceof Task<?> ht && awaits.containsKey(ht) ? ht.id() : null;
            nodes.add(new TaskTree.Node(
                    t.id(),
                    t.getName(),
                    stateOf(t, current),
                    Duration.ofNanos(Math.max(0, now - t.createdNanos)),
                    t.inWait() ? describeWait(t) : null,
                    awaitIds,
                    awaitedBy.getOrDefault(t, List.of()),
                    heldBy,
                    withStacks ? stackOf(t, t == current) : List.of()));
        }
        return new TaskTree(loop.toString(), nodes);
    }

    private static TaskTree.TaskState stateOf(Task<?> t, Task<?> current) {
        if (t == current) {
            return TaskTree.TaskState.RUNNING;
        }
        if (t.inWait()) {
            return TaskTree.TaskState.WAITING;
        }
        // Carrier mode: a task unmounted without a library wait sits in a JDK call. Portable
        // mode cannot tell that from waiting for the baton.
        Thread.State s = t.thread() == null ? Thread.State.NEW : t.thread().getState();
        boolean parked = s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
        return parked && "carrier".equals(t.loop.mode()) ? TaskTree.TaskState.IN_JDK_CALL : TaskTree.TaskState.READY;
    }

    /** What a parked task waits on, as people read it. */
    static String describeWait(Task<?> t) {
        Object what = t.strand.waitingFor;
        if (what != null) {
            return describe(what, t.loop);
        }
        Future<?> w = t.futWaiter();
        if (w instanceof Task<?> other) {
            return "task \"" + other.getName() + "\"";
        }
        return w == null ? "a wake-up" : w.toString();
    }

    /** {@code Lock[locked, waiters=1]@1b6d3586}: the identity tells two alike primitives apart. */
    static String describe(Object what, EventLoop loop) {
        if (what instanceof TimerHandle timer) {
            return "a timer due in "
                    + TaskTree.formatAge(Duration.ofNanos(Math.max(0, timer.whenNanos() - loop.nanoTime())))
                    + " (loop time " + String.format(java.util.Locale.ROOT, "%.3f", timer.when()) + ")";
        }
        if (what instanceof Task<?> other) {
            return "task \"" + other.getName() + "\"";
        }
        return what + "@" + Integer.toHexString(System.identityHashCode(what));
    }

    /** The task's stack from the library call it waits in down to its body. */
    static List<StackTraceElement> stackOf(Task<?> t, boolean taking) {
        Thread thread = t.thread();
        if (thread == null) {
            return List.of();
        }
        StackTraceElement[] frames = thread.getStackTrace();
        boolean libraryWait = t.inWait();
        int from = 0;
        while (from < frames.length
                && (isMachinery(frames[from].getClassName(), libraryWait)
                        || taking && isSnapshot(frames[from].getClassName()))) {
            from++;
        }
        int to = frames.length;
        for (int i = from; i < frames.length; i++) {
            if (frames[i].getClassName().equals(Task.class.getName())
                    && frames[i].getMethodName().equals("run")) {
                to = i;
                break;
            }
        }
        return from < to ? List.of(frames).subList(from, to) : List.of(frames);
    }

    /** The task taking the snapshot: the frames of taking it (Thread.getStackTrace, this class, the loop's taskTree). */
    private static boolean isSnapshot(String cls) {
        return cls.startsWith("java.")
                || cls.equals(TaskSnapshot.class.getName())
                || cls.equals(EventLoop.class.getName());
    }

    /**
     * Frames of the scheduler and of the task's own parking, above the call the user made: in a
     * library wait every JDK frame on top is the parking; in a JDK call those frames are the call.
     */
    private static boolean isMachinery(String cls, boolean libraryWait) {
        if (cls.startsWith("dev.aio4j.internal.") || cls.equals(Task.class.getName())) {
            return true;
        }
        if (libraryWait) {
            return cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.");
        }
        return cls.startsWith("java.lang.VirtualThread") || cls.startsWith("jdk.internal.vm.");
    }
}
