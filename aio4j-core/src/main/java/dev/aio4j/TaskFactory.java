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
}
