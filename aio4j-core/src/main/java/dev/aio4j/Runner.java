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
     * While it runs, SIGINT cancels it (if the options allow and no other runner holds SIGINT);
     * a second SIGINT ends the process with status 130.
     *
     * @throws IllegalStateException if called from a task or callback of any loop, or after close
     * @throws CancelledError if the main task was cancelled, e.g. by SIGINT
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
        SigintHandler sigint = options.handleSigint() ? SigintHandler.install(loop, task) : null;
        try {
            return loop.runUntilComplete(task);
        } finally {
            if (sigint != null) {
                sigint.uninstall();
            }
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

    private void cancelAllTasks() {
        List<Task<?>> tasks = loop.snapshotTasks();
        if (tasks.isEmpty()) {
            return;
        }
        for (Task<?> t : tasks) {
            t.cancel();
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
                loop.callExceptionHandler(new ExceptionContext("unhandled exception during Aio.run() shutdown",
                        t.exception(), t, null, t.getName()));
            }
        }
    }
}
