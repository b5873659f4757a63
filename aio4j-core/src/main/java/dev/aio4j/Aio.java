package dev.aio4j;

import dev.aio4j.internal.Strand;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The entry points of aio4j, named after the functions of Python's {@code asyncio} module.
 *
 * <pre>{@code
 * String answer = Aio.run(() -> {
 *     Task<String> a = Aio.createTask(() -> { Aio.sleep(Duration.ofMillis(10)); return "a"; });
 *     Task<String> b = Aio.createTask(() -> "b");
 *     return a.await() + b.await();
 * });
 * }</pre>
 *
 * <p>Calls that wait ({@code sleep}, {@code toThread}, {@code await}) must be made from a task;
 * they suspend only that task.
 */
public final class Aio {
    private Aio() {}

    // ------------------------------------------------------------------ running

    /**
     * Runs {@code main} as the first task of a new loop and returns its result (asyncio.run). On
     * return the loop's remaining tasks have been cancelled and waited for, its default executor
     * shut down and the loop closed.
     *
     * @throws IllegalStateException if called from a task or callback of a running loop
     */
    public static <T> T run(Callable<T> main) {
        return run(main, RunOptions.defaults());
    }

    /** {@link #run(Callable)} for a body that returns nothing. */
    public static void run(CheckedRunnable main) {
        run(asCallable(main), RunOptions.defaults());
    }

    /** {@link #run(Callable)} with options (debug mode, clock, SIGINT handling, task factory). */
    public static <T> T run(Callable<T> main, RunOptions options) {
        try (Runner runner = new Runner(options)) {
            return runner.run(main);
        }
    }

    /** {@link #run(CheckedRunnable)} with options. */
    public static void run(CheckedRunnable main, RunOptions options) {
        run(asCallable(main), options);
    }

    // ------------------------------------------------------------------ the running loop and its tasks

    /**
     * The loop running the current task or callback.
     *
     * @throws IllegalStateException "no running event loop" elsewhere
     */
    public static EventLoop getRunningLoop() {
        Strand s = Strand.current();
        if (s == null) {
            throw new IllegalStateException("no running event loop (call this from a task or a loop callback)");
        }
        return s.loop();
    }

    /**
     * True if the caller may touch {@code loop}'s loop-affine state: it is a task or callback of
     * {@code loop}, or {@code loop} is not running (before it starts, between runs, while it
     * closes), the rule {@code loop}'s own methods enforce. Meant for assertions at the top of
     * loop-only code, as Netty's {@code assert inEventLoop()}: {@code assert Aio.inLoop(loop);}.
     */
    public static boolean inLoop(EventLoop loop) {
        return loop.onLoop() || !loop.isRunning();
    }

    /**
     * The task running on this thread, or null inside a loop callback.
     *
     * @throws IllegalStateException if no loop runs this thread
     */
    public static Task<?> currentTask() {
        getRunningLoop();
        return Task.current();
    }

    /** The unfinished tasks of the running loop. */
    public static Set<Task<?>> allTasks() {
        return getRunningLoop().allTasks();
    }

    /** Schedules {@code body} as a task of the running loop (asyncio.create_task). */
    public static <T> Task<T> createTask(Callable<T> body) {
        return getRunningLoop().createTask(body, null);
    }

    /** Like {@link #createTask(Callable)}, with a name. */
    public static <T> Task<T> createTask(Callable<T> body, String name) {
        return getRunningLoop().createTask(body, name);
    }

    /** Schedules a body that returns nothing; its task's result is null. */
    public static Task<Void> createTask(CheckedRunnable body) {
        return getRunningLoop().createTask(body, null);
    }

    /**
     * Like {@link #createTask(Callable, String)}, running in {@code context} (shared, not copied;
     * null: a copy of the current one), as asyncio's {@code create_task(coro, context=ctx)}.
     */
    public static <T> Task<T> createTask(Callable<T> body, String name, Context context) {
        return getRunningLoop().createTask(body, name, context);
    }

    /** Like {@link #createTask(CheckedRunnable)}, with a name. */
    public static Task<Void> createTask(CheckedRunnable body, String name) {
        return getRunningLoop().createTask(body, name);
    }

    // ------------------------------------------------------------------ waiting

    /**
     * Prints the running loop's task tree ({@link EventLoop#taskTree()}: every unfinished task,
     * who awaits whom, what each waits on) to {@code System.err}, with each task's stack.
     *
     * @throws IllegalStateException if no loop runs on this thread
     */
    public static void printTaskTree() {
        System.err.print(getRunningLoop().taskTree(true).toTreeString(true));
        System.err.flush();
    }

