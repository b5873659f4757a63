package dev.aio4j;

import dev.aio4j.internal.Strand;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs several main tasks, one after another, on one loop (asyncio's Runner). Closing it cancels
 * whatever tasks are left and waits for them, shuts the default executor down and closes the
 * loop. {@link Aio#run} is a Runner used once.
 *
 * <pre>{@code
 * try (Runner runner = new Runner()) {
 *     runner.run(() -> setUp());
 *     runner.run(() -> serve());
 * }
 * }</pre>
 *
 * <p>Not thread-safe: use a Runner from one thread.
 */
public final class Runner implements AutoCloseable {

    /** How many times closing cancels the tasks created while it cancelled the previous ones. */
    private static final int SHUTDOWN_ROUNDS = 100;

    private final RunOptions options;
    private final EventLoop loop;
    /** The context every main task runs in: a copy of the caller's at the first run (asyncio). */
    private Context context;

    private boolean closed;

    public Runner() {
        this(RunOptions.defaults());
    }

    public Runner(RunOptions options) {
        this.options = options;
        this.loop = EventLoop.newEventLoop(options.clock());
        loop.setDebug(options.debug());
        loop.setTaskFactory(options.taskFactory());
    }

    /** The runner's loop. */
    public EventLoop getLoop() {
        return loop;
    }

    /**
     * Runs {@code main} as a task on the runner's loop until it is done and returns its result.
     * While it runs, each of the options' {@linkplain RunOptions#cancelSignals cancel signals}
     * (SIGINT by default) cancels it; a second one prints the task tree (with stacks) to stderr and
     * ends the process with status 128+N
     * (130 for SIGINT). A handler the loop adds for the same signal meanwhile takes precedence.
     *
     * @throws IllegalStateException if called from a task or callback of any loop, or after close
     * @throws CancelledBySignal if a signal cancelled the main task and it ended cancelled; left
     *     uncaught in a thread, it prints one line and exits with 128+N (see {@link CancelledBySignal})
     * @throws CancelledError if the main task was cancelled otherwise
     */
    public <T> T run(Callable<T> main) {
        if (Strand.current() != null) {
            throw new IllegalStateException("Aio.run() cannot be called from a running event loop;"
                    + " await the callable directly or use Aio.createTask()");
        }
        if (closed) {
            throw new IllegalStateException("Runner is closed");
        }
        if (context == null) {
            context = Context.copyContext();
        }
        Task<T> task = loop.createTask(main, null, context);
        CancelOnSignal signals = CancelOnSignal.install(loop, task, options.cancelSignals());
        try {
            return loop.runUntilComplete(task);
        } catch (CancelledError e) {
            Signal received = signals == null ? null : signals.received();
            if (received != null && task.cancelled()) {
                CancelledBySignal bySignal = new CancelledBySignal(received);
                exitQuietlyIfUncaught(Thread.currentThread());
                throw bySignal;
            }
            throw e;
        } finally {
            if (signals != null) {
                signals.uninstall();
            }
        }
    }

    /**
     * Makes a {@link CancelledBySignal} that escapes {@code thread} print one line and exit with
     * 128+N instead of a stack trace and status 1; other exceptions go where they went before.
     */
    private static void exitQuietlyIfUncaught(Thread thread) {
        Thread.UncaughtExceptionHandler previous = thread.getUncaughtExceptionHandler();
        if (previous instanceof QuietExit) {
            return;
        }
        thread.setUncaughtExceptionHandler(new QuietExit(previous));
    }

    private record QuietExit(Thread.UncaughtExceptionHandler previous) implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread t, Throwable e) {
            if (e instanceof CancelledBySignal s) {
                System.err.println("aio4j: " + s.getMessage() + ", exiting with status " + s.exitStatus());
                System.err.flush();
                System.exit(s.exitStatus());
            }
            previous.uncaughtException(t, e);
        }
    }

    /** Cancels the tasks left, waits for them, shuts the default executor down, closes the loop. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            cancelAllTasks();
            loop.shutdownDefaultExecutor(Duration.ofSeconds(300));
        } finally {
            loop.close();
        }
    }

    /**
     * Cancels every task and waits for them, then again for the tasks created meanwhile (a task
     * may start another while it is being cancelled, or another thread may hand work over),
     * until none is left or {@link #SHUTDOWN_ROUNDS} rounds have run; what is still left then
     * never runs again once the loop closes.
     */
    private void cancelAllTasks() {
        for (int round = 0; round < SHUTDOWN_ROUNDS; round++) {
            List<Task<?>> tasks = loop.snapshotTasks();
            if (tasks.isEmpty()) {
                return;
            }
            cancelAndWait(tasks);
        }
    }

    private void cancelAndWait(List<Task<?>> tasks) {
        for (Task<?> t : tasks) {
            // The message is what awaiting such a task later says, instead of a bare CancelledError.
            t.cancel(t.getName() + " was cancelled because its loop's run ended (Aio.run() or"
                    + " Runner.close() cancels the tasks still running when the main task returns)");
        }
        Future<Void> all = loop.createFuture();
        int[] remaining = {tasks.size()};
        for (Task<?> t : tasks) {
            t.addDoneCallback(f -> {
                if (--remaining[0] == 0 && !all.done()) {
                    all.complete(null);
                }
            });
        }
        loop.runUntilComplete(all);
        for (Task<?> t : tasks) {
            if (!t.cancelled() && t.exception() != null) {
                loop.callExceptionHandler(new ExceptionContext(
                        "unhandled exception during Aio.run() shutdown", t.exception(), t, null, t.getName()));
            }
        }
    }
}
