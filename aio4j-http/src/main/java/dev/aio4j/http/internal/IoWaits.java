package dev.aio4j.http.internal;

import dev.aio4j.Aio;
import dev.aio4j.Timeout;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

/**
 * Waits around I/O: {@link Timeout} and {@link Aio#toThread} hand a body's checked exception
 * back wrapped in a CompletionException; these put the IOException back.
 */
public final class IoWaits {
    private IoWaits() {}

    /** An I/O body that returns a value. */
    @FunctionalInterface
    public interface IoCallable<T> {
        T call() throws IOException;
    }

    /** Runs {@code body} in {@code scope}. */
    public static <T> T run(Timeout scope, IoCallable<T> body) throws IOException {
        try {
            return scope.run(body::call);
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    /** Runs {@code body} off the loop ({@link Aio#toThread}). */
    public static <T> T toThread(IoCallable<T> body) throws IOException {
        try {
            return Aio.toThread(body::call);
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    private static RuntimeException unwrap(CompletionException e) throws IOException {
        if (e.getCause() instanceof IOException io) {
            throw io;
        }
        return e;
    }

    /** Runs {@code body} with a deadline {@code delay} from now; TimeoutError when late. */
    public static <T> T after(Duration delay, IoCallable<T> body) throws IOException {
        return run(Timeout.after(delay), body);
    }
}
