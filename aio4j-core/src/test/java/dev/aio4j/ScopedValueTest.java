package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a JDK 25 ScopedValue gives with aio4j: a binding is seen by the thread that made it, so
 * inside one task across its waits, but not by other tasks (including the main task of an
 * {@code Aio.run} inside the binding), callbacks or {@code toThread}: they are other threads,
 * and only StructuredTaskScope forks inherit bindings. docs/context.md says what to use instead.
 */
class ScopedValueTest {
    private static final ScopedValue<String> USER = ScopedValue.newInstance();

    @Test
    void aBindingAroundAioRunIsNotSeenByItsTasks() throws Exception {
        boolean bound = ScopedValue.where(USER, "alice").call(() -> TestSupport.runVirtual(USER::isBound));
        assertThat(bound).isFalse();
    }

    @Test
    void aBindingInsideATaskHoldsAcrossItsWaitsAndStaysInThatTask() throws Exception {
        List<String> seen =
                TestSupport.runVirtual(() -> ScopedValue.where(USER, "bob").call(() -> {
                    String before = USER.get();
                    Task<Boolean> child = Aio.createTask(USER::isBound);
                    Future<Boolean> inCallback = Aio.getRunningLoop().createFuture();
                    Aio.getRunningLoop().callSoon(() -> inCallback.setResult(USER.isBound()));
                    boolean inThread = Aio.toThread(USER::isBound);
                    Aio.sleep(Duration.ofMillis(10));
                    return List.of(
                            before,
                            USER.get(),
                            "child " + child.await(),
                            "callback " + inCallback.await(),
                            "toThread " + inThread);
                }));
        assertThat(seen).containsExactly("bob", "bob", "child false", "callback false", "toThread false");
    }
}
