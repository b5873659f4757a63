package dev.aio4j;

import java.util.Objects;

/**
 * Thread-bound state that travels with aio4j's contexts: a ThreadLocal (or a library's context
 * held in one, such as SLF4J's MDC or OpenTelemetry's {@code Context}) that a task's children,
 * its callbacks and its {@link Aio#toThread} calls should see as the task saw it.
 * Register with {@link Context#addBridge}.
 *
 * <p>{@link #capture()} runs on the thread that copies a context (creating a task, scheduling a
 * callback, calling {@code toThread}); {@link #restore} on the thread that starts running in it
 * (the new task's first step, the loop around each callback, the executor thread), and again
 * afterwards with the value that thread had before. Both must be cheap and must not throw.
 *
 * <p>A task is a thread of its own, so within one task the value simply stays in its
 * ThreadLocal across waits; nothing runs between two steps.
 *
 * @param <S> the captured state; null stands for "nothing set"
 */
public interface ContextBridge<S> {

    /** The current thread's state. */
    S capture();

    /** Makes {@code state} the current thread's state (null: clear it). */
    void restore(S state);

    /** A bridge for a plain ThreadLocal: its value travels; null removes it. */
    static <T> ContextBridge<T> ofThreadLocal(ThreadLocal<T> threadLocal) {
        Objects.requireNonNull(threadLocal, "threadLocal");
        return new ContextBridge<>() {
            @Override
            public T capture() {
                return threadLocal.get();
            }

            @Override
            public void restore(T state) {
                if (state == null) {
                    threadLocal.remove();
                } else {
                    threadLocal.set(state);
                }
            }

            @Override
            public String toString() {
                return "ContextBridge[" + threadLocal + "]";
            }
        };
    }
}
