package dev.aio4j.test.internal;

import dev.aio4j.test.AioTest;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The {@link AioTest} attributes in force for one test: the class's (outermost enclosing class
 * first), then the method's; an attribute set to a value other than its default wins.
 */
public record Settings(
        boolean virtualTime,
        long timeoutSeconds,
        boolean allowPendingTasks,
        boolean allowUnhandledExceptions,
        boolean allowOpenFiles,
        boolean debug,
        boolean recordTaskCreation) {

    private static final Settings DEFAULTS = new Settings(false, 60, false, false, false, false, true);

    public Settings {
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("@AioTest(timeoutSeconds) <= 0: " + timeoutSeconds);
        }
    }

    /** The settings for {@code method} of {@code testClass}. */
    public static Settings of(Class<?> testClass, Optional<Method> method) {
        List<AioTest> found = new ArrayList<>();
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            AnnotationSupport.findAnnotation(c, AioTest.class).ifPresent(a -> found.add(0, a));
        }
        method.flatMap(m -> AnnotationSupport.findAnnotation(m, AioTest.class)).ifPresent(found::add);
        Settings s = DEFAULTS;
        for (AioTest a : found) {
            s = s.with(a);
        }
        return s;
    }

    private Settings with(AioTest a) {
        return new Settings(
                a.virtualTime() != DEFAULTS.virtualTime ? a.virtualTime() : virtualTime,
                a.timeoutSeconds() != DEFAULTS.timeoutSeconds ? a.timeoutSeconds() : timeoutSeconds,
                a.allowPendingTasks() != DEFAULTS.allowPendingTasks ? a.allowPendingTasks() : allowPendingTasks,
                a.allowUnhandledExceptions() != DEFAULTS.allowUnhandledExceptions
                        ? a.allowUnhandledExceptions()
                        : allowUnhandledExceptions,
                a.allowOpenFiles() != DEFAULTS.allowOpenFiles ? a.allowOpenFiles() : allowOpenFiles,
                a.debug() != DEFAULTS.debug ? a.debug() : debug,
                a.recordTaskCreation() != DEFAULTS.recordTaskCreation ? a.recordTaskCreation() : recordTaskCreation);
    }
}
