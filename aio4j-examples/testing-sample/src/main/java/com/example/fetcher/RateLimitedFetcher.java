package com.example.fetcher;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.sync.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches many URLs through a {@link Source} without overloading it: at most {@code perSecond}
 * requests start in any second, at most {@code concurrency} run at once, and each one gets
 * {@code timeout} before it counts as failed.
 */
public final class RateLimitedFetcher {

    /** Where the bytes come from (an HTTP client in production, a fake in tests). */
    @FunctionalInterface
    public interface Source {
        String fetch(String url) throws Exception;
    }

    /** One URL's outcome: its body, or the reason it failed. */
    public record Result(String url, String body, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private final Source source;
    private final Duration spacing;
    private final Semaphore running;
    private final Duration timeout;
    private long nextStartNanos = Long.MIN_VALUE;

    public RateLimitedFetcher(Source source, int perSecond, int concurrency, Duration timeout) {
        if (perSecond <= 0 || concurrency <= 0) {
            throw new IllegalArgumentException(
                    "perSecond and concurrency must be > 0: " + perSecond + ", " + concurrency);
        }
        this.source = source;
        this.spacing = Duration.ofSeconds(1).dividedBy(perSecond);
        this.running = new Semaphore(concurrency);
        this.timeout = timeout;
    }

    /** Fetches every URL and returns the results in the order of {@code urls}. */
    public List<Result> fetchAll(List<String> urls) {
        List<Task<Result>> tasks = new ArrayList<>();
        for (String url : urls) {
            tasks.add(Aio.createTask(() -> fetchOne(url), "fetch " + url));
        }
        List<Result> results = new ArrayList<>();
        for (Task<Result> t : tasks) {
            results.add(t.await());
        }
        return results;
    }

    private Result fetchOne(String url) {
        try (var permit = running.acquire()) {
            waitForMyTurn();
            return new Result(url, Timeout.after(timeout, () -> source.fetch(url)), null);
        } catch (dev.aio4j.TimeoutError e) {
            return new Result(url, null, "timed out after " + timeout.toMillis() + " ms");
        } catch (Exception e) {
            return new Result(url, null, e.toString());
        }
    }

    /** Spaces request starts {@code spacing} apart, in loop time. */
    private void waitForMyTurn() {
        long now = Aio.getRunningLoop().nanoTime();
        long start = Math.max(now, nextStartNanos);
        nextStartNanos = start + spacing.toNanos();
        if (start > now) {
            Aio.sleep(Duration.ofNanos(start - now));
        }
    }
}
