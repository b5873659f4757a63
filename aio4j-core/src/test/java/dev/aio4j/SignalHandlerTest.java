package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.queue.Queue;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Signal handlers on the loop and the runner's cancel signals. Real signals are sent with
 * {@code kill} to child JVMs only: a signal whose handler is gone would end the test JVM.
 */
@Timeout(value = 180, threadMode = ThreadMode.SEPARATE_THREAD)
class SignalHandlerTest {

    // ------------------------------------------------------------------ what cannot be handled

    @Test
    void killAndStopCannotBeHandled() {
        TestSupport.runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            assertThatThrownBy(() -> loop.addSignalHandler(Signal.KILL, () -> {}))
                    .isInstanceOf(UnsupportedSignalException.class)
                    .hasMessage("SIGKILL cannot be caught");
            assertThatThrownBy(() -> loop.addSignalHandler(Signal.STOP, () -> {}))
                    .isInstanceOf(UnsupportedSignalException.class)
                    .hasMessage("SIGSTOP cannot be caught");
            return null;
        });
        assertThatThrownBy(() -> RunOptions.defaults().withCancelSignals(Signal.KILL))
                .isInstanceOf(UnsupportedSignalException.class);
    }

    @Test
    void anUnknownSignalNameFailsWithTheName() {
        assertThatThrownBy(() -> Signal.of("SIGFOO"))
                .isInstanceOf(UnsupportedSignalException.class)
                .hasMessageStartingWith("unknown signal: SIGFOO");
        assertThat(Signal.of("sigterm")).isEqualTo(Signal.TERM);
        assertThat(Signal.of("usr1")).isEqualTo(Signal.USR1);
        assertThat(Signal.INT.number()).isEqualTo(2);
        assertThat(Signal.TERM.number()).isEqualTo(15);
    }

    @Test
    void removingAHandlerThatWasNeverAddedReturnsFalse() {
        TestSupport.runReal(() -> {
            assertThat(Aio.getRunningLoop().removeSignalHandler(Signal.USR2)).isFalse();
            return null;
        });
    }

    @Test
    void closingTheLoopRemovesItsHandlers() {
        EventLoop loop = EventLoop.newEventLoop();
        loop.addSignalHandler(Signal.USR2, () -> {});
        assertThat(SignalDispatch.has(Signal.USR2, loop)).isTrue();
        loop.close();
        assertThat(SignalDispatch.has(Signal.USR2, loop)).isFalse();
        assertThatThrownBy(() -> loop.addSignalHandler(Signal.USR2, () -> {}))
                .isInstanceOf(IllegalStateException.class);
    }

    /**
     * asyncio's add_signal_handler keeps a Handle made with the adder's context (test_context's
     * rule for callbacks). The signal is raised in this JVM only while the handler is installed.
     */
    @Test
    void aSignalHandlerRunsInTheContextOfTheCallThatAddedIt() {
        ContextVar<String> var = new ContextVar<>("signal-context", "default");
        String seen = TestSupport.runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            var.set("when added");
            Future<String> got = loop.createFuture();
            loop.addSignalHandler(Signal.USR1, () -> {
                if (!got.done()) {
                    got.setResult(var.get());
                }
            });
            var.set("changed after");
            try {
                sun.misc.Signal.raise(new sun.misc.Signal("USR1"));
                return got.await();
            } finally {
                loop.removeSignalHandler(Signal.USR1);
            }
        });
        assertThat(seen).isEqualTo("when added");
    }

    // ------------------------------------------------------------------ real signals, child JVMs

    @Test
    void everyHandledSignalRunsItsCallbackOnTheLoopAndRemovingGivesItBack() throws Exception {
        try (ChildJvm p = ChildJvm.start(SignalMain.class, "handlers")) {
            assertThat(p.readUntil("ready")).isTrue();
            for (Signal s : List.of(Signal.TERM, Signal.HUP, Signal.USR1, Signal.USR2, Signal.INT)) {
                p.kill(s);
                assertThat(p.readUntil("got " + s.signalName() + " as a loop callback: true"))
                        .as("output so far: %s", p.lines())
                        .isTrue();
            }
            assertThat(p.readUntil("USR1 replaced")).isTrue();
            p.kill(Signal.USR1);
            assertThat(p.readUntil("new USR1 handler ran")).isTrue();
            // The loop's INT handler is removed: SIGINT goes back to Aio.run, which cancels main.
            assertThat(p.readUntil("INT removed: true")).isTrue();
            p.kill(Signal.INT);
            int status = p.exitStatus();
            assertThat(status).as("output: %s", p.lines()).isEqualTo(130);
            assertThat(p.lines()).contains("aio4j: cancelled by SIGINT, exiting with status 130");
            assertThat(p.lines()).noneMatch(l -> l.contains("Exception in thread") || l.startsWith("\tat "));
        }
    }

    @Test
    void removingTheLastHandlerRestoresTheJvmsOwn() throws Exception {
        try (ChildJvm p = ChildJvm.start(SignalMain.class, "restore-hup")) {
            assertThat(p.readUntil("HUP removed: true")).isTrue();
            p.kill(Signal.HUP);
            // The JVM's own handler runs the shutdown hooks and exits with 128+1.
            assertThat(p.exitStatus()).as("output: %s", p.lines()).isEqualTo(129);
            assertThat(p.lines()).contains("shutdown hook ran");
        }
    }

    @Test
    void sigtermCancelsTheMainTaskWhenAskedAndTheProcessExitsQuietlyWith143() throws Exception {
        try (ChildJvm p = ChildJvm.start(SignalMain.class, "service")) {
            assertThat(p.readUntil("ready")).isTrue();
            p.kill(Signal.TERM);
            assertThat(p.readUntil("cancelled: SIGTERM")).isTrue();
            assertThat(p.readUntil("cleaned up")).isTrue();
            assertThat(p.exitStatus()).as("output: %s", p.lines()).isEqualTo(143);
            assertThat(p.lines()).contains("aio4j: cancelled by SIGTERM, exiting with status 143");
            assertThat(p.lines()).noneMatch(l -> l.startsWith("\tat "));
        }
    }

    @Test
    void aSecondSigtermExitsAtOnceWith143() throws Exception {
        try (ChildJvm p = ChildJvm.start(SignalMain.class, "stubborn-service")) {
            assertThat(p.readUntil("ready")).isTrue();
            p.kill(Signal.TERM);
            assertThat(p.readUntil("ignored SIGTERM")).isTrue();
            p.kill(Signal.TERM);
            assertThat(p.exitStatus()).isEqualTo(143);
        }
    }

    @Test
    void aSignalIgnoredSinceTheStartCannotBeHandledAndDoesNotCancelTheRun() throws Exception {
        try (ChildJvm p = ChildJvm.startIgnoring("INT", SignalMain.class, "ignored-int")) {
            assertThat(p.readUntil("add INT: UnsupportedSignalException"))
                    .as("output: %s", p.lines())
                    .isTrue();
            assertThat(p.readUntil("ready")).isTrue();
            p.kill(Signal.INT); // ignored, as the process was told
            p.kill(Signal.TERM); // the JVM's own handler: exit 143
            assertThat(p.exitStatus()).as("output: %s", p.lines()).isEqualTo(143);
            assertThat(p.lines()).noneMatch(l -> l.startsWith("cancelled") || l.startsWith("aio4j: cancelled"));
        }
    }

    @Test
    void aSecondSigintPrintsTheTaskTreeWithStacksBeforeExitingWith130() throws Exception {
        try (ChildJvm p = ChildJvm.start(SignalMain.class, "stuck-main")) {
            assertThat(p.readUntil("ready")).isTrue();
            p.kill(Signal.INT);
            assertThat(p.readUntil("sleeper ignored SIGINT"))
                    .as("output so far: %s", p.lines())
                    .isTrue();
            p.kill(Signal.INT);
            assertThat(p.exitStatus()).as("output: %s", p.lines()).isEqualTo(130);
            String out = String.join("\n", p.lines());
            assertThat(out)
                    .contains("aio4j: second SIGINT before the main task \"main\" finished; exiting with status 130");
            // The tree: main awaits the sleeper, which waits for its timer; the stacks name the code.
            assertThat(out).containsPattern("└── \\(T\\) main  waiting [^\\n]* waits for task \"sleeper\"");
            assertThat(out).containsPattern("    └── \\(T\\) sleeper  waiting [^\\n]* waits for a timer due in");
            assertThat(out).contains("at dev.aio4j.SignalHandlerTest$SignalMain.stubbornSleeper(");
        }
    }

    /** The programs the tests above run in child JVMs. */
    public static final class SignalMain {
        public static void main(String[] args) {
            switch (args[0]) {
                case "handlers" -> Aio.run(SignalMain::handlers);
                case "restore-hup" -> restoreHup();
                case "ignored-int" ->
                    Aio.run(() -> {
                        try {
                            Aio.getRunningLoop().addSignalHandler(Signal.INT, () -> say("handled"));
                            say("add INT: succeeded");
                        } catch (UnsupportedSignalException e) {
                            say("add INT: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                        say("ready");
                        Aio.sleep(Duration.ofSeconds(120));
                        return null;
                    });
                case "service" ->
                    Aio.run(() -> service(false), RunOptions.defaults().withCancelSignals(Signal.INT, Signal.TERM));
                case "stubborn-service" ->
                    Aio.run(() -> service(true), RunOptions.defaults().withCancelSignals(Signal.INT, Signal.TERM));
                case "stuck-main" -> Aio.run(SignalMain::stuckMain);
                default -> throw new IllegalArgumentException(args[0]);
            }
        }

        private static void say(String line) {
            System.out.println(line);
            System.out.flush();
        }

        private static void handlers() throws Exception {
            EventLoop loop = Aio.getRunningLoop();
            Queue<Signal> got = new Queue<>();
            for (Signal s : List.of(Signal.TERM, Signal.HUP, Signal.USR1, Signal.USR2, Signal.INT)) {
                loop.addSignalHandler(s, () -> {
                    boolean loopCallback = Aio.currentTask() == null && Aio.getRunningLoop() == loop;
                    say("got " + s.signalName() + " as a loop callback: " + loopCallback);
                    got.putNowait(s);
                });
            }
            say("ready");
            for (int i = 0; i < 5; i++) {
                got.get();
            }
            loop.addSignalHandler(Signal.USR1, () -> {
                say("new USR1 handler ran");
                got.putNowait(Signal.USR1);
            });
            say("USR1 replaced");
            got.get();
            say("INT removed: " + loop.removeSignalHandler(Signal.INT));
            Aio.sleep(Duration.ofSeconds(120));
        }

        /** Main awaits a task that ignores cancellation, so the first SIGINT does not end the run. */
        private static Void stuckMain() {
            Aio.currentTask().setName("main");
            Task<Void> sleeper = Aio.createTask(SignalMain::stubbornSleeper, "sleeper");
            say("ready");
            return sleeper.await();
        }

        private static Void stubbornSleeper() {
            while (true) {
                try {
                    Aio.sleep(Duration.ofSeconds(120));
                } catch (CancelledError e) {
                    say("sleeper ignored " + e.getMessage());
                }
            }
        }

        private static void restoreHup() {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> say("shutdown hook ran")));
            Aio.run(() -> {
                EventLoop loop = Aio.getRunningLoop();
                loop.addSignalHandler(Signal.HUP, () -> say("loop handler ran"));
                say("HUP removed: " + loop.removeSignalHandler(Signal.HUP));
                Aio.sleep(Duration.ofSeconds(120));
                return null;
            });
        }

        private static Void service(boolean stubborn) {
            say("ready");
            while (true) {
                try {
                    Aio.sleep(Duration.ofSeconds(120));
                } catch (CancelledError e) {
                    if (stubborn) {
                        say("ignored " + e.getMessage());
                        continue;
                    }
                    say("cancelled: " + e.getMessage());
                    Aio.sleep(Duration.ofMillis(100)); // cleanup may still wait
                    say("cleaned up");
                    throw e;
                }
            }
        }
    }
}
