package dev.aio4j.queue;

/**
 * Thrown by {@link Queue#getNowait} when the queue is empty and not shut down (asyncio's QueueEmpty).
 *
 * <p>Unchecked; asyncio's derives from Exception.
 */
public class QueueEmptyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QueueEmptyException(String message) {
        super(message);
    }
}