    /**
     * Suspends the current task for {@code delay} of loop time. A zero or negative delay is a
     * pure yield: every task and callback that is ready runs once, then this task continues.
     *
     * @throws CancelledError if the task is cancelled meanwhile
     * @throws IllegalStateException if not called from a task
     */
    public static void sleep(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        Task<?> task = Task.currentOrThrow("Aio.sleep()");
        if (delay.isZero() || delay.isNegative()) {
            task.yieldStep();
            return;
        }
        task.sleep(delay);
    }

    /**
     * {@link #sleep(Duration)} in {@code java.util.concurrent}'s form, as {@code TimeUnit.sleep}
     * and {@code BlockingQueue.poll(timeout, unit)} take it: {@code Aio.sleep(100, MILLISECONDS)}.
     * There is deliberately no {@code sleep(long)}: asyncio's {@code sleep(0.1)} counts seconds
     * and {@code Thread.sleep(100)} milliseconds, so a bare number would be misread one way or
     * the other.
     *
     * @throws CancelledError if the task is cancelled meanwhile
     * @throws IllegalStateException if not called from a task
     */
    public static void sleep(long amount, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        sleep(Duration.of(amount, unit.toChronoUnit()));
    }

    /** {@link #sleep(Duration)} that returns {@code result}, as asyncio.sleep(delay, result). */
    public static <T> T sleep(Duration delay, T result) {
        sleep(delay);
        return result;
    }

    /**
     * Waits, suspending only the current task, for a CompletableFuture or any CompletionStage
     * completed by other threads; returns its value or throws its exception (unwrapped from
     * CompletionException). If the task is cancelled while waiting, a CompletableFuture is
     * cancelled too (as asyncio's wrap_future does).
     */
    public static <T> T await(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        Task<?> task = Task.currentOrThrow("Aio.await()");
        if (stage instanceof CompletableFuture<T> cf && cf.isDone()) {
            return joinDone(cf);
        }
        EventLoop loop = task.loop;
        Future<T> future = new Future<>(loop);
        loop.externalStarted();
        stage.whenComplete((value, error) -> loop.callSoonThreadsafe(() -> {
            loop.externalDone();
            if (error != null) {
                future.trySetException(Futures.unwrap(error));
            } else {
                future.trySetResult(value);
            }
        }));
        try {
            return future.await();
        } catch (CancelledError e) {
            if (future.cancelled() && stage instanceof CompletableFuture<T> cf) {
                cf.cancel(false);
            }
            throw e;
        }
    }

    private static <T> T joinDone(CompletableFuture<T> cf) {
        try {
            return cf.join();
        } catch (CancellationException e) {
            throw e instanceof CancelledError ce ? ce : new CancelledError(e.getMessage());
        } catch (CompletionException e) {
            throw Futures.unchecked(Futures.unwrap(e));
        }
    }

    // ------------------------------------------------------------------ threads

    /**
     * Runs {@code fn} on the loop's default executor (a bounded pool of platform threads) and
     * waits for it, suspending only the current task (asyncio.to_thread). Use it for file I/O,
     * native calls and anything else that would hold the loop's carrier (host name lookups need
     * not: they leave the loop by themselves, see docs/networking.md).
     * {@code fn} runs in a copy of the caller's {@link Context}, as in asyncio. Cancelling the
     * task does not interrupt {@code fn} once it runs, as in asyncio.
     */
    public static <T> T toThread(Callable<T> fn) {
        Context context = Context.copyContext();
        return runInExecutor(null, () -> context.run(fn));
    }

    /**
     * Runs {@code fn} on {@code executor} ({@code null}: the default one) and waits for it. Unlike
     * {@link #toThread}, and as asyncio's {@code run_in_executor}, {@code fn} runs in the
     * executor thread's own context, not the caller's.
     */
    public static <T> T runInExecutor(Executor executor, Callable<T> fn) {
        Task.currentOrThrow("Aio.runInExecutor()");
        return getRunningLoop().runInExecutor(executor, fn).await();
    }

