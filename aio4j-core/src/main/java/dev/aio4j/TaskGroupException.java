package dev.aio4j;

import java.util.List;

/**
 * Raised by {@link TaskGroup#run} when children or the body failed: every failure, children's
 * first in the order they failed, the body's last (asyncio's
 * {@code ExceptionGroup('unhandled errors in a TaskGroup', ...)}).
 *
 * <p>Each failure is available in {@link #exceptions()} and as a suppressed exception, so that a
 * stack trace shows them all. Cancelled children are not failures and do not appear.
 *
 * <p>Differs from asyncio: Java has no {@code except*}; match with
 * {@code exceptions().stream()}. JVM {@link Error}s are never wrapped: the group rethrows the
 * first one as it is.
 */
public final class TaskGroupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<Throwable> exceptions;

    TaskGroupException(List<Throwable> exceptions) {
        super("unhandled errors in a TaskGroup (" + exceptions.size()
                + (exceptions.size() == 1 ? " sub-exception)" : " sub-exceptions)"));
        this.exceptions = List.copyOf(exceptions);
        for (Throwable e : this.exceptions) {
            addSuppressed(e);
        }
    }

    /** The failures, children's first in the order they failed, then the body's. */
    public List<Throwable> exceptions() {
        return exceptions;
    }
}
