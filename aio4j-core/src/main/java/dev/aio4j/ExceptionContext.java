package dev.aio4j;

/**
 * What the loop knows about an error no caller could receive: asyncio's exception handler
 * context dict as a record. Every field but {@code message} may be null.
 *
 * @param message what happened, e.g. "Exception in callback"
 * @param exception the error, if there is one
 * @param future the future or task concerned, if any
 * @param handle the callback concerned, if any
 * @param taskName the name of the task concerned, if any (kept even when the task is gone)
 */
public record ExceptionContext(String message, Throwable exception, Future<?> future, Handle handle, String taskName) {

    /** A context with just a message and an exception. */
    public static ExceptionContext of(String message, Throwable exception) {
        return new ExceptionContext(message, exception, null, null, null);
    }
}
