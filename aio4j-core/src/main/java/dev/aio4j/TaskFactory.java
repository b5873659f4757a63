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
        public String toString() {
            return "TaskFactory.EAGER";
        }
    };
}
