package dev.aio4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.RunOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A loop that closes with connections and servers still open closes their sockets; in debug
 * mode it names each one left open, with where it was made.
 */
class ClosingWithTheLoopTest {

    private static final boolean LONG = Boolean.getBoolean("aio4j.long");

    @Test
    void aioRunLeavesNoSocketOpenWhenItsTasksHeldConnections() throws Exception {
        int rounds = LONG ? 100 : 10;
        int connections = 100;
        oneRound(connections); // warm-up: the JDK opens what it keeps for the process
        long before = NetTesting.openFds();
        for (int r = 0; r < rounds; r++) {
            oneRound(connections);
        }
        long after = NetTesting.openFds();
        System.out.printf(
                "open fds before %d, after %d rounds of Aio.run with %d connections: %d%n",
                before, rounds, connections, after);
        assertThat(after - before)
                .as("fds before %d, after %d rounds of %d connections: %d", before, rounds, connections, after)
                .isLessThanOrEqualTo(10);
    }

    /**
     * One Aio.run: a server, {@code n} clients held open by the main task, handlers waiting to
     * read, every tenth handler with a megabyte buffered for a client that never reads (so a
     * graceful close cannot finish); main returns without closing anything.
     */
    private static void oneRound(int n) {
        Aio.run(
                () -> {
                    Server server = Net.startServer(
                            (reader, writer) -> {
                                if (reader.readExactly(1)[0] == 2) {
                                    writer.write(new byte[1 << 20]);
                                }
                                reader.read(1); // waits until cancelled
                            },
                            "127.0.0.1",
                            0);
                    List<Connection> held = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        Connection c = Net.openConnection("127.0.0.1", server.port());
                        c.writer().write(new byte[] {(byte) (i % 10 == 0 ? 2 : 1)});
                        held.add(c);
                    }
                    while (server.clientCount() < n) {
                        Aio.sleep(java.time.Duration.ofMillis(1));
                    }
                    Aio.sleep(java.time.Duration.ofMillis(10));
                },
                RunOptions.defaults().withSigintHandling(false));
    }

    @Test
    void inDebugModeEachTransportAndServerLeftOpenIsReportedWithWhereItWasMade() {
        List<String> reports = new ArrayList<>();
        Aio.run(
                () -> {
                    Aio.getRunningLoop().setExceptionHandler((loop, ctx) -> reports.add(ctx.message()));
                    Server server = Net.startServer(
                            (reader, writer) -> {
                                reader.read(1); // waits until cancelled
                            },
                            "127.0.0.1",
                            0);
                    Connection c = Net.openConnection("127.0.0.1", server.port());
                    c.writer().write(new byte[] {1});
                    DatagramEndpoint udp =
                            Net.openDatagramEndpoint(new java.net.InetSocketAddress("127.0.0.1", 0), null);
                    while (server.clientCount() < 1) {
                        Aio.sleep(java.time.Duration.ofMillis(1));
                    }
                    return udp;
                },
                RunOptions.defaults().withDebug(true).withSigintHandling(false));
        List<String> unclosed =
                reports.stream().filter(m -> m.startsWith("Unclosed ")).toList();
        assertThat(unclosed)
                .as("reports: %s", reports)
                .anySatisfy(m -> assertThat(m)
                        .startsWith("Unclosed resource of dev.aio4j.net.Server closed with its loop")
                        .contains("Registered at:")
                        .contains("ClosingWithTheLoopTest"))
                .anySatisfy(m -> assertThat(m)
                        .startsWith("Unclosed resource of dev.aio4j.net.SocketTransport")
                        .contains("ClosingWithTheLoopTest"))
                .anySatisfy(m -> assertThat(m)
                        .startsWith("Unclosed resource sun.nio.ch.DatagramChannelImpl")
                        .contains("ClosingWithTheLoopTest"));
    }

    @Test
    void outsideDebugModeNothingIsReported() {
        List<String> reports = new ArrayList<>();
        Aio.run(
                () -> {
                    Aio.getRunningLoop().setExceptionHandler((loop, ctx) -> reports.add(ctx.message()));
                    Server server = Net.startServer(
                            (reader, writer) -> {
                                reader.read(1);
                            },
                            "127.0.0.1",
                            0);
                    return Net.openConnection("127.0.0.1", server.port());
                },
                RunOptions.defaults().withDebug(false).withSigintHandling(false));
        assertThat(reports).noneMatch(m -> m.startsWith("Unclosed "));
    }
}
