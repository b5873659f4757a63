package dev.aio4j.bench;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens event loops for benchmarks in a chosen mode, and refuses to measure the wrong one.
 *
 * <p>Benchmarks take the mode as a JMH parameter ({@code -p mode=carrier} or
 * {@code -p mode=portable}). Carrier mode needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}
 * in the forked JVM (the benchmarks' {@code @Fork} adds it); portable mode is forced with the
 * core's {@code aio4j.mode} property, which it reads each time a loop is created.
 */
public final class BenchLoops {

    /** The JVM arguments every aio4j benchmark fork gets: carrier mode possible, no banner. */
    public static final String OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";

    public static final String QUIET = "-Daio4j.quiet=true";

    private BenchLoops() {}

    /**
     * A new loop in {@code mode} ("carrier" or "portable").
     *
     * @throws IllegalStateException if the JVM cannot run that mode (carrier without --add-opens)
     */
    public static EventLoop open(String mode) {
        switch (mode) {
            case "portable" -> System.setProperty("aio4j.mode", "portable");
            case "carrier" -> System.clearProperty("aio4j.mode");
            default -> throw new IllegalArgumentException("mode not carrier or portable: " + mode);
        }
        EventLoop loop = EventLoop.newEventLoop();
        if (!loop.mode().equals(mode)) {
            loop.close();
            throw new IllegalStateException("asked for " + mode + " mode but the loop runs in " + loop.mode()
                    + " mode; carrier mode needs " + OPENS);
        }
        return loop;
    }

    /**
     * A loop in {@code mode} that runs ({@code runForever}) on its own thread until
     * {@link #close()}: benchmarks hand it batches with {@link #call}, so the loop is never stopped
     * and restarted between invocations.
     */
    public static Running start(String mode) {
        return new Running(open(mode));
    }

    /** A loop running on its own thread; see {@link #start}. */
    public static final class Running implements AutoCloseable {
        public final EventLoop loop;
        private final Thread thread;

        Running(EventLoop loop) {
            this.loop = loop;
            this.thread =
                    Thread.ofPlatform().name("bench-" + loop.mode() + "-loop").start(loop::runForever);
        }

        /** Runs {@code body} as a task of the loop, waits for it and returns its result. */
        public <T> T call(Callable<T> body) {
            return Aio.runCoroutineThreadsafe(loop, body).join();
        }

        /** Stops the loop, waits for its thread and closes it. */
        @Override
        public void close() {
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            loop.callSoonThreadsafe(() -> {
                loop.stop();
                stopped.complete(null);
            });
            try {
                stopped.get(10, TimeUnit.SECONDS);
                thread.join(10_000);
            } catch (Exception e) {
                throw new IllegalStateException("the benchmark loop did not stop: " + loop, e);
            }
            loop.close();
        }
    }
}
