package dev.aio4j;

import java.util.function.Consumer;

/**
 * {@link Aio#shield}: an outer future that follows an inner one, so that cancelling the outer
 * (for example by cancelling the task that awaits it) leaves the inner running.
 *
 * <p>Implementation notes: the inner's done callback copies its outcome to the outer, unless the
 * outer was cancelled first (then an inner exception is only marked retrieved: the awaiter has
 * gone). The outer's done callback unhooks the inner's when the outer finishes first. An inner
 * cancelled by other means cancels the outer. The loop holds every unfinished task strongly, so
 * a shielded task cannot vanish while it runs (asyncio needs the caller to keep a reference).
 */
final class Shield {
    private Shield() {}

    static <T> Future<T> of(Future<T> inner) {
        if (inner.done()) {
            return inner;
        }
        Future<T> outer = inner.loop.createFuture();
        Consumer<Future<T>> innerDone = in -> {
            if (outer.cancelled()) {
                if (!in.cancelled()) {
                    in.exception(); // nobody awaits the outer any more
                }
                return;
            }
            if (outer.done()) {
                return;
            }
            if (in.cancelled()) {
                outer.cancel();
            } else {
                Throwable e = in.exception();
                if (e != null) {
                    outer.fail(e);
                } else {
                    outer.complete(in.result());
                }
            }
        };
        inner.addDoneCallback(innerDone);
        outer.addDoneCallback(o -> {
            if (!inner.done()) {
                inner.removeDoneCallback(innerDone);
            }
        });
        return outer;
    }
}
