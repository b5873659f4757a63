package dev.aio4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.Task;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import dev.aio4j.sync.Event;
import dev.aio4j.test.Fixtures.Fixture;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The extension seen from outside: fixture classes run through EngineTestKit, and what JUnit
 * reports for each of their tests. Each leak fixture has a leaking test followed by a clean one,
 * so these tests prove that a leak fails the test that leaked and not the next one.
 */
class AioExtensionTest {

    // ------------------------------------------------------------------ pending tasks

    @Fixture
    @AioTest
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class PendingTask {
        @Test
        void a_leavesATaskBehind() {
            Aio.createTask(() -> Aio.sleep(Duration.ofHours(1)), "forgotten-sleeper");
        }

        @Test
        void b_isClean() {
            Aio.createTask(() -> Aio.sleep(Duration.ofMillis(1))).await();
        }

        @Test
        @AioTest(allowPendingTasks = true)
        void c_mayLeaveATaskWhenAllowed() {
            Aio.createTask(() -> Aio.sleep(Duration.ofHours(1)));
        }
    }

    @Test
    void aPendingTaskFailsTheTestThatLeftItWithItsNameAndWhereItWasCreated() {
        Map<String, Optional<Throwable>> outcomes = Fixtures.run(PendingTask.class);
        Throwable leak = outcomes.get("a_leavesATaskBehind()").orElseThrow();
        assertThat(leak).isInstanceOf(LeakError.class);
        assertThat(leak.getMessage())
                .startsWith("PendingTask.a_leavesATaskBehind() leaked:")
                .doesNotContain("org.junit");
        assertThat(leak.getMessage())
                .contains(
                        "a task is still pending",
                        "forgotten-sleeper",
                        "waits in Aio.sleep",
                        "allowPendingTasks = true",
                        "created at",
                        "AioExtensionTest.java");
        assertThat(outcomes.get("b_isClean()")).isEmpty();
        assertThat(outcomes.get("c_mayLeaveATaskWhenAllowed()")).isEmpty();
    }

    // ------------------------------------------------------------------ unhandled exceptions

    @Fixture
    @AioTest
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class UnretrievedException {
        @Test
        void a_dropsATasksException(TestClock clock) {
            Aio.createTask(
                    () -> {
                        throw new IllegalStateException("boom nobody saw");
                    },
                    "careless");
            clock.waitAllTasksBlocked();
        }

        @Test
        void b_isClean(TestClock clock) {
            Task<Void> t = Aio.createTask(() -> {
                throw new IllegalStateException("retrieved");
            });
            clock.waitAllTasksBlocked();
            assertThat(t.exception()).hasMessage("retrieved");
        }

        @Test
        void c_throwsInACallback(EventLoop loop, TestClock clock) {
            loop.callSoon(() -> {
                throw new IllegalArgumentException("callback failed");
            });
            clock.waitAllTasksBlocked();
        }

        @Test
        @AioTest(allowUnhandledExceptions = true)
        void d_mayDropOneWhenAllowed(TestClock clock) {
            Aio.createTask(() -> {
                throw new IllegalStateException("allowed");
            });
            clock.waitAllTasksBlocked();
        }
    }

    @Test
    void anExceptionNobodyRetrievedFailsTheTestThatDroppedIt() {
        Map<String, Optional<Throwable>> outcomes = Fixtures.run(UnretrievedException.class);
        Throwable leak = outcomes.get("a_dropsATasksException(TestClock)").orElseThrow();
        assertThat(leak).isInstanceOf(LeakError.class);
        assertThat(leak.getMessage())
                .contains(
                        "careless",
                        "ended with an exception nobody retrieved",
                        "boom nobody saw",
                        "allowUnhandledExceptions = true",
                        "created at");
        assertThat(outcomes.get("b_isClean(TestClock)")).isEmpty();
        Throwable callback =
                outcomes.get("c_throwsInACallback(EventLoop, TestClock)").orElseThrow();
        assertThat(callback).isInstanceOf(LeakError.class);
        assertThat(callback.getMessage()).contains("reached the loop's exception handler", "callback failed");
        assertThat(outcomes.get("d_mayDropOneWhenAllowed(TestClock)")).isEmpty();
    }

    // ------------------------------------------------------------------ file descriptors

    @Fixture
    @AioTest
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class OpenFiles {
        static final java.util.List<Server> leakedServers = new java.util.ArrayList<>();
        static FileInputStream leakedFile;

        static java.net.ServerSocket leakedSocket;

        @Test
        void a_leavesAServerOpen() throws IOException {
            // A listening socket the loop does not own: aio4j servers close with their loop.
            leakedSocket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        }

        @Test
        void b_isClean() throws IOException {
            Server server = Net.startServer((r, w) -> w.close(), "127.0.0.1", 0);
            server.close();
            server.waitClosed();
        }

        @Test
        void c_leavesAFileOpen() throws IOException {
            Path f = Files.createTempFile("aio4j-leak", ".txt");
            f.toFile().deleteOnExit();
            leakedFile = new FileInputStream(f.toFile());
        }

        @Test
        @AioTest(allowOpenFiles = true)
        void d_mayLeaveAServerOpenWhenAllowed() throws IOException {
            leakedServers.add(Net.startServer((r, w) -> w.close(), "127.0.0.1", 0));
        }

        @Test
        void e_isClean() throws IOException {
            leakedFile.close(); // c_'s file: closing it here is not a problem of this test
        }
    }

