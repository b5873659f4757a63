package dev.aio4j.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * <p>Served by the JDK's {@code com.sun.net.httpserver} with a virtual thread per request; a
 * small class so that aio4j's own HTTP server can take its place.
 */
final class DemoSite implements AutoCloseable {

    /** What a page does. */
    enum Kind { NORMAL, SLOW, ERROR, REDIRECT }

    private final int pages;
    private final Kind[] kinds;
    private final int[] delaysMs;
    private final int[][] links;
    private final int[] redirectTo;
    private final int slowMs;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
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
            kinds[i] = i < 10 ? Kind.NORMAL : roll < 5 ? Kind.SLOW : roll < 11 ? Kind.ERROR : roll < 17 ? Kind.REDIRECT : Kind.NORMAL;
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
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The site's root URL, which links to the first pages. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
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

    private void handle(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        requests.incrementAndGet();
        try {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/")) {
                int[] first = new int[Math.min(10, pages)];
                for (int i = 0; i < first.length; i++) {
                    first[i] = i;
                }
                send(exchange, 200, html("index", first));
                return;
            }
            int page = path.startsWith("/page/") ? parse(path.substring(6)) : -1;
            if (page < 0 || page >= pages) {
                pause(20);
                send(exchange, 404, "<html><body>no such page</body></html>");
                return;
            }
            switch (kinds[page]) {
                case SLOW -> trickle(exchange, page);
                case ERROR -> {
                    pause(delaysMs[page]);
                    send(exchange, 500, "<html><body>internal error</body></html>");
                }
                case REDIRECT -> {
                    pause(delaysMs[page] / 4);
                    exchange.getResponseHeaders().set("Location", "/page/" + redirectTo[page]);
                    exchange.sendResponseHeaders(302, -1);
                }
                case NORMAL -> {
                    pause(delaysMs[page]);
                    send(exchange, 200, html("page " + page, links[page]));
                }
            }
        } catch (IOException clientGone) {
            // the client gave up (timed out): nothing to do
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    /** Headers now, then a byte every few milliseconds: a write fails soon after the client leaves. */
    private void trickle(HttpExchange exchange, int page) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        long end = System.nanoTime() + slowMs * 1_000_000L;
        while (System.nanoTime() < end) {
            out.write(' ');
            out.flush();
            pause(5);
        }
        out.write(html("slow page " + page, links[page]).getBytes(StandardCharsets.UTF_8));
        out.close();
    }

    private static void send(HttpExchange exchange, int status, String html) throws IOException {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String html(String title, int[] to) {
        StringBuilder sb = new StringBuilder("<html><head><title>").append(title).append("</title></head><body><h1>")
                .append(title).append("</h1><ul>");
        for (int t : to) {
            sb.append("<li><a href=\"/page/").append(t).append("\">page ").append(t).append("</a></li>");
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

    private static void pause(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
