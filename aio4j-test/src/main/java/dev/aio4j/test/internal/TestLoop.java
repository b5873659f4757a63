package dev.aio4j.test.internal;

import dev.aio4j.Aio;
import dev.aio4j.Clock;
import dev.aio4j.EventLoop;
import dev.aio4j.ExceptionContext;
import dev.aio4j.RunOptions;
import dev.aio4j.Runner;
import dev.aio4j.Task;
import dev.aio4j.VirtualClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One test's loop: a {@link Runner} kept from the first {@code @BeforeEach} to the end of the
 * last {@code @AfterEach}, the thread that drives it, and what the leak checks need.
 *
 * <p>Implementation notes: each method of the test runs as {@code runner.run(...)} on a driver
 * thread of this test, while the JUnit thread waits for it with the real-time limit. When the
 * limit passes, the JUnit thread dumps the tasks, cancels the main task through
 * {@code callSoonThreadsafe}, and waits a short grace; a loop that still does not stop (a task
 * spinning on the carrier) is abandoned with its driver thread (a daemon), and the test fails
 * either way. The checks run after the last method: a few yields first, so that tasks just
 * cancelled finish and closes already requested happen (asyncio's {@code run} lets them too),
 * then pending tasks, then the runner is closed, then exceptions and file descriptors.
 *
 * <p>Threading: created and finished on the JUnit thread; the loop runs only while the JUnit
 * thread waits in {@link #run}, so the fields need no locks (the executor's hand-offs order
 * them); the exception records are guarded because the loop adds to them.
 */
public final class TestLoop {

    /** How long a loop gets to stop after the timeout cancelled its main task, or to close. */
    private static final Duration GRACE = Duration.ofSeconds(10);
    /** Yields after the last method, so that cancelled tasks end and requested closes happen. */
    private static final int SETTLE_YIELDS = 3;
    /** Descriptors may close a moment late (a pump thread, the kernel): look again this often. */
    private static final int FD_RETRIES = 20;

    private final String testName;
    private final Settings settings;
    private final TaskTracker tracker;
    private final Runner runner;
    private final EventLoop loop;
    private final ExecutorService driver;
    private final FdSnapshot fdsBefore;
    private final long startNanos;
    private final List<ExceptionContext> reported = new ArrayList<>();
    private boolean abandoned;

    public TestLoop(String testName, Settings settings, boolean checkFds) {
        this.testName = testName;
        this.settings = settings;
        this.tracker = new TaskTracker(settings.recordTaskCreation());
        Clock clock = settings.virtualTime() ? VirtualClock.autojump() : Clock.system();
        this.runner = new Runner(RunOptions.defaults()
                .withClock(clock)
                .withSigintHandling(false)
                .withDebug(settings.debug() || RunOptions.defaults().debug())
                .withTaskFactory(tracker));
        this.loop = runner.getLoop();
        loop.setFailOnDeadlock(true); // a test whose tasks can never wake fails at once, naming the cycle
        // After the loop exists: its own descriptors, and the JDK's pollers that the first loop
        // of a process starts, are then part of the baseline.
        this.fdsBefore = checkFds && !settings.allowOpenFiles() && FdSnapshot.supported() ? FdSnapshot.take() : null;
        this.startNanos = loop.nanoTime();
        loop.setExceptionHandler((l, context) -> {
            synchronized (reported) {
                reported.add(context);
            }
            l.defaultExceptionHandler(context);
        });
        this.driver = Executors.newSingleThreadExecutor(r ->
                Thread.ofPlatform().daemon(true).name("aio4j-test " + testName).unstarted(r));
    }

    public EventLoop loop() {
        return loop;
    }

    /** The loop's time when it was made. */
    public long startNanos() {
        return startNanos;
    }

    public Settings settings() {
        return settings;
    }

    /** A body of a test method, which may throw anything. */
    @FunctionalInterface
    public interface Body {
        void run() throws Throwable;
    }

    /**
     * Runs {@code body} as the main task of the loop and rethrows what it threw; fails with a
     * {@link TimeoutException} carrying the task dump if it runs past the limit.
     */
    public void run(Body body, String what) throws Throwable {
        if (abandoned) {
            throw new IllegalStateException("the loop of " + testName + " was abandoned after a timeout");
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Task<?>> main = new AtomicReference<>();
        Future<?> done = driver.submit(() -> runner.run(() -> {
            Task<?> self = Aio.currentTask();
            self.setName(what);
            main.set(self);
            try {
                body.run();
            } catch (Throwable t) {
                failure.set(t);
            }
            return null;
        }));
        Duration limit = Duration.ofSeconds(settings.timeoutSeconds());
        try {
            await(done, limit);
        } catch (TimeoutException e) {
            throw timedOut(what, limit, done, main.get());
        }
        Throwable t = failure.get();
        if (t != null) {
            throw t;
        }
    }

    private TimeoutException timedOut(String what, Duration limit, Future<?> done, Task<?> main) {
        String dump = TaskDump.of(loop, tracker.snapshot(), main);
        if (main != null) {
            try {
                loop.callSoonThreadsafe(() -> main.cancel("test timed out"));
            } catch (IllegalStateException closed) {
                // the loop ended meanwhile
            }
        }
        String after;
        try {
            await(done, GRACE);
            after = "The main task was then cancelled.";
        } catch (TimeoutException stuck) {
            abandoned = true;
            after = "The loop did not stop within " + GRACE.toSeconds() + " s of cancelling the main task (a task"
                    + " holds the carrier: see the stacks above); the loop is abandoned.";
        } catch (Throwable other) {
            after = "The main task was then cancelled.";
        }
        return new TimeoutException(what + " timed out after " + limit.toSeconds() + " s of real time"
                + " (@AioTest(timeoutSeconds = " + settings.timeoutSeconds() + ")). " + after
                + "\nTasks when the time ran out:\n"
                + dump);
    }

    /**
     * Ends the test: lets the loop settle, checks for leaks, closes the loop. Returns the leak
     * report, or null if there is none.
     */
    public String finish() throws Throwable {
        List<String> problems = new ArrayList<>();
        try {
            if (abandoned) {
                return null;
            }
            run(
                    () -> {
                        for (int i = 0; i < SETTLE_YIELDS; i++) {
                            Aio.sleep(Duration.ZERO);
                        }
                    },
                    "settling after the test");
            if (!settings.allowPendingTasks()) {
                pendingTasks(problems);
            }
            close();
            if (abandoned) {
                problems.add("tasks still run after being cancelled: the loop could not close within "
                        + GRACE.toSeconds() + " s and is abandoned");
                return report(problems);
            }
            if (!settings.allowUnhandledExceptions()) {
                unhandledExceptions(problems);
            }
            if (fdsBefore != null) {
                openFiles(problems);
            }
            return report(problems);
        } finally {
            driver.shutdown();
        }
    }

    private void close() {
        Future<?> closed = driver.submit(runner::close);
        try {
            await(closed, GRACE);
        } catch (TimeoutException e) {
            abandoned = true;
        } catch (Throwable t) {
            throw new IllegalStateException("closing the test loop failed", t);
        }
    }

    private void pendingTasks(List<String> problems) {
        for (Task<?> t : loop.allTasks()) {
            StringBuilder sb = new StringBuilder();
            TaskDump.describe(sb, t, tracker.createdAt(t), false);
            problems.add("a task is still pending when the test ends (relax with @AioTest(allowPendingTasks = true)):\n"
                    + sb.toString().stripTrailing());
        }
    }

    private void unhandledExceptions(List<String> problems) {
        List<ExceptionContext> contexts;
        synchronized (reported) {
            contexts = new ArrayList<>(reported);
        }
        for (ExceptionContext c : contexts) {
            problems.add("an exception reached the loop's exception handler (relax with"
                    + " @AioTest(allowUnhandledExceptions = true)): " + c.message()
                    + (c.taskName() != null ? " [task \"" + c.taskName() + "\"]" : "") + "\n" + stackOf(c.exception()));
        }
        for (TaskTracker.Tracked t : tracker.snapshot()) {
            Task<?> task = t.task();
            if (task.done() && !task.cancelled() && task.hasUnretrievedException()) {
                Throwable e = task.exception(); // retrieved now, so that it is not reported again when collected
                StringBuilder sb = new StringBuilder("task \"" + task.getName()
                        + "\" ended with an exception nobody retrieved (relax with @AioTest(allowUnhandledExceptions = true)):\n"
                        + stackOf(e));
                if (!t.createdAt().isEmpty()) {
                    sb.append("\n      created at");
                    for (StackTraceElement f : t.createdAt()) {
                        sb.append("\n        at ").append(f);
                    }
                }
                problems.add(sb.toString());
            }
        }
    }

    private void openFiles(List<String> problems) throws InterruptedException {
        List<String> opened = FdSnapshot.take().openedSince(fdsBefore);
        for (int i = 0; i < FD_RETRIES && !opened.isEmpty(); i++) {
            Thread.sleep(10);
            opened = FdSnapshot.take().openedSince(fdsBefore);
        }
        if (!opened.isEmpty()) {
            problems.add("file descriptors opened during the test are still open after its loop closed"
                    + " (relax with @AioTest(allowOpenFiles = true)):\n  " + String.join("\n  ", opened));
        }
    }

    private String report(List<String> problems) {
        if (problems.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(testName).append(" leaked:");
        for (String p : problems) {
            sb.append("\n- ").append(p);
        }
        return sb.toString();
    }

    private static String stackOf(Throwable t) {
        if (t == null) {
            return "  (no exception)";
        }
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString().stripTrailing().indent(4).stripTrailing();
    }

    /** Waits for {@code f} up to {@code limit}; rethrows what the driver threw. */
    private static void await(Future<?> f, Duration limit) throws Throwable {
        try {
            f.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }
}
