package dev.aio4j.process;

import static dev.aio4j.process.ProcessTesting.children;
import static dev.aio4j.process.ProcessTesting.openFds;
import static dev.aio4j.process.ProcessTesting.procExists;
import static dev.aio4j.process.ProcessTesting.python;
import static dev.aio4j.process.ProcessTesting.run;
import static dev.aio4j.process.ProcessTesting.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Signal;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.process.internal.PipePumps;
import dev.aio4j.sync.Semaphore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** The exit, signals, cancellation, closing, and what a thousand children leave behind. */
@org.junit.jupiter.api.Timeout(value = 180, threadMode = ThreadMode.SEPARATE_THREAD)
class SubprocessLifecycleTest {

    @Test
    void fourSleepsAtOnceSuspendOnlyTheirTasksWhileAHeartbeatKeepsTime() throws Exception {
        long[] result = run(() -> {
            ProcessTesting.Heartbeat heartbeat = new ProcessTesting.Heartbeat();
            long start = System.nanoTime();
            List<Task<Integer>> sleeps = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sleeps.add(Aio.createTask(() -> {
                    try (Subprocess p = Processes.exec("sleep", "1")) {
                        return p.waitFor();
                    }
                }));
            }
            for (Task<Integer> t : sleeps) {
                assertThat(t.await()).isZero();
            }
            long took = System.nanoTime() - start;
            return new long[] {took, heartbeat.stop().toMillis(), heartbeat.beats()};
        });
        assertThat(Duration.ofNanos(result[0]))
                .as("4 x sleep 1 at once")
                .isBetween(Duration.ofMillis(950), Duration.ofMillis(3000));
        assertThat(result[1]).as("worst heartbeat lateness, ms").isLessThan(500);
        assertThat(result[2]).as("heartbeats").isGreaterThan(20);
    }

    @Test
    void fourPipesThatSpeakAfterOneSecondAreReadAtOnceWhileAHeartbeatKeepsTime() throws Exception {
        long[] result = run(() -> {
            ProcessTesting.Heartbeat heartbeat = new ProcessTesting.Heartbeat();
            long start = System.nanoTime();
            List<Task<String>> readers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                readers.add(Aio.createTask(() -> {
                    try (Subprocess p = Processes.shell(
                            "sleep 1; echo child " + n,
                            ProcessOptions.defaults().withStdout(Redirect.PIPE))) {
                        return str(p.stdout().readline());
                    }
                }));
            }
            for (int i = 0; i < 4; i++) {
                assertThat(readers.get(i).await()).isEqualTo("child " + i + "\n");
            }
            long took = System.nanoTime() - start;
            return new long[] {took, heartbeat.stop().toMillis()};
        });
        assertThat(Duration.ofNanos(result[0]))
                .as("4 pipes read at once")
                .isBetween(Duration.ofMillis(950), Duration.ofMillis(3000));
        assertThat(result[1]).as("worst heartbeat lateness, ms").isLessThan(500);
    }

    @Test
    void returncodeIsEmptyWhileRunningThenTheExitStatus() throws Exception {
        List<Object> got = run(() -> {
            try (Subprocess p = Processes.shell("read x; exit 7", ProcessOptions.piped())) {
                OptionalInt before = p.returncode();
                p.stdin().write("go\n");
                int code = p.waitFor();
                return List.of(before, code, p.returncode(), p.waitFor());
            }
        });
        assertThat(got).containsExactly(OptionalInt.empty(), 7, OptionalInt.of(7), 7);
    }

    @Test
    void aChildIgnoringTermSurvivesTerminateAndDiesByKillWith137() throws Exception {
        String script =
                """
                import signal, sys, time
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                print("ready", flush=True)
                time.sleep(60)
                """;
        List<Object> got = run(() -> {
            try (Subprocess p = Processes.exec(ProcessOptions.piped(), python(), "-c", script)) {
                assertThat(str(p.stdout().readline())).isEqualTo("ready\n");
                p.terminate();
                boolean survived =
                        Timeout.moveOnAfter(Duration.ofMillis(300), p::waitFor).isEmpty();
                p.kill();
                return List.of(survived, p.waitFor());
            }
        });
        assertThat(got).containsExactly(true, 137);
    }

    @Test
    void terminateEndsAnOrdinaryChildWith143() throws Exception {
        int code = run(() -> {
            try (Subprocess p = Processes.exec(ProcessOptions.piped(), "sleep", "60")) {
                p.terminate();
                return p.waitFor();
            }
        });
        assertThat(code).isEqualTo(128 + 15);
    }

    @Test
    void sendSignalDeliversHupIntQuitUsr1AndUsr2() throws Exception {
        String script =
                """
                import signal, sys, time
                def report(n, frame):
                    print(signal.Signals(n).name, flush=True)
                for s in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
                    signal.signal(s, report)
                print("ready", flush=True)
                while True:
                    time.sleep(0.05)
                """;
        List<String> got = run(() -> {
            try (Subprocess p = Processes.exec(ProcessOptions.piped(), python(), "-c", script)) {
                assertThat(str(p.stdout().readline())).isEqualTo("ready\n");
                List<String> heard = new ArrayList<>();
                for (Signal s : List.of(Signal.HUP, Signal.INT, Signal.QUIT, Signal.USR1, Signal.USR2)) {
                    p.sendSignal(s);
                    heard.add(str(p.stdout().readline()).strip());
                }
                p.sendSignal(Signal.TERM);
                heard.add("exit " + p.waitFor());
                return heard;
            }
        });
        assertThat(got).containsExactly("SIGHUP", "SIGINT", "SIGQUIT", "SIGUSR1", "SIGUSR2", "exit 143");
    }

    @Test
    void signalsAfterTheExitAreIgnored() throws Exception {
        int code = run(() -> {
            try (Subprocess p = Processes.exec("true")) {
                int c = p.waitFor();
                p.terminate();
                p.kill();
                p.sendSignal(Signal.HUP);
                return c;
            }
        });
        assertThat(code).isZero();
    }

    @Test
    void cancellingWaitForLeavesTheChildRunning() throws Exception {
        List<Object> got = run(() -> {
            Subprocess p = Processes.exec("sleep", "60");
            Task<Integer> waiter = Aio.createTask(p::waitFor);
            Aio.sleep(Duration.ofMillis(50));
            waiter.cancel();
            Aio.sleep(Duration.ofMillis(200));
            boolean alive = p.toHandle().isAlive() && p.returncode().isEmpty();
            p.kill();
            return List.of(waiter.cancelled(), alive, p.waitFor());
        });
        assertThat(got).containsExactly(true, true, 137);
    }

    @Test
    void cancellingCommunicateLeavesTheChildRunning() throws Exception {
        List<Object> got = run(() -> {
            try (Subprocess p = Processes.exec(ProcessOptions.piped(), "sleep", "60")) {
                boolean timedOut = Timeout.moveOnAfter(Duration.ofMillis(200), () -> p.communicate(new byte[100]))
                        .isEmpty();
                Aio.sleep(Duration.ofMillis(100));
                boolean alive = p.toHandle().isAlive() && p.returncode().isEmpty();
                p.kill();
                return List.of(timedOut, alive, p.waitFor());
            }
        });
        assertThat(got).containsExactly(true, true, 137);
    }

    @Test
    void aTaskCancelledWhileItsChildStartsLeavesNoChildBehind() throws Exception {
        List<Long> left = run(() -> {
            List<Task<Integer>> starters = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                starters.add(Aio.createTask(() -> {
                    try (Subprocess p = Processes.exec(ProcessOptions.piped(), "sleep", "60")) {
                        return p.waitFor();
                    }
                }));
            }
            Aio.sleep(Duration.ZERO); // each starter is now waiting for its start (or its exit)
            starters.forEach(Task::cancel);
            for (Task<Integer> t : starters) {
                assertThat(catchThrowable(t::await)).isInstanceOf(CancelledError.class);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            // A start still running on a pump thread may create its child after this point; the
            // pump is busy until that child has been killed and its pipes closed.
            while ((!children().isEmpty() || PipePumps.busyThreads() > 0) && System.nanoTime() < deadline) {
                Aio.sleep(Duration.ofMillis(20));
            }
            return children();
        });
        assertThat(left).as("children left while the loop still ran").isEmpty();
    }

    @Test
    void closeKillsARunningChildAndReapsIt() throws Exception {
        long pid = run(() -> {
            Subprocess p = Processes.exec(ProcessOptions.piped(), "sleep", "60");
            p.close();
            assertThat(p.waitFor()).isEqualTo(137);
            assertThat(p.stdout().read()).isEmpty();
            return p.pid();
        });
        assertThat(procExists(pid)).as("/proc/" + pid + " after close").isFalse();
    }

    @Test
    void closeAlsoKillsTheGrandchildrenThatHoldThePipes() throws Exception {
        List<Long> pids = run(() -> {
            Subprocess p = Processes.shell("sleep 60 | sleep 60; echo never", ProcessOptions.piped());
            Aio.sleep(Duration.ofMillis(200)); // let the shell start its pipeline
            List<Long> tree = new ArrayList<>(
                    p.toHandle().descendants().map(ProcessHandle::pid).toList());
            tree.add(p.pid());
            p.close();
            assertThat(p.stdout().read()).isEmpty();
            assertThat(p.waitFor()).isEqualTo(137);
            return tree;
        });
        assertThat(pids).hasSizeGreaterThanOrEqualTo(3);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (pids.stream().anyMatch(ProcessTesting::procExists) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(pids).noneMatch(ProcessTesting::procExists);
        assertThat(ProcessTesting.busyPumpsAfterSettling())
                .as(ProcessTesting::pumpStacks)
                .isZero();
    }

    @Test
    void closingTheLoopKillsTheChildrenItStartedAndReapsThem() throws Exception {
        List<Long> pids = run(() -> {
            List<Long> started = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Subprocess p = Processes.exec(ProcessOptions.piped(), "sleep", "60");
                started.add(p.pid());
                Aio.createTask(p::waitFor); // cancelled by Aio.run's shutdown, which does not kill
            }
            return started;
        });
        for (long pid : pids) {
            assertThat(procExists(pid))
                    .as("/proc/" + pid + " after the loop closed")
                    .isFalse();
        }
    }

    @Test
    void closingASubprocessAfterItsLoopClosedIsHarmless() throws Exception {
        Subprocess[] kept = new Subprocess[1];
        run(() -> {
            kept[0] = Processes.exec(ProcessOptions.piped(), "sleep", "60");
        });
        assertThat(procExists(kept[0].pid())).isFalse();
        kept[0].close();
        kept[0].kill();
        assertThat(kept[0].toHandle().isAlive()).isFalse();
    }

    @Test
    void aProgramThatDoesNotExistFailsClearlyAndLeaksNothing() throws Exception {
        int fdsBefore = openFds();
        Object error = run(() -> {
            try {
                return Processes.exec(ProcessOptions.piped(), "/no/such/program-aio4j");
            } catch (IOException e) {
                return e;
            }
        });
        assertThat(error)
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/no/such/program-aio4j")
                .hasMessageContaining("No such file or directory");
        assertThat(openFds()).isLessThanOrEqualTo(fdsBefore + 2);
        assertThat(ProcessTesting.busyPumpsAfterSettling())
                .as(ProcessTesting::pumpStacks)
                .isZero();
    }

    @Test
    void aThousandShortChildrenLeaveNoZombieNoDescriptorAndNoBusyPump() throws Exception {
        run(() -> Processes.exec("true").waitFor()); // warm the JDK's process machinery up
        int fdsBefore = openFds();
        int children = 1000;
        int sum = run(() -> {
            Semaphore slots = new Semaphore(8);
            List<Task<Integer>> all = new ArrayList<>();
            for (int i = 0; i < children; i++) {
                String word = "w" + i;
                all.add(Aio.createTask(() -> {
                    try (var held = slots.acquire();
                            Subprocess p = Processes.exec(ProcessOptions.piped(), "echo", word)) {
                        ProcessOutput out = p.communicate();
                        assertThat(out.stdoutText()).isEqualTo(word + "\n");
                        return out.returncode();
                    }
                }));
            }
            int total = 0;
            for (Task<Integer> t : all) {
                total += t.await();
            }
            return total;
        });
        assertThat(sum).isZero();
        assertThat(children()).as("children of this JVM (running or zombies)").isEmpty();
        assertThat(openFds()).as("open descriptors").isLessThanOrEqualTo(fdsBefore + 4);
        assertThat(ProcessTesting.busyPumpsAfterSettling())
                .as(ProcessTesting::pumpStacks)
                .isZero();
        assertThat(PipePumps.liveThreads())
                .as("live pump threads, 8 children at a time")
                .isLessThanOrEqualTo(3 * 8 + 4);
    }

    @Test
    void inDebugModeASubprocessLeftOpenIsReportedWithWhereItWasStarted() {
        List<String> reports = new ArrayList<>();
        Aio.run(
                () -> {
                    Aio.getRunningLoop().setExceptionHandler((loop, ctx) -> reports.add(ctx.message()));
                    return Processes.exec("sleep", "30").pid(); // never closed
                },
                dev.aio4j.RunOptions.defaults().withDebug(true).withSigintHandling(false));
        assertThat(reports).as("reports: %s", reports).anySatisfy(m -> assertThat(m)
                .startsWith("Unclosed resource of dev.aio4j.process.Subprocess closed with its loop")
                .contains("Registered at:")
                .contains("SubprocessLifecycleTest"));
    }
}
