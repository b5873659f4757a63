package dev.aio4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Future;
import dev.aio4j.RunOptions;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.queue.Queue;
import dev.aio4j.sync.Event;
import dev.aio4j.sync.Lock;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Servers and clients under faults and abuse, checking that every byte arrives, and that file
 * descriptors, tasks and heap come back to where they were. Short runs in the default suite;
 * {@code -Daio4j.long=true} ({@code ./aio4j test --long}) runs the long versions.
 *
 * <p>Also part of the suite, each next to the code it tests: {@link LoopCloseTest} in the core
 * (cross-thread floods racing a loop's close), {@link ClosingWithTheLoopTest} (sockets released
 * with the loop), {@link MemoryPerConnectionTest}, {@link FaultLoggingTest},
 * {@link WriteFairnessTest} (non-reading peers) and {@code TlsTest}'s stalled handshakes.
 */
class ReliabilityTest {

    private static final boolean LONG = Boolean.getBoolean("aio4j.long");
    private static final RunOptions OPTIONS = RunOptions.defaults().withSigintHandling(false);

    // ------------------------------------------------------------------ echo soak

    @Test
    void anEchoSoakWithResetsHalfClosesAndSlowReadersLosesNothingAndLeaksNothing() throws Exception {
        int clients = 200;
        Duration length = LONG ? Duration.ofSeconds(60) : Duration.ofSeconds(3);
        long fdsBefore = NetTesting.openFds();
        long heapBefore = usedHeapAfterGc();
        long[] counts = Aio.run(
                () -> Timeout.after(length.plusSeconds(120), () -> {
                    Server server = Net.startServer(
                            TcpStreamsTest.ECHO,
                            "127.0.0.1",
                            0,
                            ServerOptions.defaults().withBacklog(clients));
                    long deadline = System.nanoTime() + length.toNanos();
                    long[] done = new long[4]; // echoed (half-close), slow readers, resets, bytes checked
                    List<Task<Void>> tasks = new ArrayList<>();
                    for (int i = 0; i < clients; i++) {
                        Random random = new Random(i);
                        tasks.add(Aio.createTask(() -> {
                            while (System.nanoTime() < deadline) {
                                soakOnce(server.port(), random, done);
                            }
                        }));
                    }
                    for (Task<Void> t : tasks) {
                        t.await();
                    }
                    server.close();
                    server.waitClosed();
                    for (int i = 0; i < 1_000 && Aio.allTasks().size() > 1; i++) {
                        Aio.sleep(Duration.ofMillis(5));
                    }
                    assertThat(Aio.allTasks()).as("tasks left").hasSize(1);
                    return done;
                }),
                OPTIONS);
        long fdsAfter = NetTesting.openFds();
        long heapAfter = usedHeapAfterGc();
        System.out.printf(
                "echo soak %s: %d echoed, %d slow readers, %d resets, %d bytes checked; fds %d -> %d; "
                        + "heap %d -> %d KiB%n",
                length,
                counts[0],
                counts[1],
                counts[2],
                counts[3],
                fdsBefore,
                fdsAfter,
                heapBefore / 1024,
                heapAfter / 1024);
        assertThat(counts[0]).isPositive();
        assertThat(counts[1]).isPositive();
        assertThat(counts[2]).isPositive();
        assertThat(fdsAfter - fdsBefore).isLessThanOrEqualTo(10);
        assertThat(heapAfter - heapBefore).isLessThan(64L * 1024 * 1024);
    }

