package dev.aio4j;

import java.util.Set;

/**
 * What {@link Aio#wait} returns: the futures that were done when it returned, and the others.
 * Both sets keep the order of the collection given to {@code wait} and compare futures by
 * identity.
 *
 * @param done the futures that had a result, an exception or were cancelled
 * @param pending the futures still running; {@code wait} never cancels them
 */
public record DoneAndPending<F extends Future<?>>(Set<F> done, Set<F> pending) {

    public DoneAndPending {
        done = java.util.Collections.unmodifiableSet(done);
        pending = java.util.Collections.unmodifiableSet(pending);
    }
}
