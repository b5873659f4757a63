package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    void aTaskFailingDuringShutdownIsReported() {
        List<ExceptionContext> reports = new ArrayList<>();
        try (Runner runner = new Runner(quiet())) {
            runner.getLoop().setExceptionHandler((l, c) -> reports.add(c));
            runner.run(() -> {
                Aio.createTask(() -> {
                    try {
                        Aio.sleep(Duration.ofHours(1));
                    } catch (CancelledError e) {
                        throw new IllegalStateException("failed while cancelled");
                    }
                }, "bad-cleanup");
                Aio.sleep(Duration.ZERO);
                return null;
            });
        }
        assertThat(reports).extracting(ExceptionContext::message).contains("unhandled exception during Aio.run() shutdown");
        assertThat(reports).extracting(ExceptionContext::taskName).contains("bad-cleanup");
    }

    @Test
    void closingShutsTheDefaultExecutorDown() {
        Runner runner = new Runner(quiet());
        runner.run(() -> Aio.toThread(() -> 1));
        runner.close();
        assertThatThrownBy(() -> runner.getLoop().runInExecutor(null, () -> 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aNestedRunIsRefusedWithAClearMessage() {
        Aio.run(() -> {
            assertThatThrownBy(() -> Aio.run(() -> 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot be called from a running event loop");
            return null;
        }, quiet());
    }

    @Test
    void theMainTasksExceptionComesOutOfRun() {
        assertThatThrownBy(() -> Aio.run(() -> {
            throw new UnsupportedOperationException("main failed");
        }, quiet())).isInstanceOf(UnsupportedOperationException.class).hasMessage("main failed");
    }

    @Test
    void aVoidMainRuns() {
        int[] ran = {0};
        Aio.run(() -> {
            ran[0]++;
        }, quiet());
        assertThat(ran[0]).isEqualTo(1);
    }

    @Test
    void debugOptionTurnsDebugModeOn() {
        boolean debug = Aio.run(() -> Aio.getRunningLoop().getDebug(), quiet().withDebug(true));
        assertThat(debug).isTrue();
    }

    @Test
    void sigintCancelsTheMainTaskAndASecondOneExitsAtOnce() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new ArrayList<>(List.of(java));
        if (TestSupport.carrierMode()) {
            cmd.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SigintMain.class.getName()));

        // One SIGINT: the main task sees CancelledError, cleans up, and Aio.run throws.
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(readUntil(out, "ready")).isTrue();
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertThat(readUntil(out, "main cancelled: SIGINT")).isTrue();
        assertThat(readUntil(out, "run threw CancelledError")).isTrue();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(3);

        // Two SIGINTs while the main task ignores the first: the process ends with status 130.
        List<String> stubborn = new ArrayList<>(cmd);
        stubborn.add("ignore-cancel");
        Process q = new ProcessBuilder(stubborn).redirectErrorStream(true).start();
        BufferedReader qout = new BufferedReader(new InputStreamReader(q.getInputStream(), StandardCharsets.UTF_8));
        assertThat(readUntil(qout, "ready")).isTrue();
        new ProcessBuilder("kill", "-INT", Long.toString(q.pid())).start().waitFor();
        assertThat(readUntil(qout, "ignored SIGINT")).isTrue();
        new ProcessBuilder("kill", "-INT", Long.toString(q.pid())).start().waitFor();
        assertThat(q.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(130);
    }

    private static boolean readUntil(BufferedReader in, String wanted) throws Exception {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.contains(wanted)) {
                return true;
            }
        }
        return false;
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
                System.out.println("run threw CancelledError");
                System.out.flush();
                System.exit(3);
            }
        }
    }

}
