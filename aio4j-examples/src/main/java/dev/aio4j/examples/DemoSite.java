package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.http.server.HttpServer;
import dev.aio4j.http.server.Request;
import dev.aio4j.http.server.Response;
import dev.aio4j.http.server.Router;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A made-up web site on 127.0.0.1 for the scraper demo: {@code pages} HTML pages that link to
 * each other, each answered after a random delay; some are slow (far beyond a scraper's
 * timeout), some fail with 500, some redirect, some link to pages that do not exist. The same
 * seed gives the same site.
 *
 * <p>It counts the requests it is serving at once, so the demo can show the scraper's limit
 * from the server's side. A slow page sends its headers at once and then trickles its body, so
 * that a client that gave up is noticed at the next write (a few milliseconds) and stops
 * counting.
 *
 * <p>Served by aio4j's {@link HttpServer} on a loop of its own (a thread started here), so the
 * site and the scraper are two programs that share only 127.0.0.1: each request's handler is a
 * task, its delay an {@code Aio.sleep}.
 */
final class DemoSite implements AutoCloseable {

    /** What a page does. */
    enum Kind {
        NORMAL,
        SLOW,
        ERROR,
        REDIRECT
    }

    private final int pages;
    private final Kind[] kinds;
    private final int[] delaysMs;
    private final int[][] links;
    private final int[] redirectTo;
    private final int slowMs;
    private final Thread thread;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final CompletableFuture<Void> stop = new CompletableFuture<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    /**
     * Starts the site on a free port of 127.0.0.1.
     *
     * @param slowMs how long a slow page takes
     */
    DemoSite(int pages, long seed, int slowMs) throws IOException {
        this.pages = pages;
        this.slowMs = slowMs;
        SplittableRandom random = new SplittableRandom(seed);
        kinds = new Kind[pages];
        delaysMs = new int[pages];
        links = new int[pages][];
        redirectTo = new int[pages];
        for (int i = 0; i < pages; i++) {
            int roll = random.nextInt(100);
            kinds[i] = i < 10
                    ? Kind.NORMAL
                    : roll < 5 ? Kind.SLOW : roll < 11 ? Kind.ERROR : roll < 17 ? Kind.REDIRECT : Kind.NORMAL;
            delaysMs[i] = 5 + random.nextInt(115);
            int n = 3 + random.nextInt(4);
            links[i] = new int[n + 1];
            links[i][0] = (i + 1) % pages; // a chain, so that every page can be reached
            for (int k = 1; k <= n; k++) {
                // now and then a link to a page that does not exist: a 404
                links[i][k] = random.nextInt(40) == 0 ? pages + random.nextInt(1000) : random.nextInt(pages);
            }
        }
        for (int i = 0; i < pages; i++) { // a redirect leads to an ordinary page: no loops
            int to = random.nextInt(pages);
            while (kinds[to] != Kind.NORMAL) {
                to = (to + 1) % pages;
            }
            redirectTo[i] = to;
        }
        Router router =
                new Router().get("/", this::index).get("/page/{n}", this::page).get("/{rest...}", this::missing);
        thread = Thread.ofPlatform()
                .name("demo-site")
                .daemon()
                .start(() -> Aio.run(() -> {
                    try {
                        HttpServer server = HttpServer.start(router, "127.0.0.1", 0);
                        port.complete(server.port());
                        try {
                            Aio.await(stop); // until close()
                        } finally {
                            server.shutdown(Duration.ofMillis(200));
                        }
                    } catch (Throwable e) {
                        port.completeExceptionally(e);
                        throw e;
                    }
                }));
        try {
            port.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IOException("the demo site did not start", e);
        }
    }

    /** The site's root URL, which links to the first pages. */
    String url() {
        return "http://127.0.0.1:" + port.join() + "/";
    }

    int pages() {
        return pages;
    }

    /** How many pages are of {@code kind}. */
    int count(Kind kind) {
        int n = 0;
        for (Kind k : kinds) {
            n += k == kind ? 1 : 0;
        }
        return n;
    }

    /** The most requests the site was serving at once. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    /** Requests served so far. */
    int requests() {
        return requests.get();
    }

    private void arrived() {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        requests.incrementAndGet();
    }

    private Response index(Request request) {
        arrived();
        int[] first = new int[Math.min(10, pages)];
        for (int i = 0; i < first.length; i++) {
            first[i] = i;
        }
        inFlight.decrementAndGet();
        return Response.html(html("index", first));
    }

    private Response missing(Request request) {
        arrived();
        try {
            Aio.sleep(Duration.ofMillis(20));
            return Response.html("<html><body>no such page</body></html>").status(404);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private Response page(Request request) {
        arrived();
        boolean streaming = false;
        try {
            int page = parse(request.pathParam("n"));
            if (page < 0 || page >= pages) {
                Aio.sleep(Duration.ofMillis(20));
                return Response.html("<html><body>no such page</body></html>").status(404);
            }
            switch (kinds[page]) {
                case SLOW -> {
                    streaming = true; // counted until the body ends or the client is found gone
                    return Response.stream("text/html; charset=utf-8", out -> trickle(out, page));
                }
                case ERROR -> {
                    Aio.sleep(Duration.ofMillis(delaysMs[page]));
                    return Response.html("<html><body>internal error</body></html>")
                            .status(500);
                }
                case REDIRECT -> {
                    Aio.sleep(Duration.ofMillis(delaysMs[page] / 4));
                    return Response.redirect("/page/" + redirectTo[page]);
                }
                default -> {
                    Aio.sleep(Duration.ofMillis(delaysMs[page]));
                    return Response.html(html("page " + page, links[page]));
                }
            }
        } finally {
            if (!streaming) {
                inFlight.decrementAndGet();
            }
        }
    }

    /** A byte every few milliseconds: a write fails soon after the client leaves. */
    private void trickle(OutputStream out, int page) throws IOException {
        try {
            long end = System.nanoTime() + slowMs * 1_000_000L;
            while (System.nanoTime() < end) {
                out.write(' ');
                out.flush();
                Aio.sleep(Duration.ofMillis(5));
            }
            out.write(html("slow page " + page, links[page]).getBytes(StandardCharsets.UTF_8));
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static String html(String title, int[] to) {
        StringBuilder sb = new StringBuilder("<html><head><title>")
                .append(title)
                .append("</title></head><body><h1>")
                .append(title)
                .append("</h1><ul>");
        for (int t : to) {
            sb.append("<li><a href=\"/page/")
                    .append(t)
                    .append("\">page ")
                    .append(t)
                    .append("</a></li>");
        }
        return sb.append("</ul></body></html>").toString();
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Stops the server (a short grace for requests in progress) and its loop. */
    @Override
    public void close() {
        stop.complete(null);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
