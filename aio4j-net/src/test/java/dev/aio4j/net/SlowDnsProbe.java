package dev.aio4j.net;

import com.sun.net.httpserver.HttpServer;
import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Future;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.TimeoutError;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.spi.InetAddressResolverProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The program {@link SlowDnsTest} runs in a private network namespace whose resolv.conf names
 * 127.0.0.1: it serves DNS there with a 1 s delay, then resolves from tasks and prints what it
 * measured as {@code key=value} lines.
 */
public final class SlowDnsProbe {
    static final Duration DNS_DELAY = Duration.ofSeconds(1);
    static final List<String> NAMES = List.of("name-1.test", "name-2.test", "name-3.test", "name-4.test");
    private static final Duration BEAT = Duration.ofMillis(10);

    private SlowDnsProbe() {}

    public static void main(String[] args) throws Exception {
        Map<String, InetAddress> zone = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            zone.put(NAMES.get(i), address(11 + i));
        }
        zone.put("slow-name.test", address(1));
        zone.put("net-name.test", address(22));
        zone.put("cancel-me.test", address(23));
        for (int i = 1; i <= 4; i++) {
            zone.put("net-" + i + ".test", address(30 + i));
        }
        zone.put("timeout-me.test", address(24));
        // Addresses by number only: the first name lookup of this JVM happens inside a task.
        var dns = new SlowDnsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53), zone, DNS_DELAY);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://slow-name.test:" + http.getAddress().getPort() + "/");
        try {
            Aio.run(() -> {
                String mode = Aio.getRunningLoop().mode();
                print("mode", mode);
                print(
                        "provider",
                        ServiceLoader.load(InetAddressResolverProvider.class)
                                .findFirst()
                                .map(InetAddressResolverProvider::name)
                                .orElse("none"));
                concurrentLookups(client, uri);
                concurrentGetaddrinfo();
                if (mode.equals("carrier")) {
                    cancellation();
                }
                unknownNames();
            });
        } finally {
            http.stop(0);
            dns.close();
        }
    }

    /** 4 names, an HTTP request by host name and Net.getaddrinfo at once, with a heartbeat. */
    private static void concurrentLookups(HttpClient client, URI uri) {
        // Warm-up, so the heartbeat measures DNS and not class loading: the first lookup of this
        // JVM (which loads aio4j's resolver, from a task) and a first request by address.
        String port = uri.getPort() + "/";
        call(() -> InetAddress.getByName("localhost").getHostAddress());
        call(() -> client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        Heartbeat heartbeat = Heartbeat.start();
        long start = System.nanoTime();
        List<Task<String>> tasks = new ArrayList<>();
        for (String name : NAMES) {
            tasks.add(Aio.createTask(() -> InetAddress.getByName(name).getHostAddress()));
        }
        tasks.add(Aio.createTask(
                () -> client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                        .body()));
        tasks.add(Aio.createTask(
                () -> Net.getaddrinfo("net-name.test", 80).get(0).getAddress().getHostAddress()));
        Future<List<String>> all = Aio.gather(tasks.toArray(new Future[0]));
        List<String> results = all.await();
        long took = System.nanoTime() - start;
        long late = heartbeat.stop();
        for (int i = 0; i < NAMES.size(); i++) {
            print(NAMES.get(i), results.get(i));
        }
        print("http", results.get(NAMES.size()));
        print("getaddrinfo", results.get(NAMES.size() + 1));
        print("concurrent.millis", took / 1_000_000);
        print("heartbeat.maxLateMillis", late);
    }

    /** Net.getaddrinfo of 4 names at once: off the loop in both modes. */
    private static void concurrentGetaddrinfo() {
        Heartbeat heartbeat = Heartbeat.start();
        long start = System.nanoTime();
        List<Task<String>> tasks = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            String name = "net-" + i + ".test";
            tasks.add(Aio.createTask(
                    () -> Net.getaddrinfo(name, 80).get(0).getAddress().getHostAddress()));
        }
        Future<List<String>> all = Aio.gather(tasks.toArray(new Future[0]));
        List<String> results = all.await();
        long took = System.nanoTime() - start;
        print("getaddrinfo.results", String.join(",", results));
        print("getaddrinfo.millis", took / 1_000_000);
        print("getaddrinfo.heartbeat.maxLateMillis", heartbeat.stop());
    }

    /** A task that sleeps 10 ms over and over and records how late it wakes. */
    private record Heartbeat(Task<Void> task, long[] maxLateNanos, boolean[] stopped) {
        static Heartbeat start() {
            long[] maxLateNanos = {0};
            boolean[] stopped = {false};
            Task<Void> task = Aio.createTask(() -> {
                while (!stopped[0]) {
                    long before = System.nanoTime();
                    Aio.sleep(BEAT);
                    maxLateNanos[0] = Math.max(maxLateNanos[0], System.nanoTime() - before - BEAT.toNanos());
                }
            });
            Aio.sleep(Duration.ofMillis(50)); // the heartbeat is going
            return new Heartbeat(task, maxLateNanos, stopped);
        }

        /** Stops the heartbeat; returns its worst lateness in milliseconds. */
        long stop() {
            stopped[0] = true;
            task.await();
            return maxLateNanos[0] / 1_000_000;
        }
    }

    /** A lookup cancelled or timed out ends at once, and the name still resolves afterwards. */
    private static void cancellation() {
        Task<String> lookup =
                Aio.createTask(() -> InetAddress.getByName("cancel-me.test").getHostAddress());
        Aio.sleep(Duration.ofMillis(200));
        long start = System.nanoTime();
        lookup.cancel("enough");
        String outcome;
        try {
            outcome = "result " + lookup.await();
        } catch (CancelledError e) {
            outcome = "cancelled " + e.getMessage();
        }
        print("cancel.outcome", outcome);
        print("cancel.millis", (System.nanoTime() - start) / 1_000_000);

        start = System.nanoTime();
        try {
            outcome = Timeout.after(Duration.ofMillis(200), () -> InetAddress.getByName("timeout-me.test")
                    .getHostAddress());
        } catch (TimeoutError e) {
            outcome = "TimeoutError";
        }
        print("timeout.outcome", outcome);
        print("timeout.millis", (System.nanoTime() - start) / 1_000_000);

        // Not remembered as a failed lookup by the JDK's cache.
        print("cancel.later", call(() -> InetAddress.getByName("cancel-me.test").getHostAddress()));
    }

    /** An unknown name fails the same way inside a task and on a plain thread. */
    private static void unknownNames() throws Exception {
        CompletableFuture<String> outside = new CompletableFuture<>();
        Thread.ofPlatform()
                .start(() -> outside.complete(
                        call(() -> InetAddress.getByName("nowhere-1.test").toString())));
        print(
                "unknown.task",
                call(() -> InetAddress.getByName("nowhere-2.test").toString()).replace("nowhere-2", "nowhere-N"));
        print("unknown.thread", Aio.await(outside).replace("nowhere-1", "nowhere-N"));
    }

    private static String call(Callable<String> lookup) {
        try {
            return lookup.call();
        } catch (UnknownHostException e) {
            return "UnknownHostException: " + e.getMessage();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static InetAddress address(int last) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    private static void print(String key, Object value) {
        System.out.println(key + "=" + value);
        System.out.flush();
    }
}