    /**
     * From any thread but the loop's: runs {@code body} as a task of {@code loop} and returns a
     * CompletableFuture of its result (asyncio.run_coroutine_threadsafe). Cancelling the
     * CompletableFuture cancels the task. If the loop closes before the task finishes (or
     * starts), the CompletableFuture fails with an IllegalStateException saying the event loop
     * is closed.
     *
     * @throws IllegalStateException if the loop is closed
     */
    public static <T> CompletableFuture<T> runCoroutineThreadsafe(EventLoop loop, Callable<T> body) {
        Objects.requireNonNull(body, "body");
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.callSoonThreadsafe(() -> {
            if (result.isDone()) {
                return; // cancelled before it started
            }
            Task<T> task;
            try {
                task = loop.createTask(body);
            } catch (Throwable t) {
                result.completeExceptionally(t);
                return;
            }
            // If the loop closes before the task ends, the caller hears it rather than waiting forever.
            AutoCloseable failOnClose = () -> result.completeExceptionally(
                    new IllegalStateException("Event loop is closed before " + task + " finished"));
            loop.addCloseable(failOnClose, false);
            task.addDoneCallback(f -> {
                loop.removeCloseable(failOnClose);
                task.copyTo(result);
            });
            result.whenComplete((v, e) -> {
                if (result.isCancelled()) {
                    try {
                        loop.callSoonThreadsafe(task::cancel);
                    } catch (IllegalStateException closed) {
                        // the loop is gone, and the task with it
                    }
                }
            });
        });
        return result;
    }

    // ------------------------------------------------------------------ combinators (see also TaskGroup, Timeout)

    /**
     * A future of the results of {@code futures}, in argument order (asyncio.gather); await it
     * with {@code Aio.gather(a, b).await()}.
     *
     * <p>The first child to fail completes the outer future with that exception at once (a
     * cancelled child with a CancelledError: the outer is then done with an exception, not
     * cancelled); <b>the other children are not cancelled and keep running</b>. Use
     * {@link TaskGroup} to cancel the siblings on the first failure. Cancelling the outer future
     * (or the task awaiting it) cancels every child not yet done, and the outer then fails with
     * a CancelledError once they are all done. An argument given twice is one child whose result
     * appears twice.
     *
     * @throws IllegalArgumentException if the futures belong to different loops
     */
    @SafeVarargs
    public static <T> Future<List<T>> gather(Future<? extends T>... futures) {
        return Gather.of(Arrays.asList(futures), false);
    }

    /** {@link #gather(Future[])} over callables, each run as a new task of the running loop. */
    @SafeVarargs
    public static <T> Future<List<T>> gather(Callable<? extends T>... bodies) {
        return Gather.of(Arrays.asList(bodies), false);
    }

    /**
     * {@link #gather(Future[])} over a collection of futures or tasks, typed by their result:
     * {@code List<String> pages = Aio.gather(tasks).await()} for a {@code List<Task<String>>}. An
     * empty collection gives a done future of an empty list.
     *
     * <p>Collections of callables go to {@link #gatherCallables}, and a mix of futures, callables
     * and runnables to {@link #gatherMixed}: Java erases a collection's element type, so one
     * {@code gather(Collection)} cannot be typed for more than one of them.
     *
     * @throws IllegalArgumentException if the futures belong to different loops
     */
    public static <T> Future<List<T>> gather(Collection<? extends Future<? extends T>> futures) {
        return Gather.of(futures, false);
    }

    /**
     * {@link #gather(Future[])} over a collection of callables, each run as a new task of the
     * running loop, typed by their result.
     */
    public static <T> Future<List<T>> gatherCallables(Collection<? extends Callable<? extends T>> bodies) {
        return Gather.of(bodies, false);
    }

    /**
     * {@link #gather(Future[])} over a mix of futures, callables and {@link CheckedRunnable}s
     * (run as new tasks), as asyncio's {@code gather} takes futures and coroutines together; the
     * results are a {@code List<Object>} (a runnable's is null).
     */
    public static Future<List<Object>> gatherMixed(Collection<?> awaitables) {
        return Gather.of(awaitables, false);
    }

    /**
     * asyncio's {@code gather(..., return_exceptions=True)}: the outer future completes when
     * every child is done, with a list holding each child's result, or its exception (a
     * CancelledError for a cancelled child) in its place. Cancelling the outer still ends it with
     * a CancelledError.
     */
    public static Future<List<Object>> gatherReturnExceptions(Collection<?> awaitables) {
        return Gather.of(awaitables, true);
    }

    /** {@link #gatherReturnExceptions(Collection)} over futures. */
    public static Future<List<Object>> gatherReturnExceptions(Future<?>... futures) {
        return Gather.of(Arrays.asList(futures), true);
    }

    /**
     * Waits until every future is done (asyncio.wait); see {@link #wait(Collection, Duration, ReturnWhen)}.
     */
    public static <F extends Future<?>> DoneAndPending<F> wait(Collection<? extends F> futures) {
        return Wait.await(futures, null, ReturnWhen.ALL_COMPLETED);
    }

