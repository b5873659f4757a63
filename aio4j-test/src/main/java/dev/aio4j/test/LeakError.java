package dev.aio4j.test;

/**
 * A test left something behind: a pending task, an exception nobody handled, an open file
 * descriptor. Thrown by {@link AioExtension} after the test's last {@code @AfterEach}, so JUnit
 * fails the test that leaked (never a later one). The message lists every leak, where it came
 * from, and the {@link AioTest} attribute that relaxes the check.
 */
public final class LeakError extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** A leak, with what leaked. */
    public LeakError(String message) {
        super(message);
    }
}
