package com.example.fetcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Aio;
import dev.aio4j.test.AioTest;
import dev.aio4j.test.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The fetcher on virtual time: rates, concurrency and timeouts checked to the nanosecond, and
 * the whole class runs in milliseconds although it "waits" for minutes.
 */
@AioTest(virtualTime = true)
class RateLimitedFetcherTest {

    private static List<String> urls(int n) {
        return IntStream.range(0, n).mapToObj(i -> "https://example.com/" + i).toList();
    }

    @Test
    void startsAtMostTheAllowedNumberOfRequestsPerSecond(TestClock clock) {
        List<Duration> starts = new ArrayList<>();
        RateLimitedFetcher fetcher = new RateLimitedFetcher(
                url -> {
                    starts.add(clock.elapsed());
                    return "body of " + url;
                },
                2,
                10,
                Duration.ofSeconds(5));

        List<RateLimitedFetcher.Result> results = fetcher.fetchAll(urls(6));

        assertEquals(6, results.size());
        assertTrue(results.stream().allMatch(RateLimitedFetcher.Result::ok));
        assertEquals(
                List.of(
                        Duration.ZERO,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1),
                        Duration.ofMillis(1500),
                        Duration.ofSeconds(2),
                        Duration.ofMillis(2500)),
                starts);
    }

    @Test
    void neverRunsMoreThanTheConcurrencyLimitAtOnce() {
        int[] running = {0, 0};
        RateLimitedFetcher fetcher = new RateLimitedFetcher(
                url -> {
                    running[0]++;
                    running[1] = Math.max(running[1], running[0]);
                    Aio.sleep(Duration.ofSeconds(3)); // a slow server
                    running[0]--;
                    return "ok";
                },
                100,
                3,
                Duration.ofSeconds(10));

        fetcher.fetchAll(urls(20));

        assertEquals(3, running[1]);
    }

    @Test
    void aSlowSourceTimesOutInVirtualTime(TestClock clock) {
        RateLimitedFetcher fetcher = new RateLimitedFetcher(
                url -> {
                    Aio.sleep(url.endsWith("/1") ? Duration.ofHours(1) : Duration.ofMillis(10));
                    return "ok";
                },
                10,
                10,
                Duration.ofSeconds(30));

        List<RateLimitedFetcher.Result> results = fetcher.fetchAll(urls(3));

        assertTrue(results.get(0).ok());
        assertEquals("timed out after 30000 ms", results.get(1).error());
        assertTrue(results.get(2).ok());
        assertEquals(Duration.ofMillis(100).plusSeconds(30), clock.elapsed()); // started 100 ms in
    }
}
