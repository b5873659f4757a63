package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunnerTest {

    private static RunOptions quiet() {
        return RunOptions.defaults().withSigintHandling(false);
    }

    @Test
    void aRunnerRunsSeveralMainsOnOneLoop() {
        try (Runner runner = new Runner(quiet())) {
            EventLoop first = runner.run(Aio::getRunningLoop);
            EventLoop second = runner.run(Aio::getRunningLoop);
            assertThat(first).isSameAs(second).isSameAs(runner.getLoop());
        }
    }

    @Test
    void closingCancelsTheTasksLeftAndWaitsForThem() {
        List<String> events = new ArrayList<>();
        Runner runner = new Runner(quiet());
        runner.run(() -> {
            Aio.createTask(() -> {
                try {
                    Aio.sleep(Duration.ofHours(1));
                } catch (CancelledError e) {
                    events.add("cancelled");
                    Aio.sleep(Duration.ofMillis(1)); // cleanup that itself waits
                    events.add("cleaned up");
                    throw e;
                }
            });
            Aio.sleep(Duration.ZERO);
            return null;
        });
        assertThat(events).isEmpty();
        runner.close();
        assertThat(events).containsExactly("cancelled", "cleaned up");
        assertThat(runner.getLoop().isClosed()).isTrue();
        assertThatThrownBy(() -> runner.run(() -> 1)).hasMessage("Runner is closed");
    }

    @Test
    void aTaskThatOutlivedTheRunSaysSoWhenAwaited() {
        List<Task<Void>> left = new ArrayList<>();
        Aio.run(
                () -> {
                    left.add(Aio.createTask(() -> Aio.sleep(Duration.ofHours(1)), "poller"));
                    return null;
                },
                quiet());
        Task<Void> task = left.get(0);
        assertThat(task.cancelled()).isTrue();
        assertThatThrownBy(task::result)
                .isInstanceOf(CancelledError.class)
                .hasMessageStartingWith("poller was cancelled because its loop's run ended");
        assertThatThrownBy(() -> Aio.run(task::await, quiet()))
                .isInstanceOf(CancelledError.class)
                .hasMessageContaining("loop's run ended");
    }

    @Test
    void aTaskFailingDuringShutdownIsReported() {
        List<ExceptionContext> reports = new ArrayList<>();
        try (Runner runner = new Runner(quiet())) {
            runner.getLoop().setExceptionHandler((l, c) -> reports.add(c));
            runner.run(() -> {
                Aio.createTask(
                        () -> {
                            try {
                                Aio.sleep(Duration.ofHours(1));
                            } catch (CancelledError e) {
                                throw new IllegalStateException("failed while cancelled");
                            }
                        },
                        "bad-cleanup");
                Aio.sleep(Duration.ZERO);
                return null;
            });
        }
        assertThat(reports)
                .extracting(ExceptionContext::message)
                .contains("unhandled exception during Aio.run() shutdown");
        assertThat(reports).extracting(ExceptionContext::taskName).contains("bad-cleanup");
    }

    @Test
    void closingShutsTheDefaultExecutorDown() {
        Runner runner = new Runner(quiet());
        runner.run(() -> Aio.toThread(() -> 1));
        runner.close();
        assertThatThrownBy(() -> runner.getLoop().runInExecutor(null, () -> 1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aNestedRunIsRefusedWithAClearMessage() {
        Aio.run(
                () -> {
                    assertThatThrownBy(() -> Aio.run(() -> 1))
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("cannot be called from a running event loop");
                    return null;
                },
                quiet());
    }

    @Test
    void theMainTasksExceptionComesOutOfRun() {
        assertThatThrownBy(() -> Aio.run(
                        () -> {
                            throw new UnsupportedOperationException("main failed");
                        },
                        quiet()))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("main failed");
    }

    @Test
    void aVoidMainRuns() {
        int[] ran = {0};
        Aio.run(
                () -> {
                    ran[0]++;
                },
                quiet());
        assertThat(ran[0]).isEqualTo(1);
    }

    @Test
    void debugOptionTurnsDebugModeOn() {
        boolean debug = Aio.run(() -> Aio.getRunningLoop().getDebug(), quiet().withDebug(true));
        assertThat(debug).isTrue();
    }

    @Test
    void sigintCancelsTheMainTaskAndASecondOneExitsAtOnce() throws Exception {
        // One SIGINT: the main task sees CancelledError, cleans up, and Aio.run throws.
        try (ChildJvm p = ChildJvm.start(SigintMain.class)) {
            assertThat(p.readUntil("ready")).isTrue();
            p.kill(Signal.INT);
            assertThat(p.readUntil("main cancelled: SIGINT")).isTrue();
            assertThat(p.readUntil("run threw CancelledBySignal")).isTrue();
            assertThat(p.exitStatus()).isEqualTo(3);
        }
        // Two SIGINTs while the main task ignores the first: the process ends with status 130.
        try (ChildJvm q = ChildJvm.start(SigintMain.class, "ignore-cancel")) {
            assertThat(q.readUntil("ready")).isTrue();
            q.kill(Signal.INT);
            assertThat(q.readUntil("ignored SIGINT")).isTrue();
            q.kill(Signal.INT);
            assertThat(q.exitStatus()).isEqualTo(130);
        }
    }

    /** The program the SIGINT test runs in a child JVM. */
    public static final class SigintMain {
        public static void main(String[] args) {
            boolean ignore = args.length > 0;
            try {
                Aio.run(() -> {
                    System.out.println("ready");
                    System.out.flush();
                    while (true) {
                        try {
                            Aio.sleep(Duration.ofSeconds(60));
                        } catch (CancelledError e) {
                            if (ignore) {
                                System.out.println("ignored SIGINT");
                                System.out.flush();
                                continue;
                            }
                            System.out.println("main cancelled: " + e.getMessage());
                            System.out.flush();
                            throw e;
                        }
                    }
                });
            } catch (CancelledError e) {
                System.out.println("run threw " + e.getClass().getSimpleName());
                System.out.flush();
                System.exit(3);
            }
        }
    }
}