    /** One connection: an echo checked byte by byte (quick or slow reader), or a reset mid-transfer. */
    private static void soakOnce(int port, Random random, long[] done) throws IOException {
        byte[] payload = new byte[(int) Math.min(1 << 20, Math.round(Math.pow(2, random.nextDouble() * 20)))];
        random.nextBytes(payload);
        int kind = random.nextInt(10);
        Connection c = Net.openConnection("127.0.0.1", port);
        if (kind == 0) {
            // Reset: send part, then abort with SO_LINGER 0 so the server sees a reset.
            c.writer().write(Arrays.copyOf(payload, payload.length / 2 + 1));
            Aio.sleep(Duration.ofMillis(random.nextInt(3)));
            ((SocketChannel) c.writer().getExtraInfo("socket")).setOption(StandardSocketOptions.SO_LINGER, 0);
            c.writer().transport().abort();
            done[2]++;
            return;
        }
        boolean slow = kind == 1;
        byte[] sent = slow ? Arrays.copyOf(payload, Math.min(payload.length, 128 * 1024)) : payload;
        Task<byte[]> reading = Aio.createTask(() -> {
            if (!slow) {
                return c.reader().read();
            }
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (byte[] b; (b = c.reader().read(4096)).length > 0; ) {
                all.write(b, 0, b.length);
                Aio.sleep(Duration.ofMillis(1));
            }
            return all.toByteArray();
        });
        for (int off = 0; off < sent.length; ) {
            int n = Math.min(sent.length - off, 1 + random.nextInt(256 * 1024));
            c.writer().write(Arrays.copyOfRange(sent, off, off + n));
            c.writer().drain();
            off += n;
        }
        c.writer().writeEof(); // half-close: the server echoes the rest, then closes
        byte[] back = reading.await();
        assertThat(back.length).isEqualTo(sent.length);
        assertThat(Arrays.equals(back, sent)).as("echoed bytes equal").isTrue();
        c.writer().close();
        done[slow ? 1 : 0]++;
        done[3] += sent.length;
    }

