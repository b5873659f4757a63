package dev.aio4j;

/** Receives errors that no caller can receive (asyncio's loop exception handler). */
@FunctionalInterface
public interface ExceptionHandler {
    void handle(EventLoop loop, ExceptionContext context);
}
