package dev.aio4j.test;

import dev.aio4j.EventLoop;
import dev.aio4j.test.internal.Settings;
import dev.aio4j.test.internal.TestLoop;
import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * The JUnit Jupiter extension behind {@link AioTest}: a fresh loop per test, the test's methods
 * as main tasks of that loop, a real-time limit with a task dump, leak checks, and parameters of
 * type {@link EventLoop} and {@link TestClock}. Register it with {@code @AioTest} (which also
 * carries the settings) or {@code @ExtendWith(AioExtension.class)} (defaults).
 *
 * <p>Works in both of aio4j's modes, whichever the JVM allows (carrier mode needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}); docs/testing.md shows how to run a suite
 * in both.
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   beforeEach callback: new TestLoop (fd snapshot, Runner, task tracker, exception hook)
 *   each @BeforeEach, the test, each @AfterEach: intercepted, run as runner.run(...) with a limit
 *   afterEach callback: settle, leak checks, close; a leak throws LeakError here, so JUnit
 *                       fails this test and no later one
 * </pre>
 *
 * <p>The TestLoop lives in the method-level store of the extension context, so nested and
 * parameterized tests each get their own; one extension instance serves every test and keeps no
 * state of its own. The file-descriptor check is skipped when JUnit runs tests in parallel
 * (another test's sockets would look like this one's).
 */
public final class AioExtension
        implements BeforeEachCallback, AfterEachCallback, InvocationInterceptor, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AioExtension.class);
    private static final String KEY = "loop";

    /** Made by JUnit, through {@link AioTest} or {@code @ExtendWith}. */
    public AioExtension() {}

    @Override
    public void beforeEach(ExtensionContext context) {
        Settings settings = Settings.of(context.getRequiredTestClass(), context.getTestMethod());
        boolean parallel = context.getConfigurationParameter("junit.jupiter.execution.parallel.enabled")
                .map(Boolean::parseBoolean)
                .orElse(false);
        TestLoop loop = new TestLoop(testName(context), settings, !parallel);
        context.getStore(NAMESPACE).put(KEY, loop);
    }

    /** "GreeterTest.greets()", or "GreeterTest.greets [2] Ada" for an invocation of a template. */
    private static String testName(ExtensionContext context) {
        String cls = context.getRequiredTestClass().getSimpleName();
        String display = context.getDisplayName();
        return context.getTestMethod()
                .map(m -> cls + "." + (display.startsWith(m.getName() + "(") ? display : m.getName() + " " + display))
                .orElse(cls + " " + display);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        TestLoop loop = context.getStore(NAMESPACE).remove(KEY, TestLoop.class);
        if (loop == null) {
            return;
        }
        String leaks;
        try {
            leaks = loop.finish();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (leaks != null) {
            throw new LeakError(leaks);
        }
    }

    // ------------------------------------------------------------------ running on the loop

    @Override
    public void interceptBeforeEachMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext context)
            throws Throwable {
        onLoop(invocation, invocationContext, context);
    }

    @Override
    public void interceptTestMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext context)
            throws Throwable {
        onLoop(invocation, invocationContext, context);
    }

    @Override
    public void interceptTestTemplateMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext context)
            throws Throwable {
        onLoop(invocation, invocationContext, context);
    }

    @Override
    public void interceptAfterEachMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext context)
            throws Throwable {
        onLoop(invocation, invocationContext, context);
    }

    @Override
    public <T> T interceptTestFactoryMethod(
            Invocation<T> invocation, ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context) {
        invocation.skip();
        throw new ExtensionConfigurationException(
                "@TestFactory methods do not run on a loop with " + AioExtension.class.getSimpleName()
                        + ": their dynamic tests have no per-test lifecycle; write @Test or @ParameterizedTest methods instead");
    }

    @Override
    public void interceptDynamicTest(
            Invocation<Void> invocation, DynamicTestInvocationContext invocationContext, ExtensionContext context)
            throws Throwable {
        invocation.proceed();
    }

    private static void onLoop(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext context)
            throws Throwable {
        Method m = invocationContext.getExecutable();
        testLoop(context).run(invocation::proceed, m.getDeclaringClass().getSimpleName() + "." + m.getName() + "()");
    }

    private static TestLoop testLoop(ExtensionContext context) {
        TestLoop loop = context.getStore(NAMESPACE).get(KEY, TestLoop.class);
        if (loop == null) {
            throw new ExtensionConfigurationException("no aio4j loop for " + context.getDisplayName()
                    + ": AioExtension runs test and @BeforeEach/@AfterEach methods only");
        }
        return loop;
    }

    // ------------------------------------------------------------------ parameters

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == EventLoop.class || type == TestClock.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        TestLoop loop = extensionContext.getStore(NAMESPACE).get(KEY, TestLoop.class);
        if (loop == null) {
            throw new ParameterResolutionException(
                    "a " + parameterContext.getParameter().getType().getSimpleName()
                            + " parameter exists only in test and @BeforeEach/@AfterEach methods of an @AioTest"
                            + " (there is one loop per test; @BeforeAll/@AfterAll and constructors run before it exists)");
        }
        if (parameterContext.getParameter().getType() == EventLoop.class) {
            return loop.loop();
        }
        return extensionContext
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent("clock", k -> new TestClock(loop.loop(), loop.startNanos()), TestClock.class);
    }
}
