package dev.aio4j;

import java.util.concurrent.Callable;

/** Makes the tasks of a loop (asyncio's task factory, set with {@link EventLoop#setTaskFactory}). */
@FunctionalInterface
public interface TaskFactory {

    /**
     * Creates and schedules a task for {@code body}; {@link Task#create(EventLoop, Callable, String)}
     * is the default behaviour a factory can wrap.
     *
     * @param name the requested name, or null for the default "Task-N"
     */
    <T> Task<T> create(EventLoop loop, Callable<T> body, String name);

    /**
     * Creates a task that runs in {@code context} ({@code null}: a copy of the current one), for
     * {@link EventLoop#createTask(Callable, String, Context)}. The default runs
     * {@link #create(EventLoop, Callable, String)} inside {@code context}, so the task gets a copy
     * of it; override it with {@link Task#create(EventLoop, Callable, String, Context)} to share
     * {@code context} itself, as asyncio does.
     */
    default <T> Task<T> create(EventLoop loop, Callable<T> body, String name, Context context) {
        return context == null ? create(loop, body, name) : context.run(() -> create(loop, body, name));
    }

    /**
     * Runs each task's first step inside {@code createTask} (asyncio's {@code eager_task_factory});
     * see {@link Task#createEager}. Changes the order in which tasks run. Unlike asyncio's, it
     * is not a speed-up: starting a virtual thread eagerly costs one more switch than starting it
     * lazily (docs/structured-concurrency.md gives the numbers).
     */
    TaskFactory EAGER = new TaskFactory() {
        @Override
        public <T> Task<T> create(EventLoop loop, Callable<T> body, String name) {
            return Task.createEager(loop, body, name);
        }

        @Override
        public <T> Task<T> create(EventLoop loop, Callable<T> body, String name, Context context) {
            return Task.createEager(loop, body, name, context);
        }

        @Override
        public String toString() {
            return "TaskFactory.EAGER";
        }
    };
}
