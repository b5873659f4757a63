package dev.aio4j;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The future {@link Aio#gather} returns (asyncio's {@code _GatheringFuture}): it aggregates the
 * results of its children in argument order.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: {@code children} holds one future per argument, so an argument given twice
 * appears twice but is one future ({@code unique} counts distinct ones); each distinct child has
 * {@link #childDone} as a done callback. {@code cancelRequested} records that {@link #cancel}
 * reached at least one child.
 *
 * <p>Invariants:
 * <ol>
 *   <li>{@code finished <= unique}; the outer completes at the latest when they are equal.
 *   <li>Without returnExceptions, the first child to fail or be cancelled completes the outer with
 *       that exception (a CancelledError for a cancelled child: the outer is then done with an
 *       exception, not cancelled). The other children keep running.
 *   <li>Once the outer is done, later child exceptions are marked retrieved so that nothing is
 *       reported twice.
 * </ol>
 */
final class Gather<T> extends Future<List<T>> {

    private final List<Future<?>> children;
    private final int unique;
    private final boolean returnExceptions;
    private int finished;
    private boolean cancelRequested;

    private Gather(EventLoop loop, List<Future<?>> children, int unique, boolean returnExceptions) {
        super(loop);
        this.children = children;
        this.unique = unique;
        this.returnExceptions = returnExceptions;
    }

    /** Builds the outer future over {@code aws} (futures, callables, runnables). */
    @SuppressWarnings("unchecked")
    static <T> Future<List<T>> of(Iterable<?> aws, boolean returnExceptions) {
        EventLoop loop = null;
        List<Future<?>> children = new ArrayList<>();
        Map<Object, Future<?>> seen = new IdentityHashMap<>();
        List<Future<?>> alreadyDone = new ArrayList<>();
        List<Future<?>> toWatch = new ArrayList<>();
        for (Object arg : aws) {
            Future<?> fut = seen.get(arg);
            if (fut == null) {
                fut = Awaitables.ensureFuture(arg, loop);
                if (loop == null) {
                    loop = fut.loop;
                }
                seen.put(arg, fut);
                (fut.done() ? alreadyDone : toWatch).add(fut);
            }
            children.add(fut);
        }
        if (children.isEmpty()) {
            Future<List<T>> empty = Aio.getRunningLoop().createFuture();
            empty.complete(List.of());
            return empty;
        }
        Gather<T> outer = new Gather<>(loop, children, seen.size(), returnExceptions);
        Gather<T>.ChildDone watcher = outer.new ChildDone();
        for (Future<?> f : toWatch) {
            f.addDoneCallback(watcher);
        }
        for (Future<?> f : alreadyDone) {
            outer.childDone(f);
        }
        return outer;
    }

    /** The done callback on each child; it also tells the task tree that the child is awaited through this gather. */
    private final class ChildDone implements java.util.function.Consumer<Future<?>>, AwaitedBy {
        @Override
        public void accept(Future<?> child) {
            childDone(child);
        }

        @Override
        public Object awaiter() {
            return Gather.this;
        }
    }

    /** The children, in argument order; for the task tree. */
    List<Future<?>> children() {
        return children;
    }

    /** A child is done: asyncio's {@code _done_callback}. Runs on the loop. */
    private void childDone(Future<?> fut) {
        finished++;
        if (done()) {
            if (!fut.cancelled()) {
                fut.exception(); // the outer already reported the first error: mark this one retrieved
            }
            return;
        }
        if (!returnExceptions) {
            if (fut.cancelled()) {
                fail(fut.makeCancelledError());
                return;
            }
            Throwable e = fut.exception();
            if (e != null) {
                fail(e);
                return;
            }
        }
        if (finished == unique) {
            List<Object> results = new ArrayList<>(children.size());
            for (Future<?> child : children) {
                if (child.cancelled()) {
                    results.add(child.makeCancelledError());
                } else {
                    Throwable e = child.exception();
                    results.add(e != null ? e : child.result());
                }
            }
            if (cancelRequested) {
                fail(fut.makeCancelledError());
            } else {
                @SuppressWarnings("unchecked")
                List<T> typed = (List<T>) (List<?>) java.util.Collections.unmodifiableList(results);
                complete(typed);
            }
        }
    }

    /**
     * Cancels every child that is not done; returns true if any accepted. The outer itself
     * completes once every child is done, with a CancelledError whatever returnExceptions says.
     * Returns false, cancelling nothing, if the outer is already done.
     */
    @Override
    public boolean cancel(String message) {
        loop.checkThread();
        if (done()) {
            return false;
        }
        boolean any = false;
        for (Future<?> child : children) {
            if (child.cancel(message)) {
                any = true;
            }
        }
        if (any) {
            cancelRequested = true;
        }
        return any;
    }

    @Override
    public String toString() {
        return "Gather[" + stateText() + ", children=" + children.size() + ", finished=" + finished + "]";
    }
}
