package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static dev.aio4j.TestSupport.spin;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's Flight Recorder events: a recording made in this JVM, written to a file and read
 * back, holds each event with its fields; debug mode stays off throughout.
 */
class LoopEventsTest {

    @Test
    void aRecordingReadBackHoldsEachEventWithItsFields(@TempDir Path dir) throws Exception {
        LoopEvents.register(); // normally done by the watchdog thread, at its own pace
        Path file = dir.resolve("rec.jfr");
        String[] loopName = new String[1];
        java.time.Instant[] mainEnded = new java.time.Instant[1];
        try (Recording recording = new Recording()) {
            recording.enable("dev.aio4j.LoopStall");
            recording.enable("dev.aio4j.SlowCallback");
            recording.enable("dev.aio4j.TaskLifecycle"); // off by default
            recording.enable("dev.aio4j.LoopStatistics").withPeriod(Duration.ofMillis(100));
            recording.start();
            LoopEvents.addPeriodicIfRecording(); // the watchdog thread does it within 100 ms
            runReal(() -> {
                EventLoop loop = Aio.getRunningLoop();
                assertThat(loop.getDebug()).isFalse();
                loopName[0] = loop.name();
                loop.setSlowCallbackDuration(Duration.ofMillis(50));
                loop.callSoon(() -> spin(120));
                Aio.sleep(Duration.ofMillis(1));
                Aio.createTask(
                                () -> {
                                    spin(1_400); // over the 1 s stall threshold
                                    Aio.sleep(Duration.ZERO);
                                },
                                "hog")
                        .await();
                Task<Void> fails = Aio.createTask(
                        () -> {
                            throw new IllegalStateException("boom");
                        },
                        "fails");
                Aio.sleep(Duration.ofMillis(1));
                assertThat(fails.exception()).hasMessage("boom");
                Aio.sleep(Duration.ofMillis(600)); // the watchdog sees the stall end; statistics are sampled
                mainEnded[0] = java.time.Instant.now();
                return null;
            });
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> loopName[0].equals(e.getString("loop")))
                .toList();

        // Only the hog's hold is certain: a loaded machine may also hold the loop's own thread.
        List<RecordedEvent> stalls = ofType(events, "dev.aio4j.LoopStall").stream()
                .filter(e -> e.getString("holder").startsWith("Task[hog"))
                .toList();
        assertThat(stalls).as("stalls in %s", events).hasSize(1);
        RecordedEvent stall = stalls.get(0);
        assertThat(stall.getDuration("held")).isBetween(Duration.ofMillis(1_000), Duration.ofSeconds(30));
        assertThat(stall.getString("topFrames")).contains("spin");
        assertThat(stall.getThread("holderThread")).isNotNull();

        List<RecordedEvent> slow = ofType(events, "dev.aio4j.SlowCallback");
        assertThat(slow).anySatisfy(e -> {
            assertThat(e.getString("kind")).isEqualTo("callback");
            assertThat(e.getString("callback")).startsWith("Handle[");
            assertThat(e.getDuration("took")).isGreaterThanOrEqualTo(Duration.ofMillis(100));
            assertThat(e.getDuration("threshold")).isEqualTo(Duration.ofMillis(50));
        });
        assertThat(slow).anySatisfy(e -> {
            assertThat(e.getString("kind")).isEqualTo("task step");
            assertThat(e.getString("callback")).startsWith("Task[hog");
            assertThat(e.getDuration("took")).isGreaterThanOrEqualTo(Duration.ofMillis(1_300));
        });

        List<RecordedEvent> lifecycle = ofType(events, "dev.aio4j.TaskLifecycle");
        assertThat(lifecycle).anySatisfy(e -> {
            assertThat(e.getString("task")).isEqualTo("hog");
            assertThat(e.getString("phase")).isEqualTo("created");
        });
        assertThat(lifecycle).anySatisfy(e -> {
            assertThat(e.getString("task")).isEqualTo("hog");
            assertThat(e.getString("phase")).isEqualTo("finished");
            assertThat(e.getString("outcome")).isEqualTo("result");
            assertThat(e.getDuration("lifetime")).isGreaterThanOrEqualTo(Duration.ofMillis(1_300));
        });
        assertThat(lifecycle).anySatisfy(e -> {
            assertThat(e.getString("task")).isEqualTo("fails");
            assertThat(e.getString("outcome")).isEqualTo("exception");
        });

        List<RecordedEvent> stats = ofType(events, "dev.aio4j.LoopStatistics");
        assertThat(stats).as("statistics in %s", events).isNotEmpty();
        // A sample taken while the loop closes, after the main task ended, rightly counts none.
        assertThat(stats.stream().filter(e -> e.getStartTime().isBefore(mainEnded[0])))
                .as("statistics sampled while the main task ran")
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getInt("tasks")).isGreaterThanOrEqualTo(1)); // the main task at least
        assertThat(stats).allSatisfy(e -> {
            assertThat(e.getString("mode")).isEqualTo(TestSupport.carrierMode() ? "carrier" : "portable");
        });
        assertThat(stats).anySatisfy(e -> assertThat(e.getLong("steps")).isPositive());
    }

    @Test
    void nothingIsTimedWhileNoRecordingRuns() {
        LoopEvents.register();
        assertThat(LoopEvents.recording).isFalse();
        boolean timed = runReal(() -> Aio.getRunningLoop().timingSteps());
        assertThat(timed).isFalse();
    }

    private static List<RecordedEvent> ofType(List<RecordedEvent> events, String type) {
        return events.stream()
                .filter(e -> e.getEventType().getName().equals(type))
                .toList();
    }
}
