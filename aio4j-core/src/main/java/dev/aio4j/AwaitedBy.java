package dev.aio4j;

/**
 * A done callback that stands for an await edge (asyncio 3.14's {@code awaited_by}): the future
 * it is added to is awaited by {@link #awaiter()}, a task or a future that tasks wait on (a
 * gather). Read only by the task tree, on the loop; callbacks of the user are never of this type.
 */
interface AwaitedBy {
    /** The task that awaits the future, or the future through which tasks await it. */
    Object awaiter();
}
