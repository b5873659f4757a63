package dev.aio4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Small helpers shared by the core's tests. */
final class TestSupport {
    private TestSupport() {}

    /** Options for a run on virtual time that jumps whenever every task waits. */
    static RunOptions virtualTime() {
        return RunOptions.defaults().withClock(VirtualClock.autojump()).withSigintHandling(false);
    }

    /** Runs {@code body} on virtual time. */
    static <T> T runVirtual(Callable<T> body) {
        return Aio.run(body, virtualTime());
    }

    /** Runs {@code body} on the real clock, without touching SIGINT. */
    static <T> T runReal(Callable<T> body) {
        return Aio.run(body, RunOptions.defaults().withSigintHandling(false));
    }

    /** Runs {@code body} and returns the messages logged meanwhile to the \"dev.aio4j\" logger. */
    static List<String> captureLog(Runnable body) {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.aio4j");
        List<String> messages = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                messages.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(h);
        try {
            body.run();
        } finally {
            jul.removeHandler(h);
        }
        return new ArrayList<>(messages);
    }

    /** Keeps the current thread busy, without waiting, for {@code millis}. */
    static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    static boolean carrierMode() {
        return EventLoopHolder.MODE.equals("carrier");
    }

    static void yieldNow() {
        Aio.sleep(Duration.ZERO);
    }

    private static final class EventLoopHolder {
        static final String MODE = dev.aio4j.internal.Schedulers.mode();
    }
}
