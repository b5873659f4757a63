package dev.aio4j;

/**
 * How one task starts, chosen per call with {@link Aio#createTask(java.util.concurrent.Callable, String, TaskStart)}
 * (asyncio 3.14's {@code eager_start} argument of {@code create_task}). The loop's own choice for
 * every task is its {@link TaskFactory}, for example {@link TaskFactory#EAGER}.
 */
public enum TaskStart {

    /**
     * The first step runs inside {@code createTask}, until the task's first wait (asyncio's
     * {@code eager_start=True}; see {@link Task#createEager}).
     */
    EAGER,

    /**
     * The task is queued and its first step runs after the work already scheduled (asyncio's
     * {@code eager_start=False}), even when the loop's factory is {@link TaskFactory#EAGER}.
     */
    QUEUED
}
