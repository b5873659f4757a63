package dev.aio4j.test.internal;

import dev.aio4j.EventLoop;
import dev.aio4j.Task;
import java.util.List;

/**
 * A readable dump of a test loop's tasks, built from any thread while the loop may still be
 * running: each task's name, state, what it waits in and its stack, with where it was created.
 *
 * <p>Notes: the task's state is read without the loop's consent (a benign race: the dump is a
 * diagnostic and may be a step out of date). "What it waits in" is read off the stack: the
 * outermost aio4j frame above the task's own code is the call it waits in ({@code Aio.sleep},
 * {@code Future.await}, {@code Lock.acquire}, ...); a task with JDK frames on top and no aio4j
 * frame waits in a JDK call. A fuller task tree will come from the core later; this class is the
 * one place to change then.
 */
public final class TaskDump {
    private TaskDump() {
    }

    private static final int STACK_FRAMES = 24;

    /** The dump of every task in {@code tasks} that has not finished. */
    public static String of(EventLoop loop, List<TaskTracker.Tracked> tasks) {
        StringBuilder sb = new StringBuilder();
        sb.append(loop).append('\n');
        int shown = 0;
        for (TaskTracker.Tracked t : tasks) {
            if (t.task().done()) {
                continue;
            }
            shown++;
            describe(sb, t.task(), t.createdAt(), true);
        }
        if (shown == 0) {
            sb.append("  (no unfinished task: the loop itself is stuck, or tasks were made by another factory)\n");
        }
        return sb.toString();
    }

    /** One task: a header line, then (optionally) its stack, then where it was created. */
    static void describe(StringBuilder sb, Task<?> task, List<StackTraceElement> createdAt, boolean withStack) {
        Thread thread = task.thread();
        StackTraceElement[] stack = thread.getStackTrace();
        sb.append("  task \"").append(task.getName()).append("\" ").append(task.cancelling() > 0 ? "cancelling" : "pending")
                .append(", thread ").append(thread.getState());
        String waitsIn = waitsIn(stack);
        if (waitsIn != null) {
            sb.append(", waits in ").append(waitsIn);
        }
        sb.append('\n');
        if (withStack) {
            for (int i = 0; i < Math.min(stack.length, STACK_FRAMES); i++) {
                sb.append("        at ").append(stack[i]).append('\n');
            }
            if (stack.length > STACK_FRAMES) {
                sb.append("        ... ").append(stack.length - STACK_FRAMES).append(" more\n");
            }
        }
        if (!createdAt.isEmpty()) {
            sb.append("      created at\n");
            for (StackTraceElement e : createdAt) {
                sb.append("        at ").append(e).append('\n');
            }
        }
    }

    /** The call a task waits in, read off its stack ({@code Aio.sleep (Foo.java:12)}), or null. */
    static String waitsIn(StackTraceElement[] stack) {
        int firstOwn = -1;
        for (int i = 0; i < stack.length; i++) {
            String c = stack[i].getClassName();
            if (!isJdk(c) && !TaskTracker.isLibrary(c)) {
                firstOwn = i;
                break;
            }
        }
        if (firstOwn <= 0) {
            return null;
        }
        StackTraceElement entry = stack[firstOwn - 1];
        StackTraceElement caller = stack[firstOwn];
        String kind = TaskTracker.isLibrary(entry.getClassName()) ? "" : "the JDK call ";
        return kind + simpleName(entry.getClassName()) + "." + entry.getMethodName() + " (" + caller.getFileName() + ":"
                + caller.getLineNumber() + ")";
    }

    private static boolean isJdk(String className) {
        return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.");
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
