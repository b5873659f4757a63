/**
 * Queues between tasks of one loop (asyncio's {@code Queue}, {@code LifoQueue} and
 * {@code PriorityQueue}): {@code put} on a full bounded queue and {@code get} on an empty one
 * suspend only the calling task; {@code join} waits until every item put in has been marked done with {@code taskDone};
 * {@code shutdown} ends the producers and consumers still waiting. The {@code *Nowait} forms throw
 * {@link dev.aio4j.queue.QueueFullException} or {@link dev.aio4j.queue.QueueEmptyException}
 * instead of waiting.
 */
package dev.aio4j.queue;
