package com.example.leaks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.kv.KeyValueServer;
import dev.aio4j.Aio;
import dev.aio4j.test.AioTest;
import dev.aio4j.test.LeakError;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Two common mistakes the extension catches, shown by running a test class that makes them and
 * checking that exactly the guilty tests fail (so this suite stays green).
 */
class LeakIsCaughtTest {

    /** The mistakes. Runs only when LeakIsCaughtTest runs it (see the system property). */
    @AioTest
    @TestMethodOrder(MethodOrderer.MethodName.class)
    @EnabledIfSystemProperty(named = "sample.runLeakyTests", matches = "true")
    static class Forgetful {
        static java.io.OutputStream leaked;

        @Test
        void a_forgetsAHeartbeatTask() {
            Aio.createTask(
                    () -> {
                        while (true) {
                            Aio.sleep(Duration.ofSeconds(1));
                        }
                    },
                    "heartbeat");
        }

        @Test
        void b_forgetsToCloseAFile() throws Exception {
            // (A server or connection of aio4j's left open is closed with the test's loop; a file
            // or a JDK socket is not.)
            java.nio.file.Path log = java.nio.file.Files.createTempFile("sample-forgotten", ".log");
            log.toFile().deleteOnExit();
            leaked = java.nio.file.Files.newOutputStream(log);
        }

        @Test
        void c_isInnocent() throws Exception {
            try (KeyValueServer server = KeyValueServer.start("127.0.0.1", 0)) {
                assertTrue(server.port() > 0);
            }
        }
    }

    @Test
    void theTestsThatLeakFailAndTheInnocentOnePasses() {
        Map<String, Optional<Throwable>> outcomes = new HashMap<>();
        System.setProperty("sample.runLeakyTests", "true");
        try {
            EngineTestKit.engine("junit-jupiter")
                    .selectors(DiscoverySelectors.selectClass(Forgetful.class))
                    .execute()
                    .testEvents()
                    .finished()
                    .stream()
                    .forEach(e -> outcomes.put(
                            e.getTestDescriptor().getDisplayName(),
                            e.getRequiredPayload(TestExecutionResult.class).getThrowable()));
        } finally {
            System.clearProperty("sample.runLeakyTests");
        }

        Throwable task = outcomes.get("a_forgetsAHeartbeatTask()").orElseThrow();
        assertInstanceOf(LeakError.class, task);
        assertTrue(task.getMessage().contains("task \"heartbeat\""), task.getMessage());
        assertTrue(task.getMessage().contains("@AioTest(allowPendingTasks = true)"), task.getMessage());

        Throwable file = outcomes.get("b_forgetsToCloseAFile()").orElseThrow();
        assertInstanceOf(LeakError.class, file);
        assertTrue(file.getMessage().contains("sample-forgotten"), file.getMessage());
        try {
            Forgetful.leaked.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        assertEquals(Optional.empty(), outcomes.get("c_isInnocent()"));
    }
}
