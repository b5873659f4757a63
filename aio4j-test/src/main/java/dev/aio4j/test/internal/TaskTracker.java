package dev.aio4j.test.internal;

import dev.aio4j.EventLoop;
import dev.aio4j.Task;
import dev.aio4j.TaskFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The task factory of a test's loop: makes tasks the default way and remembers each one, with
 * the place it was created, for the leak checks and the timeout dump.
 *
 * <p>Threading: {@link #create} runs on the loop (tasks are created by strands of the loop or by
 * the thread that owns the stopped loop); {@link #snapshot} may be called from any thread (the
 * timeout watchdog), so the list is guarded by {@code this}.
 */
public final class TaskTracker implements TaskFactory {

    /** A task and where it was created (null when creation sites are not recorded). */
    public record Tracked(Task<?> task, Throwable creation) {

        /**
         * The frames where the task was created, without aio4j's own on top and JUnit's below;
         * empty if unknown.
         */
        public List<StackTraceElement> createdAt() {
            if (creation == null) {
                return List.of();
            }
            return Arrays.stream(creation.getStackTrace())
                    .dropWhile(f -> isLibrary(f.getClassName()))
                    .takeWhile(f -> !f.getClassName().startsWith("org.junit."))
                    .limit(SITE_FRAMES)
                    .toList();
        }
    }

    /** Packages whose frames say nothing about where a test created a task. */
    private static final Set<String> LIBRARY = Set.of(
            "dev.aio4j",
            "dev.aio4j.internal",
            "dev.aio4j.net",
            "dev.aio4j.sync",
            "dev.aio4j.queue",
            "dev.aio4j.test.internal");

    private static final int SITE_FRAMES = 8;

    private final boolean recordCreation;
    private final List<Tracked> tasks = new ArrayList<>();

    public TaskTracker(boolean recordCreation) {
        this.recordCreation = recordCreation;
    }

    @Override
    public <T> Task<T> create(EventLoop loop, Callable<T> body, String name) {
        // A Throwable records the stack cheaply; its frames are decoded only if it is reported.
        Throwable site = recordCreation ? new Throwable("task created here") : null;
        Task<T> task = Task.create(loop, body, name);
        synchronized (this) {
            tasks.add(new Tracked(task, site));
        }
        return task;
    }

    /** Every task created so far, in creation order. Any thread. */
    public synchronized List<Tracked> snapshot() {
        return new ArrayList<>(tasks);
    }

    /** Where {@code task} was created, or an empty list. */
    public synchronized List<StackTraceElement> createdAt(Task<?> task) {
        for (Tracked t : tasks) {
            if (t.task() == task) {
                return t.createdAt();
            }
        }
        return List.of();
    }

    /** True for a class of aio4j itself (not of a test, not of the JDK). */
    static boolean isLibrary(String className) {
        int dot = className.lastIndexOf('.');
        return dot > 0 && LIBRARY.contains(className.substring(0, dot));
    }

    @Override
    public String toString() {
        return "TaskTracker[" + (recordCreation ? "recording creation sites" : "tasks only") + "]";
    }
}
