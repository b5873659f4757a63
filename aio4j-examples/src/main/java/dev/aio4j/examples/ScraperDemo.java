package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.http.client.HttpSession;
import java.time.Duration;
import java.util.List;

/**
 * The demo's opening: the {@link Scraper} crawls an embedded {@link DemoSite} of a few hundred
 * pages with a session limited to 10 requests in flight and a one-second timeout per request,
 * with a live progress bar, then a summary of what happened, the site's own count of requests
 * in flight at once, and the time against one request at a time.
 */
final class ScraperDemo {
    private ScraperDemo() {}

    static final int PAGES = 400;
    static final int LIMIT = 10;
    static final Duration TIMEOUT = Duration.ofSeconds(1);

    static void run() throws Exception {
        try (DemoSite site = new DemoSite(PAGES, 2024, 4000)) {
            System.out.printf(
                    "0. a web scraper: %d pages on %s (random delays, %d slow beyond the timeout, %d failing with 500, %d redirects)%n",
                    site.pages(),
                    site.url(),
                    site.count(DemoSite.Kind.SLOW),
                    site.count(DemoSite.Kind.ERROR),
                    site.count(DemoSite.Kind.REDIRECT));
            System.out.printf(
                    "   crawled by an HttpSession with limit %d and a %d s timeout per request, in one TaskGroup%n",
                    LIMIT, TIMEOUT.toSeconds());
            Aio.run(() -> {
                try (HttpSession session = HttpSession.builder().limit(LIMIT).build()) {
                    session.get(site.url()).text(); // warm up: a cold JVM loads the HTTP classes in the first request
                    Scraper scraper = new Scraper(session, TIMEOUT, PAGES * 2);
                    long start = System.nanoTime();
                    List<Scraper.Result> results = scraper.run(List.of(site.url()), true);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Scraper.printSummary(results, seconds);
                    System.out.printf(
                            "   requests in flight at once: at most %d at the client (limit %d); the site served at most %d%n",
                            scraper.maxInFlight(), LIMIT, site.maxInFlight());
                    if (site.maxInFlight() > LIMIT) {
                        System.out.printf(
                                "   (the site counts a slow page until its next write fails, a few ms after the client gave up on it)%n");
                    }
                }
            });
        }
        System.out.println();
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}
