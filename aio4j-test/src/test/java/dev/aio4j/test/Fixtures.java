package dev.aio4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Test classes that fail on purpose run only through {@link #run}: JUnit's EngineTestKit with a
 * configuration parameter the ordinary Surefire run does not set.
 */
final class Fixtures {
    private Fixtures() {}

    private static final String KEY = "aio4j.test.fixtures";

    /** Marks a class that runs only inside {@link #run}. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(OnlyThroughTestKit.class)
    @interface Fixture {}

    static final class OnlyThroughTestKit implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(KEY).isPresent()
                    ? ConditionEvaluationResult.enabled("run by EngineTestKit")
                    : ConditionEvaluationResult.disabled("a fixture that fails on purpose; run through EngineTestKit");
        }
    }

    /**
     * Runs {@code fixture}'s tests and returns each test's outcome by display name: null for a
     * success, else what it failed with.
     */
    static Map<String, Optional<Throwable>> run(Class<?> fixture) {
        Map<String, Optional<Throwable>> outcomes = new LinkedHashMap<>();
        EngineTestKit.engine("junit-jupiter")
                .configurationParameter(KEY, "true")
                .selectors(DiscoverySelectors.selectClass(fixture))
                .execute()
                .testEvents()
                .finished()
                .stream()
                .forEach((Event e) -> {
                    TestExecutionResult r = e.getRequiredPayload(TestExecutionResult.class);
                    outcomes.put(e.getTestDescriptor().getDisplayName(), r.getThrowable());
                });
        assertThat(outcomes).as("tests of " + fixture.getSimpleName()).isNotEmpty();
        return outcomes;
    }
}
