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
        @Test
        void a_forgetsAHeartbeatTask() {
            Aio.createTask(() -> {
                while (true) {
                    Aio.sleep(Duration.ofSeconds(1));
                }
            }, "heartbeat");
        }

        @Test
        void b_forgetsToCloseTheServer() throws Exception {
            KeyValueServer.start("127.0.0.1", 0);
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
                    .testEvents().finished().stream()
                    .forEach(e -> outcomes.put(e.getTestDescriptor().getDisplayName(),
                            e.getRequiredPayload(TestExecutionResult.class).getThrowable()));
        } finally {
            System.clearProperty("sample.runLeakyTests");
        }

        Throwable task = outcomes.get("a_forgetsAHeartbeatTask()").orElseThrow();
        assertInstanceOf(LeakError.class, task);
        assertTrue(task.getMessage().contains("task \"heartbeat\""), task.getMessage());
        assertTrue(task.getMessage().contains("@AioTest(allowPendingTasks = true)"), task.getMessage());

        Throwable server = outcomes.get("b_forgetsToCloseTheServer()").orElseThrow();
        assertInstanceOf(LeakError.class, server);
        assertTrue(server.getMessage().contains("an unclosed server"), server.getMessage());

        assertEquals(Optional.empty(), outcomes.get("c_isInnocent()"));
    }
}
