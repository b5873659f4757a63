package dev.aio4j;

/** Runs code where a primitive bound to the test's loop must refuse it. */
public final class OtherLoop {
    private OtherLoop() {}

    /**
     * Runs {@code body} as the main task of a second loop, on a thread of its own (a loop's task
     * cannot start another loop), and returns what it threw, or null if it returned.
     */
    public static Throwable failureOn(CheckedRunnable body) {
        return Aio.toThread(() -> {
            try {
                Aio.run(body, RunOptions.defaults().withSigintHandling(false));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }

    /** Runs {@code body} on a plain thread that runs no loop, and returns what it threw, or null. */
    public static Throwable failureOffLoop(CheckedRunnable body) {
        return Aio.toThread(() -> {
            try {
                body.run();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }
}
