package dev.aio4j.bench.compare;

import com.sun.net.httpserver.HttpServer;
import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.http.client.HttpSession;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Java side of compare/http_client_bench.py: N GET requests with C in flight against one
 * local server, by C workers that each send N/C requests one after the other; prints one JSON
 * line with requests per second and the latency percentiles.
 *
 * <pre>
 *   java -cp benchmarks.jar dev.aio4j.bench.compare.HttpClientBench server
 *       (com.sun.net.httpserver with a virtual thread per request; prints "PORT n", stops when stdin closes)
 *   java [--add-opens java.base/java.lang=ALL-UNNAMED] -cp benchmarks.jar \
 *       dev.aio4j.bench.compare.HttpClientBench aio4j URL N C      (HttpSession, limit C)
 *   java -cp benchmarks.jar dev.aio4j.bench.compare.HttpClientBench threads URL N C
 *       (the JDK's HttpClient.send on C virtual threads)
 * </pre>
 *
 * <p>Each run warms up with N/5 requests the same way before the measured round.
 */
public final class HttpClientBench {

    private HttpClientBench() {}

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "server" -> server();
            case "aio4j" ->
                report(Aio.run(() -> {
                    String impl = Aio.getRunningLoop().mode().equals("carrier")
                            ? "aio4j HttpSession"
                            : "aio4j HttpSession (portable)";
                    int n = Integer.parseInt(args[2]);
                    int c = Integer.parseInt(args[3]);
                    try (HttpSession session = HttpSession.builder().limit(c).build()) {
                        aio4jRound(session, args[1], n / 5, c);
                        long start = System.nanoTime();
                        long[] latencies = aio4jRound(session, args[1], n, c);
                        return new Result(impl, n, c, System.nanoTime() - start, latencies);
                    }
                }));
            case "threads" -> {
                int n = Integer.parseInt(args[2]);
                int c = Integer.parseInt(args[3]);
                try (HttpClient client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()) {
                    threadRound(client, args[1], n / 5, c);
                    long start = System.nanoTime();
                    long[] latencies = threadRound(client, args[1], n, c);
                    report(new Result("HttpClient on virtual threads", n, c, System.nanoTime() - start, latencies));
                }
            }
            default -> {
                System.err.println("usage: HttpClientBench server | aio4j URL N C | threads URL N C");
                System.exit(2);
            }
        }
    }

    record Result(String impl, int n, int c, long nanos, long[] latencies) {}

    private static long[] aio4jRound(HttpSession session, String url, int n, int c) {
        long[] latencies = new long[n];
        List<Task<Void>> workers = new ArrayList<>();
        for (int w = 0; w < c; w++) {
            int first = w;
            workers.add(Aio.createTask(() -> {
                for (int i = first; i < n; i += c) {
                    long t0 = System.nanoTime();
                    session.get(url).bytes();
                    latencies[i] = System.nanoTime() - t0;
                }
            }));
        }
        for (Task<Void> t : workers) {
            t.await();
        }
        return latencies;
    }

    private static long[] threadRound(HttpClient client, String url, int n, int c) throws InterruptedException {
        long[] latencies = new long[n];
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < c; w++) {
            int first = w;
            workers.add(Thread.ofVirtual().start(() -> {
                for (int i = first; i < n; i += c) {
                    long t0 = System.nanoTime();
                    try {
                        client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    latencies[i] = System.nanoTime() - t0;
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        return latencies;
    }

    private static void report(Result r) {
        long[] l = r.latencies().clone();
        Arrays.sort(l);
        new Report(r.impl(), "http_client", r.n())
                .put("concurrency", r.c())
                .put("seconds", r.nanos() / 1e9)
                .put("rps", r.n() / (r.nanos() / 1e9))
                .put("p50_ms", l[l.length / 2] / 1e6)
                .put("p99_ms", l[(int) Math.min(l.length - 1, Math.ceil(l.length * 0.99) - 1)] / 1e6)
                .print();
    }

    /** A hello-world server: com.sun.net.httpserver, a virtual thread per request. */
    private static void server() throws IOException {
        byte[] hello = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, hello.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(hello);
            }
        });
        server.setExecutor(executor);
        server.start();
        System.out.println("PORT " + server.getAddress().getPort());
        System.out.flush();
        System.in.transferTo(OutputStream.nullOutputStream()); // until the runner closes stdin
        server.stop(0);
        executor.shutdownNow();
    }
}
