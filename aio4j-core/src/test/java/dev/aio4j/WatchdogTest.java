package dev.aio4j;

import static dev.aio4j.TestSupport.captureLog;
import static dev.aio4j.TestSupport.runReal;
import static dev.aio4j.TestSupport.spin;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog names the task that holds its loop, with the frame it is in, and never a task
 * that waits; slow-step warnings count only the time a task held the loop.
 */
class WatchdogTest {

    /** Long enough for the 1 s report to be logged while the hold lasts, on a loaded machine. */
    private static final long HOLD_MILLIS = 2_500;

    @Test
    void aTaskBlockedOpeningAFifoIsNamedWithItsNativeFrame(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo =
                new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).as("mkfifo exit status").isZero();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(HOLD_MILLIS);
                try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                    out.write('x');
                }
            } catch (InterruptedException | IOException e) {
                throw new RuntimeException(e);
            }
        });
        List<String> reports = captureLog(() -> runReal(() -> {
            Task<Integer> reader = Aio.createTask(
                    () -> {
                        Thread.sleep(200); // resumes from a JDK wait, after the main task last resumed
                        try (InputStream in =
                                new FileInputStream(fifo.toFile())) { // blocks in open until the writer opens
                            return in.read();
                        }
                    },
                    "fifo-reader");
            Aio.sleep(Duration.ofMillis(100));
            return reader.await(); // the main task waits in the library: never to blame
        }));
        writer.join();
        List<String> stalls = stallReports(reports);
        assertThat(stalls).as("reports: %s", reports).hasSize(1);
        assertThat(stalls.get(0)).startsWith("Task[fifo-reader");
        if (TestSupport.carrierMode()) {
            assertThat(stalls.get(0))
                    .contains("open0")
                    .contains("A native call")
                    .contains("Aio.toThread");
        }
        // Portable mode: the sleep before the open holds the baton too, and the watchdog may catch
        // the task there (a JDK wait over 100 ms) or in the open; either way it names the reader,
        // once.
    }

    @Test
    void aTaskReadingAChildProcessPipeIsNamedWithItsNativeFrame() {
        List<String> reports = captureLog(() -> runReal(() -> Aio.createTask(
                        () -> {
                            Process p = new ProcessBuilder("sh", "-c", "sleep " + HOLD_MILLIS / 1000.0 + "; echo x")
                                    .start();
                            try (InputStream in = p.getInputStream()) {
                                return in.read(); // a native read of a pipe: nothing parks
                            } finally {
                                p.waitFor();
                            }
                        },
                        "pipe-reader")
                .await()));
        List<String> stalls = stallReports(reports);
        assertThat(stalls).as("reports: %s", reports).hasSize(1);
        assertThat(stalls.get(0))
                .startsWith("Task[pipe-reader")
                .contains("readBytes")
                .contains("A native call");
    }

    @Test
    void aTaskReadingAFifoIsNamedWithItsNativeFrame(@TempDir Path dir) throws Exception {
        // A file read is the same native read: it holds the loop as long as the file makes it wait.
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString())
                        .inheritIO()
                        .start()
                        .waitFor())
                .isZero();
        Thread writer = Thread.ofPlatform().start(() -> {
            try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                Thread.sleep(HOLD_MILLIS); // opened at once, written late
                out.write('x');
            } catch (InterruptedException | IOException e) {
                throw new RuntimeException(e);
            }
        });
        List<String> reports = captureLog(() -> runReal(() -> {
            Aio.sleep(Duration.ofMillis(100));
            return Aio.createTask(
                            () -> {
                                try (InputStream in =
                                        Aio.toThread(() -> new FileInputStream(fifo.toFile()))) { // open off the loop
                                    return in.read();
                                }
                            },
                            "file-reader")
                    .await();
        }));
        writer.join();
        List<String> stalls = stallReports(reports);
        assertThat(stalls).as("reports: %s", reports).hasSize(1);
        assertThat(stalls.get(0))
                .startsWith("Task[file-reader")
                .contains("FileInputStream.read0")
                .contains("A native call");
    }

    /** Its initialiser holds whatever thread first touches the class for 2.5 s. */
    static final class SlowToInitialise {
        static final long READY;

        static {
            try {
                Thread.sleep(HOLD_MILLIS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            READY = System.nanoTime();
        }
    }

    @Test
    void aTaskWaitingInAStaticInitialiserIsNamedWithTheInitialiser() {
        List<String> reports = captureLog(() -> runReal(() ->
                Aio.createTask(() -> SlowToInitialise.READY, "initialiser").await()));
        List<String> stalls = stallReports(reports);
        assertThat(stalls).as("reports: %s", reports).hasSize(1);
        assertThat(stalls.get(0)).startsWith("Task[initialiser").contains("SlowToInitialise.<clinit>");
    }

    @Test
    void aJdkSleepIsReportedOnlyInPortableMode() {
        List<String> reports = captureLog(() ->
                runReal(() -> Aio.createTask(() -> Thread.sleep(600), "sleeper").await()));
        List<String> stalls = stallReports(reports);
        if (TestSupport.carrierMode()) {
            assertThat(stalls).as("the sleep suspends only the task").isEmpty();
        } else {
            assertThat(stalls).as("reports: %s", reports).hasSize(1);
            assertThat(stalls.get(0))
                    .startsWith("Task[sleeper")
                    .contains("In portable mode")
                    .contains("--add-opens java.base/java.lang=");
        }
    }

    @Test
    void theDefaultReportCanBeTurnedOff() {
        System.setProperty("aio4j.stallReport", "false");
        try {
            List<String> reports = captureLog(() ->
                    runReal(() -> Aio.createTask(() -> spin(1_500), "spinner").await()));
            assertThat(stallReports(reports)).isEmpty();
        } finally {
            System.clearProperty("aio4j.stallReport");
        }
    }

    @Test
    void slowStepWarningsCountOnlyTimeOnTheLoop() {
        List<String> warnings = captureLog(() -> Aio.run(
                () -> {
                    Aio.getRunningLoop().setSlowCallbackDuration(Duration.ofMillis(150));
                    Aio.createTask(
                                    () -> {
                                        Thread.sleep(400); // a JDK wait: in carrier mode only this task waits
                                        Aio.sleep(Duration.ZERO);
                                    },
                                    "jdk-wait")
                            .await();
                    Aio.createTask(
                                    () -> {
                                        spin(300);
                                        Aio.sleep(Duration.ZERO);
                                    },
                                    "computes")
                            .await();
                    return null;
                },
                RunOptions.defaults().withDebug(true).withSigintHandling(false)));
        assertThat(warnings).anyMatch(m -> m.startsWith("Executing Task[computes") && m.contains("without waiting"));
        boolean sleepWarned = warnings.stream().anyMatch(m -> m.startsWith("Executing Task[jdk-wait"));
        // In portable mode the sleep holds the baton, so the whole loop did wait for it.
        assertThat(sleepWarned).as("warnings: %s", warnings).isEqualTo(!TestSupport.carrierMode());
    }

    private static List<String> stallReports(List<String> messages) {
        return messages.stream()
                .filter(m -> m.contains(" has held aio4j-loop-"))
                .toList();
    }
}