    @Test
    void anUnclosedServerOrFileFailsTheTestThatOpenedIt() throws Exception {
        Map<String, Optional<Throwable>> outcomes;
        try {
            outcomes = Fixtures.run(OpenFiles.class);
        } finally {
            for (Server s : OpenFiles.leakedServers) {
                s.close(); // its loop is closed: this closes just the listening socket
            }
            if (OpenFiles.leakedSocket != null) {
                OpenFiles.leakedSocket.close();
            }
            if (OpenFiles.leakedFile != null) {
                OpenFiles.leakedFile.close();
            }
        }
        Throwable server = outcomes.get("a_leavesAServerOpen()").orElseThrow();
        assertThat(server).isInstanceOf(LeakError.class);
        assertThat(server.getMessage())
                .contains("TCP LISTEN 127.0.0.1:", "an unclosed server", "allowOpenFiles = true");
        assertThat(outcomes.get("b_isClean()")).isEmpty();
        Throwable file = outcomes.get("c_leavesAFileOpen()").orElseThrow();
        assertThat(file.getMessage()).contains("aio4j-leak", ".txt");
        assertThat(outcomes.get("d_mayLeaveAServerOpenWhenAllowed()")).isEmpty();
        assertThat(outcomes.get("e_isClean()")).isEmpty();
    }

    // ------------------------------------------------------------------ the real-time limit

    @Fixture
    @AioTest(timeoutSeconds = 1)
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class Stuck {
        @Test
        void a_waitsForever() {
            Event never = new Event();
            Aio.getRunningLoop()
                    .callLater(
                            Duration.ofHours(1), () -> {}); // stuck, but a timer could still wake a task: no deadlock
            Task<Void> waiter = Aio.createTask(never::await, "stuck-waiter");
            waiter.await();
        }

        @Test
        void b_isClean() {
            Aio.sleep(Duration.ofMillis(10));
        }
    }

    @Test
    void aTestPastItsLimitFailsWithADumpOfEveryTask() {
        long start = System.nanoTime();
        Map<String, Optional<Throwable>> outcomes = Fixtures.run(Stuck.class);
        Throwable timeout = outcomes.get("a_waitsForever()").orElseThrow();
        assertThat(timeout).isInstanceOf(TimeoutException.class);
        assertThat(timeout.getMessage())
                .contains(
                        "Stuck.a_waitsForever() timed out after 1 s",
                        "timeoutSeconds = 1",
                        "The main task was then cancelled",
                        "task \"stuck-waiter\"",
                        "waits in Event.await",
                        "at dev.aio4j.sync.Event.await",
                        "created at",
                        "AioExtensionTest.java");
        assertThat(outcomes.get("b_isClean()")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Fixture
    @AioTest
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class Deadlocked {
        @Test
        void a_deadlocks() {
            java.util.concurrent.atomic.AtomicReference<Task<Void>> second =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Task<Void> first = Aio.createTask(() -> second.get().await(), "first");
            second.set(Aio.createTask(first::await, "second"));
            first.await();
        }

        @Test
        void b_isClean() {
            Aio.sleep(Duration.ofMillis(10));
        }
    }

    @Test
    void aTestWhoseTasksCanNeverWakeFailsAtOnceNamingTheCycle() {
        long start = System.nanoTime();
        Map<String, Optional<Throwable>> outcomes = Fixtures.run(Deadlocked.class);
        Throwable deadlock = outcomes.get("a_deadlocks()").orElseThrow();
        assertThat(deadlock).isInstanceOf(dev.aio4j.DeadlockError.class);
        assertThat(deadlock.getMessage())
                .contains(
                        "Cycle: task \"first\" awaits task \"second\"; task \"second\" awaits task \"first\".",
                        "at dev.aio4j.test.AioExtensionTest$Deadlocked.lambda$");
        assertThat(outcomes.get("b_isClean()")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    // ------------------------------------------------------------------ what JUnit features do

    @Fixture
    @ExtendWith(AioExtension.class)
    static class FactoryTests {
        @TestFactory
        Iterable<DynamicTest> dynamic() {
            return java.util.List.of(DynamicTest.dynamicTest("x", () -> {}));
        }

        @Test
        void registeredWithExtendWith() {
            assertThat(Aio.currentTask()).isNotNull();
        }
    }

    @Test
    void extendWithWorksAndATestFactoryIsRefusedWithAReason() {
        var results = org.junit.platform.testkit.engine.EngineTestKit.engine("junit-jupiter")
                .configurationParameter("aio4j.test.fixtures", "true")
                .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(FactoryTests.class))
                .execute();
        results.testEvents().finished().stream()
                .forEach(e -> assertThat(e.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
                                .getThrowable())
                        .as(e.getTestDescriptor().getDisplayName())
                        .isEmpty());
        results.testEvents().assertStatistics(s -> s.succeeded(1));
        Throwable refused = results.containerEvents().failed().stream()
                .map(e -> e.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .getThrowable())
                .flatMap(Optional::stream)
                .findFirst()
                .orElseThrow();
        assertThat(refused).hasMessageContaining("@TestFactory methods do not run on a loop");
    }

    @Fixture
    @AioTest
    static class FailsAndLeaks {
        @Test
        void failsAndLeaks() {
            Aio.createTask(() -> Aio.sleep(Duration.ofHours(1)), "also-leaked");
            throw new AssertionError("the test's own failure");
        }
    }

    @Test
    void aFailingTestThatAlsoLeaksReportsItsOwnFailureWithTheLeakAttached() {
        Throwable t = Fixtures.run(FailsAndLeaks.class).get("failsAndLeaks()").orElseThrow();
        assertThat(t).hasMessage("the test's own failure");
        assertThat(t.getSuppressed())
                .singleElement()
                .isInstanceOf(LeakError.class)
                .extracting(Throwable::getMessage)
                .asString()
                .contains("also-leaked");
    }
}
