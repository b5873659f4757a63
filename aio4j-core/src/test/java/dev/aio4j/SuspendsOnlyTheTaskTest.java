package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The "suspends the task" rows of docs/BLOCKING.md: four JDK calls that each take about a second,
 * run by four tasks at once, take about a second in all (carrier mode), and a heartbeat task on
 * the same loop stays on time. Bounds are generous: the machine running the tests is shared.
 */
class SuspendsOnlyTheTaskTest {

    private static final long CALL_MILLIS = 1_000;
    /** Serial would be 4 s. */
    private static final long MAX_TOTAL_MILLIS = 2_500;
    /** Serial would make the heartbeat about a second late. */
    private static final long MAX_LATE_MILLIS = 400;

    /** A JDK call that returns after about {@link #CALL_MILLIS}. */
    interface Call {
        void run(int i) throws Exception;
    }

    record Outcome(long totalMillis, long heartbeatLateMillis) {}

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    /** Runs {@code call} in four tasks at once beside a heartbeat task that ticks every 10 ms. */
    static Outcome fourAtOnce(Call call) {
        AtomicLong maxLate = new AtomicLong();
        return runReal(() -> {
            Task<Void> heartbeat = Aio.createTask(
                    () -> {
                        while (true) {
                            long t0 = System.nanoTime();
                            Aio.sleep(Duration.ofMillis(10));
                            maxLate.accumulateAndGet(
                                    System.nanoTime() - t0 - TimeUnit.MILLISECONDS.toNanos(10), Math::max);
                        }
                    },
                    "heartbeat");
            long start = System.nanoTime();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                tasks.add(Aio.createTask(() -> call.run(n), "call-" + i));
            }
            for (Task<Void> t : tasks) {
                t.await();
            }
            long total = System.nanoTime() - start;
            Aio.sleep(Duration.ofMillis(50)); // the heartbeat's pending tick completes and is counted
            heartbeat.cancel();
            return new Outcome(TimeUnit.NANOSECONDS.toMillis(total), TimeUnit.NANOSECONDS.toMillis(maxLate.get()));
        });
    }

    static void assertSuspendsOnlyTheTask(Outcome o) {
        assertThat(o.totalMillis()).as("four 1 s calls at once, total ms").isLessThan(MAX_TOTAL_MILLIS);
        assertThat(o.heartbeatLateMillis()).as("heartbeat lateness, ms").isLessThan(MAX_LATE_MILLIS);
    }

    private static void carrierModeOnly() {
        assumeTrue(
                TestSupport.carrierMode(),
                "portable mode: the call holds the baton, so the four run one after"
                        + " another (pinned down by jdkCallsRunOneAtATimeInPortableMode)");
    }

    @Test
    void threadSleep() {
        carrierModeOnly();
        assertSuspendsOnlyTheTask(fourAtOnce(i -> Thread.sleep(CALL_MILLIS)));
    }

    @Test
    void jdkCallsRunOneAtATimeInPortableMode() {
        assumeTrue(!TestSupport.carrierMode(), "carrier mode: threadSleep and the other tests of this class");
        Outcome o = fourAtOnce(i -> Thread.sleep(CALL_MILLIS));
        assertThat(o.totalMillis()).as("four 1 s sleeps, total ms").isGreaterThanOrEqualTo(4 * CALL_MILLIS - 50);
        assertThat(o.heartbeatLateMillis()).as("heartbeat lateness, ms").isGreaterThanOrEqualTo(CALL_MILLIS - 50);
    }

    @Test
    void socketRead() throws IOException {
        carrierModeOnly();
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        Thread.ofPlatform().daemon(true).start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofPlatform().daemon(true).start(() -> {
                        try (s;
                                OutputStream out = s.getOutputStream()) {
                            Thread.sleep(CALL_MILLIS); // answers after a second
                            out.write('x');
                        } catch (IOException | InterruptedException ignored) {
                            // the test is over
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        assertSuspendsOnlyTheTask(fourAtOnce(i -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                InputStream in = s.getInputStream();
                assertThat(in.read()).isEqualTo('x');
            }
        }));
    }

    @Test
    void httpClientSendToAnIpAddress() throws IOException {
        carrierModeOnly();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try {
                Thread.sleep(CALL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "ok".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        HttpClient client = HttpClient.newHttpClient();
        cleanup.add(() -> {
            server.stop(0);
            client.close();
        });
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        try {
            // One request from the test's thread first: the client's classes initialise outside the
            // loop (class initialisation inside a task holds the loop; that is another row).
            client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertSuspendsOnlyTheTask(fourAtOnce(i -> {
            HttpResponse<String> r =
                    client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("ok");
        }));
    }

    @Test
    void javaUtilConcurrentLock() {
        carrierModeOnly();
        List<ReentrantLock> locks =
                List.of(new ReentrantLock(), new ReentrantLock(), new ReentrantLock(), new ReentrantLock());
        holdFromOtherThreads(locks, lock -> lock.lock(), ReentrantLock::unlock);
        assertSuspendsOnlyTheTask(fourAtOnce(i -> {
            locks.get(i).lock(); // held by a platform thread for a second
            locks.get(i).unlock();
        }));
    }

    @Test
    void contendedMonitor() {
        carrierModeOnly();
        List<Object> monitors = List.of(new Object(), new Object(), new Object(), new Object());
        // Each monitor is entered by a platform thread that keeps it for a second.
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(4);
        for (Object m : monitors) {
            Thread.ofPlatform().daemon(true).start(() -> {
                synchronized (m) {
                    held.countDown();
                    sleepQuietly(CALL_MILLIS + 100);
                }
            });
        }
        awaitQuietly(held);
        assertSuspendsOnlyTheTask(fourAtOnce(i -> {
            synchronized (monitors.get(i)) {
                monitors.get(i).notifyAll();
            }
        }));
    }

    @Test
    void processWaitFor() {
        carrierModeOnly();
        assertSuspendsOnlyTheTask(fourAtOnce(i -> {
            Process p = new ProcessBuilder("sleep", "1").start();
            assertThat(p.waitFor()).isZero();
        }));
    }

    /** Makes platform threads take each lock and keep it for a bit over a second. */
    private static <L> void holdFromOtherThreads(
            List<L> locks, java.util.function.Consumer<L> take, java.util.function.Consumer<L> give) {
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(locks.size());
        for (L l : locks) {
            Thread.ofPlatform().daemon(true).start(() -> {
                take.accept(l);
                try {
                    held.countDown();
                    sleepQuietly(CALL_MILLIS + 100);
                } finally {
                    give.accept(l);
                }
            });
        }
        awaitQuietly(held);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
