package dev.aio4j;

import static dev.aio4j.TestSupport.captureLog;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What debug mode adds to asyncio's reports: where a future or task whose exception nobody
 * retrieved was created, and resources left open when their loop closes. (Slow callbacks and
 * steps: EventLoopTest and WatchdogTest; wrong-thread calls: EventLoopTest; swallowed
 * cancellations: SwallowedCancellationTest; Flight Recorder events: LoopEventsTest.)
 */
class DebugModeTest {

    /** Runs a loop that forgets a failed task and a failed future, and collects their reports. */
    private static List<ExceptionContext> forgottenFailures(boolean debug) {
        List<ExceptionContext> reports = new ArrayList<>();
        try (EventLoop loop = EventLoop.newEventLoop()) {
            loop.setDebug(debug);
            loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
            loop.runUntilComplete(() -> {
                createAndForget();
                Aio.sleep(Duration.ofMillis(1));
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reports.size() < 2 && System.nanoTime() < deadline) {
                System.gc();
                loop.runUntilComplete(() -> {
                    Aio.sleep(Duration.ofMillis(5));
                    return null;
                });
            }
        }
        return reports;
    }

    private static void createAndForget() {
        Aio.createTask(
                () -> {
                    throw new IllegalStateException("lost in a task");
                },
                "forgotten");
        Future<Void> f = Aio.getRunningLoop().createFuture();
        f.setException(new IllegalStateException("lost in a future"));
    }

    @Test
    void aNeverRetrievedExceptionNamesWhereItsTaskOrFutureWasCreated() {
        List<ExceptionContext> reports = forgottenFailures(true);
        assertThat(reports).hasSize(2);
        assertThat(reports).anySatisfy(r -> {
            assertThat(r.message())
                    .startsWith("Task exception was never retrieved\nTask created at (most recent call first):"
                            + "\n\tat dev.aio4j.DebugModeTest.createAndForget(DebugModeTest.java:");
            assertThat(r.taskName()).isEqualTo("forgotten");
        });
        assertThat(reports).anySatisfy(r -> assertThat(r.message())
                .startsWith("Future exception was never retrieved\nFuture created at (most recent call first):"
                        + "\n\tat dev.aio4j.DebugModeTest.createAndForget(DebugModeTest.java:"));
    }

    @Test
    void withoutDebugModeTheReportHasNoCreationSite() {
        List<ExceptionContext> reports = forgottenFailures(false);
        assertThat(reports)
                .extracting(ExceptionContext::message)
                .containsExactlyInAnyOrder(
                        "Task exception was never retrieved", "Future exception was never retrieved");
    }

    private record Resource(String name) implements AutoCloseable {
        @Override
        public void close() {}
    }

    @Test
    void aResourceLeftOpenIsReportedWithWhereItWasRegisteredWhenItsLoopCloses() {
        List<String> log = captureLog(() -> Aio.run(
                () -> {
                    Aio.getRunningLoop().addCloseable(new Resource("left-open"));
                    Resource closed = new Resource("closed");
                    Aio.getRunningLoop().addCloseable(closed);
                    Aio.getRunningLoop().removeCloseable(closed);
                    return null;
                },
                RunOptions.defaults().withDebug(true).withSigintHandling(false)));
        List<String> unclosed =
                log.stream().filter(m -> m.startsWith("Unclosed ")).toList();
        assertThat(unclosed).hasSize(1);
        assertThat(unclosed.get(0))
                .startsWith("Unclosed resource Resource[name=left-open] closed with its loop EventLoop[")
                .contains("\nRegistered at:\n\tat dev.aio4j.DebugModeTest.lambda$");
    }

    @Test
    void withoutDebugModeAResourceLeftOpenIsClosedQuietly() {
        List<String> log = captureLog(() -> Aio.run(
                () -> {
                    Aio.getRunningLoop().addCloseable(new Resource("left-open"));
                    return null;
                },
                RunOptions.defaults().withDebug(false).withSigintHandling(false)));
        assertThat(log).noneMatch(m -> m.startsWith("Unclosed "));
    }

    @Test
    void aPendingTaskThatNobodyReferencesIsNeverCollected() {
        // asyncio's "Task was destroyed but it is pending!" cannot happen: the loop holds every
        // unfinished task strongly, so it stays until it ends or the loop closes.
        TestSupport.runReal(() -> {
            WeakReference<Task<?>> ref = new WeakReference<>(Aio.createTask(
                    () -> {
                        Aio.getRunningLoop().createFuture().await(); // a future nobody else references
                        return null;
                    },
                    "orphan"));
            Aio.sleep(Duration.ofMillis(1));
            for (int i = 0; i < 3; i++) {
                System.gc();
                Aio.sleep(Duration.ofMillis(5));
            }
            Task<?> orphan = ref.get();
            assertThat(orphan).isNotNull();
            assertThat(Aio.getRunningLoop().allTasks()).contains(orphan);
            orphan.cancel();
            Aio.sleep(Duration.ofMillis(1));
            assertThat(orphan.cancelled()).isTrue();
            return null;
        });
    }
}
