package dev.aio4j.queue;

/**
 * Thrown by {@link Queue#putNowait} when the queue is full (asyncio's QueueFull).
 *
 * <p>Unchecked; asyncio's derives from Exception.
 */
public class QueueFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QueueFullException(String message) {
        super(message);
    }
}
