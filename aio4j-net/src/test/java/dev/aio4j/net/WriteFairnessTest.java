package dev.aio4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Writers whose sockets keep taking bytes do not hold the loop. */
class WriteFairnessTest {

    private static final boolean LONG = Boolean.getBoolean("aio4j.long");

    @Test
    void aSleepIsOnTimeWhileHundredsOfWritersFillTheirSocketBuffers() {
        int writers = LONG ? 1_000 : 200;
        Duration lateness = NetTesting.run(() -> {
            // Peers that never read: each socket takes megabytes before writing has to pause.
            Server server = Net.startServer(
                    (reader, writer) -> {
                        reader.read(1);
                    },
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withBacklog(writers));
            List<Connection> connections = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                connections.add(Net.openConnection("127.0.0.1", server.port()));
            }
            byte[] chunk = new byte[64 * 1024];
            Task<Long> sleeper = Aio.createTask(() -> {
                long t0 = System.nanoTime();
                Aio.sleep(Duration.ofSeconds(3));
                return System.nanoTime() - t0;
            });
            long[] worst = new long[2];
            long start = System.nanoTime();
            Task<Void> heartbeat = Aio.createTask(() -> {
                while (true) {
                    long t = System.nanoTime();
                    Aio.sleep(Duration.ofMillis(10));
                    long late = System.nanoTime() - t - 10_000_000;
                    if (late > worst[0]) {
                        worst[0] = late;
                        worst[1] = System.nanoTime() - start;
                    }
                }
            });
            List<Task<Void>> tasks = new ArrayList<>();
            for (Connection c : connections) {
                tasks.add(Aio.createTask(() -> {
                    while (true) { // never waits while the socket takes the bytes
                        c.writer().write(chunk);
                        c.writer().drain();
                    }
                }));
            }
            long took = sleeper.await();
            heartbeat.cancel();
            // Reported, not asserted: while the sockets fill, a round of every writer's step is the
            // heartbeat's delay, and on a loaded machine that varies.
            System.out.printf(
                    "10 ms heartbeat: worst lateness %d ms, %d ms into the run%n",
                    worst[0] / 1_000_000, worst[1] / 1_000_000);
            for (Task<Void> t : tasks) {
                t.cancel();
            }
            for (Connection c : connections) {
                c.writer().transport().abort();
            }
            server.close();
            server.abortClients();
            return Duration.ofNanos(took).minusSeconds(3);
        });
        System.out.printf("Aio.sleep(3 s) with %d writers: late by %d ms%n", writers, lateness.toMillis());
        assertThat(lateness).isLessThan(Duration.ofMillis(100));
    }
}
