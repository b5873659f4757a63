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
    private TaskDump() {}

    private static final int STACK_FRAMES = 24;

    /** The dump of every task in {@code tasks} that has not finished; {@code main} runs the test. */
    public static String of(EventLoop loop, List<TaskTracker.Tracked> tasks, Task<?> main) {
        StringBuilder sb = new StringBuilder();
        sb.append(loop).append('\n');
        int shown = 0;
        for (TaskTracker.Tracked t : tasks) {
            if (t.task().done()) {
                continue;
            }
            shown++;
            describe(sb, t.task(), t.task() == main ? List.of() : t.createdAt(), true);
        }
        if (shown == 0) {
            sb.append("  (no unfinished task: the loop itself is stuck, or tasks were made by another factory)\n");
        }
        return sb.toString();
    }

    /** One task: a header line, then (optionally) its stack, then where it was created. */
    static void describe(StringBuilder sb, Task<?> task, List<StackTraceElement> createdAt, boolean withStack) {
        Thread thread = task.thread(); // null: its first step has not run yet (carrier mode)
        StackTraceElement[] stack = thread == null ? new StackTraceElement[0] : thread.getStackTrace();
        sb.append("  task \"")
                .append(task.getName())
                .append("\" ")
                .append(task.cancelling() > 0 ? "cancelling" : "pending")
                .append(", thread ")
                .append(thread == null ? "not started" : thread.getState());
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

    /**
     * The call a task waits in, read off its stack ({@code Aio.sleep (Foo.java:12)}), or null
     * when it runs its own code. The JDK's frames on top are skipped; in the block of aio4j
     * frames below them, the last one that is not plumbing (the carrier, Task, lambdas) is the
     * call; the frame after it, if it is the task's own code, is where it was called.
     */
    static String waitsIn(StackTraceElement[] stack) {
        int i = 0;
        while (i < stack.length && isJdk(stack[i].getClassName())) {
            i++;
        }
        if (i == stack.length) {
            return null;
        }
        if (!TaskTracker.isLibrary(stack[i].getClassName())) {
            return i > 0 ? "the JDK call " + name(stack[i - 1]) + at(stack[i]) : null;
        }
        StackTraceElement entry = null;
        for (; i < stack.length && TaskTracker.isLibrary(stack[i].getClassName()); i++) {
            if (!isPlumbing(stack[i])) {
                entry = stack[i];
            }
        }
        if (entry == null) {
            return null;
        }
        boolean calledByOwnCode = i < stack.length && !isJdk(stack[i].getClassName());
        return name(entry) + (calledByOwnCode ? at(stack[i]) : "");
    }

    private static boolean isPlumbing(StackTraceElement e) {
        String c = e.getClassName();
        return c.startsWith("dev.aio4j.internal.")
                || c.equals("dev.aio4j.Task")
                || c.equals("dev.aio4j.TaskStrand")
                || e.getMethodName().startsWith("lambda$");
    }

    private static String name(StackTraceElement e) {
        return simpleName(e.getClassName()) + "." + e.getMethodName();
    }

    private static String at(StackTraceElement caller) {
        return " (" + caller.getFileName() + ":" + caller.getLineNumber() + ")";
    }

    private static boolean isJdk(String className) {
        return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.");
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
