package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.TaskGroup;
import dev.aio4j.http.client.ClientError;
import dev.aio4j.http.client.ClientResponse;
import dev.aio4j.http.client.ClientTimeout;
import dev.aio4j.http.client.ClientTimeoutError;
import dev.aio4j.http.client.HttpSession;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A web scraper, the program asyncio's users write first (aiohttp, a {@code Semaphore(10)}, a
 * per-request timeout, {@code gather}): fetches a list of URLs with at most {@code --limit}
 * requests in flight, each bounded by {@code --timeout}, and with {@code --crawl N} follows the
 * links it finds on the same hosts up to N pages. A progress bar on one line, then a summary.
 *
 * <pre>
 *   ./aio4j example Scraper [--limit 10] [--timeout 5] [--crawl N] [--file urls.txt] [URL...]
 * </pre>
 *
 * <p>The limit is the session's ({@code HttpSession.builder().limit(n)}, aiohttp's
 * {@code TCPConnector(limit=n)}): requests wait for a slot before they are sent, and the
 * timeout starts when they have one.
 */
public final class Scraper {

    /** One request's outcome: a status, or an error ("timeout", "ClientConnectorError", ...). */
    public record Result(String url, int status, long bytes, long nanos, String error, int redirects) {
        boolean failed() {
            return error != null || status >= 400;
        }
    }

    private static final Pattern HREF = Pattern.compile("href=\"([^\"#]+)[^\"]*\"", Pattern.CASE_INSENSITIVE);

    private final HttpSession session;
    private final Duration timeout;
    private final int maxPages;
    private final Set<String> seen = new HashSet<>();
    private final Set<String> hosts = new HashSet<>();
    private final List<Result> results = new ArrayList<>();
    private TaskGroup group;
    private int maxInFlight;
    private int failed;
    private long startNanos;

    /**
     * @param maxPages with more than the seeds, links on the seeds' hosts are followed up to this many pages
     */
    public Scraper(HttpSession session, Duration timeout, int maxPages) {
        this.session = session;
        this.timeout = timeout;
        this.maxPages = maxPages;
    }

    /** Fetches the seeds (and what they link to, up to maxPages) in one task group; returns every outcome. */
    public List<Result> run(List<String> seeds, boolean progressBar) {
        startNanos = System.nanoTime();
        Task<Void> bar = progressBar
                ? Aio.createTask(() -> {
                    while (true) {
                        drawProgress();
                        Aio.sleep(Duration.ofMillis(100));
                    }
                })
                : null;
        try {
            TaskGroup.run(g -> {
                group = g;
                for (String s : seeds) {
                    hosts.add(URI.create(s).getHost());
                    enqueue(s);
                }
            });
        } finally {
            if (bar != null) {
                bar.cancel();
                drawProgress();
                System.out.println();
            }
        }
        return results;
    }

    private void enqueue(String url) {
        if (seen.size() < maxPages && seen.add(url)) {
            group.createTask(() -> fetch(url));
        }
    }

    private void fetch(String url) {
        long t0 = System.nanoTime();
        try (ClientResponse r = session.request("GET", url)
                .timeout(ClientTimeout.ofTotal(timeout))
                .send()) {
            maxInFlight = Math.max(maxInFlight, session.inFlight());
            byte[] body = r.bytes();
            long latency = System.nanoTime() - t0 - r.queued().toNanos(); // the wait for a slot is not latency
            record(new Result(
                    url, r.status(), body.length, latency, null, r.history().size()));
            if (r.status() == 200 && r.contentType().equals("text/html")) {
                for (String link : links(r.url(), new String(body, StandardCharsets.UTF_8))) {
                    enqueue(link);
                }
            }
        } catch (ClientTimeoutError e) {
            record(new Result(url, 0, 0, timeout.toNanos(), "timeout", 0));
        } catch (ClientError e) {
            record(new Result(url, 0, 0, System.nanoTime() - t0, e.getClass().getSimpleName(), 0));
        }
    }

    private void record(Result r) {
        results.add(r);
        if (r.failed()) {
            failed++;
        }
    }

