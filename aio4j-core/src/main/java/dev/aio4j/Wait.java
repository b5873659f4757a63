package dev.aio4j;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@link Aio#wait}: waits for a set of futures until a {@link ReturnWhen} condition or a timeout,
 * and sorts them into done and pending. Never raises on timeout, never cancels a future.
 *
 * <p>Implementation notes: one waiter future is completed by whichever comes first, a done
 * callback that finds the condition met or the timer; the callbacks and the timer are removed
 * whatever ends the wait (cancellation included). Done callbacks are scheduled with
 * {@code callSoon}, so the call always lets the loop run at least once, even when every future
 * is already done, as in asyncio.
 */
final class Wait {
    private Wait() {}

    static <F extends Future<?>> DoneAndPending<F> await(
            Collection<? extends F> futures, Duration timeout, ReturnWhen when) {
        Objects.requireNonNull(futures, "futures");
        Objects.requireNonNull(when, "when");
        Task<?> task = Task.currentOrThrow("Aio.wait()");
        EventLoop loop = task.loop;
        Set<F> fs = new LinkedHashSet<>();
        for (F f : futures) {
            Objects.requireNonNull(f, "futures contains null");
            if (f.loop != loop) {
                throw new IllegalArgumentException("future of another loop: " + f);
            }
            fs.add(f);
        }
        if (fs.isEmpty()) {
            throw new IllegalArgumentException("futures is empty");
        }
        Future<Void> waiter = loop.createFuture();
        int[] counter = {fs.size()};
        TimerHandle timer = timeout == null ? null : loop.callLater(timeout, () -> waiter.trySetResult(null));
        Consumer<Future<?>> onCompletion = f -> {
            counter[0]--;
            if (counter[0] <= 0
                    || when == ReturnWhen.FIRST_COMPLETED
                    || (when == ReturnWhen.FIRST_EXCEPTION && !f.cancelled() && f.exception() != null)) {
                if (timer != null) {
                    timer.cancel();
                }
                waiter.trySetResult(null);
            }
        };
        for (F f : fs) {
            f.addDoneCallback(onCompletion);
        }
        try {
            waiter.await();
        } finally {
            if (timer != null) {
                timer.cancel();
            }
            for (F f : fs) {
                f.removeDoneCallback(onCompletion);
            }
        }
        Set<F> done = new LinkedHashSet<>();
        Set<F> pending = new LinkedHashSet<>();
        for (F f : fs) {
            (f.done() ? done : pending).add(f);
        }
        return new DoneAndPending<>(done, pending);
    }
}
