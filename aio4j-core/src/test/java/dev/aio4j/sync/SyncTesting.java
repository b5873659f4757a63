package dev.aio4j.sync;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.CheckedRunnable;
import dev.aio4j.RunOptions;
import dev.aio4j.Task;
import dev.aio4j.VirtualClock;
import java.time.Duration;
import java.util.concurrent.Callable;

/** Helpers shared by the tests of the sync and queue packages. */
public final class SyncTesting {
    private SyncTesting() {
    }

    /** Runs {@code body} as the main task of a loop on virtual time that autojumps. */
    public static <T> T runVirtual(Callable<T> body) {
        return Aio.run(body, RunOptions.defaults().withClock(VirtualClock.autojump()).withSigintHandling(false));
    }

    /** {@link #runVirtual(Callable)} for a body that returns nothing. */
    public static void runVirtual(CheckedRunnable body) {
        runVirtual(() -> {
            body.run();
            return null;
        });
    }

    /** Lets every ready task and callback run once. */
    public static void yieldNow() {
        Aio.sleep(Duration.ZERO);
    }

    /** Yields {@code n} times, enough for short chains of wake-ups to settle. */
    public static void settle(int n) {
        for (int i = 0; i < n; i++) {
            yieldNow();
        }
    }

    /**
     * Cancels {@code task} after {@code delay} of loop time, from another task: the path a
     * timeout scope takes to interrupt a wait.
     */
    public static Task<Void> cancelAfter(Task<?> task, Duration delay) {
        return Aio.createTask(() -> {
            Aio.sleep(delay);
            task.cancel("deadline");
        });
    }

    /**
     * Runs {@code body} in a task of its own that is cancelled if it has not finished within
     * {@code delay} of loop time; returns true if it finished, false if it was cut off. The
     * canceller is cancelled when the body ends first.
     */
    public static boolean withDeadline(Duration delay, CheckedRunnable body) {
        Task<Void> inner = Aio.createTask(body);
        Task<Void> canceller = cancelAfter(inner, delay);
        try {
            inner.await();
            return true;
        } catch (CancelledError e) {
            if (!inner.cancelled()) {
                throw e; // the outer task was cancelled
            }
            return false;
        } finally {
            canceller.cancel();
        }
    }
}
