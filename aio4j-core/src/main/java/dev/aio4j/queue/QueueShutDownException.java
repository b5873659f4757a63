package dev.aio4j.queue;

/**
 * Thrown by the operations of a {@link Queue} that was shut down (asyncio 3.13's QueueShutDown):
 * every put, and every get once the queue is empty or was shut down immediately.
 *
 * <p>Unchecked; asyncio's derives from Exception.
 */
public class QueueShutDownException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QueueShutDownException(String message) {
        super(message);
    }
}
