package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.net.ConnectOptions;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import dev.aio4j.sync.Held;
import dev.aio4j.sync.Semaphore;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Scans a range of TCP ports with many connection attempts at once, at most {@code --limit} in
 * flight (a Semaphore), each bounded by a connect timeout.
 *
 * <pre>
 *   ./aio4j example PortScanner --host 127.0.0.1 --from 1 --to 1024 --limit 200 --timeout-ms 500
 * </pre>
 */
public final class PortScanner {
    private PortScanner() {}

    /** What one port said. */
    enum Result {
        OPEN,
        CLOSED,
        FILTERED
    }

    public static void main(String[] args) {
        String host = EchoServer.option(args, "--host", "127.0.0.1");
        int from = Integer.parseInt(EchoServer.option(args, "--from", "1"));
        int to = Integer.parseInt(EchoServer.option(args, "--to", "1024"));
        int limit = Integer.parseInt(EchoServer.option(args, "--limit", "200"));
        Duration timeout = Duration.ofMillis(Long.parseLong(EchoServer.option(args, "--timeout-ms", "500")));
        Aio.run(() -> {
            long start = System.nanoTime();
            Semaphore inFlight = new Semaphore(limit);
            List<Task<Result>> probes = new ArrayList<>();
            for (int port = from; port <= to; port++) {
                int p = port;
                probes.add(Aio.createTask(() -> {
                    try (Held permit = inFlight.acquire()) {
                        return probe(host, p, timeout);
                    }
                }));
            }
            int open = 0;
            int filtered = 0;
            for (int i = 0; i < probes.size(); i++) {
                Result r = probes.get(i).await();
                if (r == Result.OPEN) {
                    open++;
                    System.out.println((from + i) + "/tcp open");
                } else if (r == Result.FILTERED) {
                    filtered++;
                }
            }
            System.out.printf(
                    "scanned %d ports of %s in %d ms: %d open, %d filtered%n",
                    probes.size(), host, (System.nanoTime() - start) / 1_000_000, open, filtered);
        });
    }

    static Result probe(String host, int port, Duration timeout) {
        try {
            Connection c =
                    Net.openConnection(host, port, ConnectOptions.defaults().withConnectTimeout(timeout));
            c.writer().transport().abort();
            return Result.OPEN;
        } catch (SocketTimeoutException e) {
            return Result.FILTERED;
        } catch (IOException e) {
            return Result.CLOSED;
        }
    }
}
