package dev.aio4j.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs each test on a fresh aio4j event loop (pytest-asyncio's {@code @pytest.mark.asyncio},
 * kotlinx-coroutines-test's {@code runTest}). Put it on a test class or a test method; the
 * methods still carry {@code @Test} (or {@code @ParameterizedTest}, {@code @RepeatedTest}).
 *
 * <pre>{@code
 * @AioTest(virtualTime = true)
 * class RetryTest {
 *     @Test
 *     void givesUpAfterThreeAttempts(TestClock clock) {
 *         assertThrows(IOException.class, () -> Retry.call(3, Duration.ofMinutes(1), flaky));
 *         assertEquals(Duration.ofMinutes(2), clock.elapsed()); // in microseconds of real time
 *     }
 * }
 * }</pre>
 *
 * <p>What it does, for every test: makes a new loop, runs each {@code @BeforeEach} method, the
 * test method and each {@code @AfterEach} method as the main task of that loop (one after
 * another on the same loop, so a fixture started in {@code @BeforeEach} keeps running during
 * the test), then checks for leaks and closes the loop. There is exactly one loop scope, the
 * test: {@code @BeforeAll}/{@code @AfterAll} methods and {@code @TestFactory} tests do not run on
 * a loop. Test and lifecycle methods may declare parameters of type {@link dev.aio4j.EventLoop}
 * and {@link TestClock}.
 *
 * <p>Leak checks (each failure names the test that leaked and the attribute that relaxes the
 * check): a task still pending when the last {@code @AfterEach} returns; an exception that
 * reached the loop's exception handler, or that a task ended with and nobody retrieved; a file
 * descriptor (socket, server, pipe, file) open after the loop closed that was not open before
 * the test.
 *
 * <p>A test method's annotation adds to its class's: attributes the method sets to a value
 * other than the default win, the others come from the class (and its enclosing classes).
 *
 * <p>Also usable as {@code @ExtendWith(AioExtension.class)}, with every attribute at its default.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(AioExtension.class)
public @interface AioTest {

    /**
     * Runs the loop on a {@link dev.aio4j.VirtualClock} with autojump: whenever every task
     * waits, time jumps to the next timer, so an hour of {@code Aio.sleep} takes microseconds and
     * timeouts fire in virtual time. Default: the real clock.
     */
    boolean virtualTime() default false;

    /**
     * How long, in real seconds, each of the test's methods ({@code @BeforeEach}, the test,
     * {@code @AfterEach}) may run before the test fails with a dump of every task.
     */
    long timeoutSeconds() default 60;

    /** Lets tasks still be pending when the test ends; they are cancelled, as {@code Aio.run} does. */
    boolean allowPendingTasks() default false;

    /**
     * Lets exceptions reach the loop's exception handler, and tasks end with exceptions nobody
     * retrieves, without failing the test; they are logged as usual.
     */
    boolean allowUnhandledExceptions() default false;

    /** Lets the test leave file descriptors (sockets, servers, pipes, files) open. */
    boolean allowOpenFiles() default false;

    /** Runs the loop in debug mode (slow-step warnings naming the task, wrong-thread checks). */
    boolean debug() default false;

    /**
     * Records where each task was created, for the pending-task and timeout reports (a short
     * stack walk per task; turn it off for tests that create millions of tasks).
     */
    boolean recordTaskCreation() default true;
}