    /** The http(s) links of {@code html} on the seeds' hosts, resolved against {@code base}. */
    private List<String> links(URI base, String html) {
        List<String> out = new ArrayList<>();
        Matcher m = HREF.matcher(html);
        while (m.find()) {
            try {
                URI u = base.resolve(m.group(1).trim());
                if ((u.getScheme().equals("http") || u.getScheme().equals("https")) && hosts.contains(u.getHost())) {
                    out.add(u.toString());
                }
            } catch (IllegalArgumentException | NullPointerException badLink) {
                // skip what does not parse
            }
        }
        return out;
    }

    private void drawProgress() {
        int done = results.size();
        int known = Math.max(seen.size(), 1);
        int width = 30;
        int filled = (int) ((long) width * done / known);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf(
                "\r   [%s%s] %4d/%-4d pages | in flight %3d | failed %4d | %6.1f req/s ",
                "#".repeat(filled),
                ".".repeat(width - filled),
                done,
                known,
                session.inFlight(),
                failed,
                seconds > 0 ? done / seconds : 0.0);
        System.out.flush();
    }

    /** The most requests the session had in flight at once. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Prints the summary table of {@code results}: statuses, timeouts, latency, time against one at a time. */
    public static void printSummary(List<Result> results, double seconds) {
        Map<String, Integer> outcomes = new TreeMap<>();
        long[] latencies = new long[results.size()];
        long sum = 0;
        int redirects = 0;
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            outcomes.merge(r.error() != null ? r.error() : "HTTP " + r.status(), 1, Integer::sum);
            latencies[i] = r.nanos();
            sum += r.nanos();
            redirects += r.redirects();
        }
        java.util.Arrays.sort(latencies);
        System.out.printf("   %-22s %6s%n", "outcome", "pages");
        outcomes.forEach((k, v) -> System.out.printf("   %-22s %6d%n", k, v));
        System.out.printf("   %-22s %6d%n", "(redirects followed)", redirects);
        if (latencies.length > 0) {
            System.out.printf(
                    "   latency: p50 %s, p99 %s, max %s (from the connection slot; a timeout counts as its deadline)%n",
                    ms(percentile(latencies, 50)), ms(percentile(latencies, 99)), ms(latencies[latencies.length - 1]));
        }
        System.out.printf(
                "   %d requests in %.2f s; one at a time they would take %.1f s (the sum of their latencies): %.1fx%n",
                results.size(), seconds, sum / 1e9, seconds > 0 ? sum / 1e9 / seconds : 0.0);
    }

    static long percentile(long[] sorted, int p) {
        int at = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, at))];
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%,.0f ms", nanos / 1e6);
    }

    public static void main(String[] args) throws IOException {
        int limit = 10;
        double timeoutSeconds = 10;
        int crawl = 0;
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--timeout" -> timeoutSeconds = Double.parseDouble(args[++i]);
                case "--crawl" -> crawl = Integer.parseInt(args[++i]);
                case "--file" ->
                    Files.readAllLines(Path.of(args[++i])).stream()
                            .map(String::trim)
                            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                            .forEach(urls::add);
                default -> urls.add(args[i]);
            }
        }
        if (urls.isEmpty()) {
            System.err.println(
                    "usage: Scraper [--limit N] [--timeout SECONDS] [--crawl PAGES] [--file urls.txt] [URL...]");
            System.exit(2);
        }
        int n = limit;
        Duration timeout = Duration.ofMillis((long) (timeoutSeconds * 1000));
        int maxPages = Math.max(crawl, urls.size());
        Aio.run(() -> {
            try (HttpSession session = HttpSession.builder().limit(n).build()) {
                Scraper scraper = new Scraper(session, timeout, maxPages);
                long start = System.nanoTime();
                List<Result> results = scraper.run(urls, true);
                double seconds = (System.nanoTime() - start) / 1e9;
                if (results.size() <= 30) {
                    for (Result r : results) {
                        System.out.printf(
                                "   %-8s %8d bytes %8s  %s%n",
                                r.error() != null ? r.error() : r.status(), r.bytes(), ms(r.nanos()), r.url());
                    }
                }
                printSummary(results, seconds);
                System.out.printf("   at most %d requests in flight (limit %d)%n", scraper.maxInFlight(), n);
            }
        });
    }
}