    private static long usedHeapAfterGc() {
        long used = 0;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        }
        return used;
    }

    // ------------------------------------------------------------------ abusive peers

    @Test
    void slowlorisConnectionsDoNotSlowOtherClients() {
        int lorises = LONG ? 1_000 : 100;
        long worstNanos = NetTesting.run(() -> {
            Server server = Net.startServer(
                    (reader, writer) -> {
                        for (byte[] line; (line = reader.readline()).length > 0; ) {
                            writer.write(line);
                            writer.drain();
                        }
                        writer.close();
                    },
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withBacklog(lorises));
            List<Connection> slow = new ArrayList<>();
            for (int i = 0; i < lorises; i++) {
                slow.add(Net.openConnection("127.0.0.1", server.port()));
            }
            Task<Void> trickle = Aio.createTask(() -> {
                while (true) { // one byte of a never-ending line on each, every 20 ms
                    for (Connection c : slow) {
                        c.writer().write(new byte[] {'x'});
                    }
                    Aio.sleep(Duration.ofMillis(20));
                }
            });
            Connection normal = Net.openConnection("127.0.0.1", server.port());
            long worst = 0;
            for (int i = 0; i < 50; i++) {
                long t0 = System.nanoTime();
                normal.writer().write("ping " + i + "\n");
                assertThat(NetTesting.str(normal.reader().readline())).isEqualTo("ping " + i + "\n");
                worst = Math.max(worst, System.nanoTime() - t0);
                Aio.sleep(Duration.ofMillis(10));
            }
            trickle.cancel();
            for (Connection c : slow) {
                c.writer().transport().abort();
            }
            normal.writer().close();
            server.close();
            server.waitClosed();
            return worst;
        });
        System.out.printf(
                "slowloris x%d: worst round trip of a normal client %d ms%n", lorises, worstNanos / 1_000_000);
        assertThat(Duration.ofNanos(worstNanos)).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void anOversizedLineIsALimitOverrunAndTheLinesAfterItArriveIntact() {
        int megabytes = LONG ? 100 : 10;
        String[] result = NetTesting.run(() -> {
            int[] overruns = {0};
            Server server = Net.startServer(
                    (reader, writer) -> {
                        boolean inLongLine = false;
                        while (true) {
                            byte[] line;
                            try {
                                line = reader.readline();
                            } catch (LimitOverrunError e) {
                                overruns[0]++;
                                inLongLine = true;
                                continue;
                            }
                            if (line.length == 0) {
                                break;
                            }
                            if (inLongLine) {
                                inLongLine = false;
                                // An overrun that already saw the line's end drops the line whole, so the
                                // next line is either the long line's tail (all 'x') or the next real one.
                                if (line[0] == 'x') {
                                    continue;
                                }
                            }
                            writer.write(line);
                        }
                        writer.close();
                    },
                    "127.0.0.1",
                    0);
            Connection c = Net.openConnection("127.0.0.1", server.port());
            Task<byte[]> reading = Aio.createTask(() -> c.reader().read());
            c.writer().write("before\n");
            byte[] block = new byte[1 << 20];
            Arrays.fill(block, (byte) 'x');
            for (int i = 0; i < megabytes; i++) {
                c.writer().write(block);
                c.writer().drain();
            }
            c.writer().write("\nafter\n");
            c.writer().writeEof();
            String echoed = NetTesting.str(reading.await());
            server.close();
            server.waitClosed();
            return new String[] {echoed, String.valueOf(overruns[0])};
        });
        assertThat(result[0]).isEqualTo("before\nafter\n");
        assertThat(Integer.parseInt(result[1])).isPositive();
    }

    @Test
    void tlsGarbageIsDroppedByTheHandshakeTimeoutAtTheLatest() throws Exception {
        javax.net.ssl.SSLContext ctx = TestCerts.get().serverContext();
        long tookNanos = NetTesting.run(() -> {
            Server server = Net.startServer(
                    TcpStreamsTest.ECHO,
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(ctx).withSslHandshakeTimeout(Duration.ofSeconds(1)));
            long worst = 0;
            Random random = new Random(7);
            for (int i = 0; i < 50; i++) {
                Connection c = Net.openConnection("127.0.0.1", server.port());
                byte[] garbage = new byte[1 + random.nextInt(20_000)];
                random.nextBytes(garbage);
                garbage[0] = (byte) (20 + random.nextInt(4)); // sometimes a plausible record type
                long t0 = System.nanoTime();
                c.writer().write(garbage);
                if (i % 2 == 0) {
                    c.writer().writeEof(); // else a truncated record waits for the handshake timeout
                }
                try {
                    c.reader().read(); // to EOF or a reset
                } catch (IOException e) {
                    // a reset is as good as an EOF here
                }
                worst = Math.max(worst, System.nanoTime() - t0);
                c.writer().transport().abort();
            }
            while (server.clientCount() > 0) {
                Aio.sleep(Duration.ofMillis(5));
            }
            server.close();
            server.waitClosed();
            return worst;
        });
        System.out.printf("TLS garbage: connection dropped after at most %d ms%n", tookNanos / 1_000_000);
        assertThat(Duration.ofNanos(tookNanos)).isLessThan(Duration.ofSeconds(1).plusMillis(1_500));
    }

    // ------------------------------------------------------------------ cancellation

    @Test
    void aStormOfTenThousandCancellationsEndsEveryTaskCancelled() {
        int rounds = LONG ? 20 : 1;
        for (int r = 0; r < rounds; r++) {
            Aio.run(
                    () -> {
                        Future<Void> never = Aio.getRunningLoop().createFuture();
                        Queue<Integer> queue = new Queue<>();
                        Lock lock = new Lock();
                        Event event = new Event();
                        lock.acquire();
                        List<Task<Void>> tasks = new ArrayList<>();
                        for (int i = 0; i < 10_000; i++) {
                            int kind = i % 5;
                            tasks.add(Aio.createTask(() -> {
                                switch (kind) {
                                    case 0 -> Aio.sleep(Duration.ofHours(1));
                                    case 1 -> never.await();
                                    case 2 -> queue.get();
                                    case 3 -> {
                                        try (var held = lock.acquire()) {
                                            Aio.sleep(Duration.ofHours(1));
                                        }
                                    }
                                    default -> event.await();
                                }
                            }));
                        }
                        Aio.sleep(Duration.ZERO);
                        for (int i = 0; i < tasks.size(); i++) {
                            tasks.get(i).cancel("storm");
                            if (i % 3 == 0) {
                                tasks.get(i).cancel("again");
                            }
                        }
                        int cancelled = 0;
                        for (Task<Void> t : tasks) {
                            try {
                                t.await();
                            } catch (CancelledError e) {
                                cancelled++;
                            }
                        }
                        assertThat(cancelled).isEqualTo(tasks.size());
                        assertThat(queue.qsize()).isZero();
                        assertThat(lock.locked()).isTrue(); // still ours: no cancelled waiter took it
                        assertThat(Aio.allTasks()).hasSize(1);
                    },
                    OPTIONS);
        }
    }
}