    /** Waits, without a timeout, until {@code when}. */
    public static <F extends Future<?>> DoneAndPending<F> wait(Collection<? extends F> futures, ReturnWhen when) {
        return Wait.await(futures, null, when);
    }

    /**
     * Waits until {@code when} is met or {@code timeout} ({@code null}: none) passes, and returns
     * the done and pending futures (asyncio.wait). Never throws on timeout and never cancels a
     * future. Always lets the loop run at least once, even if every future is already done.
     *
     * @throws IllegalArgumentException if {@code futures} is empty or mixes loops
     * @throws CancelledError if the waiting task is cancelled (the futures are left alone)
     */
    public static <F extends Future<?>> DoneAndPending<F> wait(
            Collection<? extends F> futures, Duration timeout, ReturnWhen when) {
        return Wait.await(futures, timeout, when);
    }

    /** The futures in completion order (asyncio.as_completed); see {@link AsCompleted}. */
    public static <T> AsCompleted<T> asCompleted(Collection<? extends Future<T>> futures) {
        return new AsCompleted<>(futures, null);
    }

    /**
     * The futures in completion order; every step after {@code timeout} (counted from this call)
     * throws {@link TimeoutError}, and nothing is cancelled.
     */
    public static <T> AsCompleted<T> asCompleted(Collection<? extends Future<T>> futures, Duration timeout) {
        return new AsCompleted<>(futures, timeout);
    }

    /**
     * Runs {@code body} inline in the current task with a deadline (asyncio 3.12's wait_for on a
     * coroutine): {@code Timeout.after(timeout).run(body)}. {@code timeout} null means none; zero
     * or negative runs {@code body} as a task that is cancelled before it starts.
     *
     * @throws TimeoutError if the deadline passed and the body ended cancelled
     */
    public static <T> T waitFor(Callable<T> body, Duration timeout) {
        return WaitFor.callable(body, timeout);
    }

    /** {@link #waitFor(Callable, Duration)} for a body that returns nothing. */
    public static void waitFor(CheckedRunnable body, Duration timeout) {
        WaitFor.callable(asCallable(body), timeout);
    }

    /**
     * Awaits {@code future} with a deadline (asyncio.wait_for): on expiry the future is cancelled
     * and waited for (so the call can take longer than {@code timeout}), then TimeoutError is
     * thrown, unless the future survived the cancellation, whose result is then returned.
     */
    public static <T> T waitFor(Future<T> future, Duration timeout) {
        return WaitFor.future(future, timeout);
    }

    /**
     * A future that follows {@code inner} but whose cancellation does not reach it
     * (asyncio.shield): a task awaiting {@code shield(inner).await()} that is cancelled gets its
     * CancelledError while {@code inner} keeps running. {@code inner} cancelled by other means
     * cancels the outer. A done {@code inner} is returned as it is.
     */
    public static <T> Future<T> shield(Future<T> inner) {
        Objects.requireNonNull(inner, "inner");
        return Shield.of(inner);
    }

    /** {@link #shield(Future)} of a new task running {@code body}. */
    public static <T> Future<T> shield(Callable<T> body) {
        return Shield.of(createTask(body));
    }

    /**
     * {@link #createTask(Callable, String)} with the start chosen for this task (asyncio 3.14's
     * {@code eager_start}): {@link TaskStart#EAGER} runs the first step inside this call (see
     * {@link Task#createEager}); {@link TaskStart#QUEUED} starts it the usual way even when the
     * loop's factory is {@link TaskFactory#EAGER}. Another task factory of the loop is used only
     * for {@code QUEUED}.
     */
    public static <T> Task<T> createTask(Callable<T> body, String name, TaskStart start) {
        Objects.requireNonNull(start, "start");
        EventLoop loop = getRunningLoop();
        if (start == TaskStart.EAGER) {
            return Task.createEager(loop, body, name);
        }
        return loop.getTaskFactory() == TaskFactory.EAGER ? Task.create(loop, body, name) : loop.createTask(body, name);
    }

    /** {@link #createTask(Callable, String, TaskStart)} for a body that returns nothing. */
    public static Task<Void> createTask(CheckedRunnable body, String name, TaskStart start) {
        return createTask(asCallable(body), name, start);
    }

    static Callable<Void> asCallable(CheckedRunnable body) {
        Objects.requireNonNull(body, "body");
        return () -> {
            body.run();
            return null;
        };
    }
}
