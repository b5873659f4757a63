package dev.aio4j;

import static dev.aio4j.TestSupport.captureLog;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Debug mode names a task that swallowed its CancelledError and waits again, once, with the
 * frame that caught it; it stays quiet for code that uncancels, cleans up and rethrows, or
 * relies on the library's own catches, and outside debug mode.
 */
class SwallowedCancellationTest {

    /** Iterations of a retry loop: bounded, so that a swallowing task still ends. */
    private static final int ROUNDS = 30;

    private static RunOptions options(boolean debug) {
        return RunOptions.defaults().withDebug(debug).withSigintHandling(false);
    }

    /** Starts {@code body} as "worker", cancels it once it waits, and waits for it to end. */
    private static List<String> cancelWorker(boolean debug, Callable<Integer> body) {
        return captureLog(() -> Aio.run(
                () -> {
                    Task<Integer> worker = Aio.createTask(body, "worker");
                    Aio.sleep(Duration.ofMillis(20));
                    worker.cancel();
                    try {
                        worker.await();
                    } catch (CancelledError expected) {
                        // the tasks that do not swallow end cancelled
                    }
                    return null;
                },
                options(debug)));
    }

    private static List<String> swallowWarnings(List<String> log) {
        return log.stream()
                .filter(m -> m.contains("its CancelledError was swallowed"))
                .toList();
    }

    /** The idiom under test: catch (Exception e) around a wait, in a loop. */
    private static int retryLoop() {
        int failures = 0;
        for (int i = 0; i < ROUNDS; i++) {
            try {
                Aio.sleep(Duration.ofMillis(5));
            } catch (Exception e) {
                failures++;
            }
        }
        return failures;
    }

    @Test
    void aRetryLoopThatCatchesExceptionIsNamedOnceWithTheCatchingFrame() {
        List<String> warnings = swallowWarnings(cancelWorker(true, SwallowedCancellationTest::retryLoop));
        assertThat(warnings).hasSize(1);
        String w = warnings.get(0);
        assertThat(w).startsWith("Task[worker");
        assertThat(w)
                .contains("Caught by catch (java.lang.Exception) in dev.aio4j.SwallowedCancellationTest.retryLoop(");
        assertThat(w).contains("catch (CancelledError e) { throw e; }").contains("uncancel()");
    }

    @Test
    void aRetryLoopThatBacksOffInItsCatchIsNamedWhenItComesBack() {
        List<String> warnings = swallowWarnings(cancelWorker(true, () -> {
            for (int i = 0; i < ROUNDS; i++) {
                try {
                    Aio.sleep(Duration.ofMillis(5));
                } catch (RuntimeException e) {
                    Aio.sleep(Duration.ofMillis(1)); // the back-off: a wait elsewhere
                }
            }
            return 0;
        }));
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("Caught by catch (java.lang.RuntimeException)");
    }

    @Test
    void outsideDebugModeNothingIsLogged() {
        assertThat(swallowWarnings(cancelWorker(false, SwallowedCancellationTest::retryLoop)))
                .isEmpty();
    }

    @Test
    void aTaskThatUncancelsIsNotNamed() {
        assertThat(swallowWarnings(cancelWorker(true, () -> {
                    for (int i = 0; i < ROUNDS; i++) {
                        try {
                            Aio.sleep(Duration.ofMillis(5));
                        } catch (CancelledError e) {
                            Aio.currentTask().uncancel(); // meant: this task goes on
                        }
                    }
                    return 0;
                })))
                .isEmpty();
    }

    @Test
    void cleanupThatWaitsAndRethrowsIsNotNamed() {
        assertThat(swallowWarnings(cancelWorker(true, () -> {
                    try {
                        Aio.sleep(Duration.ofSeconds(30));
                    } catch (CancelledError e) {
                        Aio.sleep(Duration.ofMillis(5)); // clean up, then let it through
                        throw e;
                    } finally {
                        for (int i = 0; i < 3; i++) {
                            Aio.sleep(Duration.ofMillis(1));
                        }
                    }
                    return 0;
                })))
                .isEmpty();
    }

    @Test
    void timeoutsInARetryLoopAreNotNamed() {
        assertThat(swallowWarnings(cancelWorker(true, () -> {
                    int timeouts = 0;
                    for (int i = 0; i < 5; i++) {
                        try {
                            Timeout.after(Duration.ofMillis(2), () -> Aio.sleep(Duration.ofSeconds(30)));
                        } catch (TimeoutError e) {
                            timeouts++;
                        }
                    }
                    return timeouts; // ends before the cancellation: nothing is swallowed
                })))
                .isEmpty();
        List<String> log = captureLog(() -> Aio.run(
                () -> {
                    for (int i = 0; i < 5; i++) {
                        try {
                            Timeout.after(Duration.ofMillis(2), () -> Aio.sleep(Duration.ofSeconds(30)));
                        } catch (TimeoutError e) {
                            // expected: the timeout's own cancellation, uncancelled by the Timeout
                        }
                    }
                    return null;
                },
                options(true)));
        assertThat(swallowWarnings(log)).isEmpty();
    }

    @Test
    void aTaskGroupThatCancelsItsParentWhileWaitingForChildrenIsNotNamed() {
        List<String> log = captureLog(() -> Aio.run(
                () -> {
                    try {
                        TaskGroup.run(g -> {
                            for (int i = 0; i < 3; i++) {
                                g.createTask(() -> {
                                    Aio.sleep(Duration.ofSeconds(30));
                                    return null;
                                });
                            }
                            g.createTask(() -> {
                                Aio.sleep(Duration.ofMillis(10));
                                throw new IllegalStateException("child failed");
                            });
                        });
                    } catch (TaskGroupException expected) {
                        // the child's failure
                    }
                    return null;
                },
                options(true)));
        assertThat(swallowWarnings(log)).isEmpty();
    }
}
