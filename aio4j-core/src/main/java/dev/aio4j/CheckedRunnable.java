package dev.aio4j;

/** A body that returns nothing and may throw: the void twin of {@link java.util.concurrent.Callable}. */
@FunctionalInterface
public interface CheckedRunnable {
    void run() throws Exception;
}
