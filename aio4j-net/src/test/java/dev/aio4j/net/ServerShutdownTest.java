package dev.aio4j.net;

import static dev.aio4j.net.NetTesting.peer;
import static dev.aio4j.net.NetTesting.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** {@link Server#shutdown} and a cancelled serveForever, with real idle {@code nc} clients. */
@Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class ServerShutdownTest {

    /** Handlers started (tests run one at a time, each on its own loop). */
    private static int started;

    /** A handler that echoes lines and says goodbye when cancelled; {@code stubborn} ignores it. */
    private static ClientHandler chatty(boolean stubborn) {
        return (reader, writer) -> {
            started++;
            writer.write("hello\n");
            try {
                for (byte[] line : reader.lines()) {
                    writer.write(line);
                }
                writer.close();
            } catch (CancelledError e) {
                writer.write("goodbye\n");
                writer.drain();
                if (stubborn) {
                    Aio.sleep(Duration.ofSeconds(60)); // ignores the shutdown
                }
                throw e;
            }
        };
    }

    /**
     * Starts {@code n} idle {@code nc} clients (stdin left open) and waits until the server has
     * them and, for stream servers, their handlers run.
     */
    private static List<Process> idleClients(Server server, int n, boolean handlers) throws Exception {
        started = 0;
        List<Process> ncs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ncs.add(new ProcessBuilder(peer("nc", "netcat-openbsd"), "127.0.0.1", Integer.toString(server.port()))
                    .redirectErrorStream(true)
                    .start());
        }
        for (int i = 0; i < 1000 && (server.clientCount() < n || handlers && started < n); i++) {
            Aio.sleep(Duration.ofMillis(10));
        }
        assertThat(server.clientCount()).isEqualTo(n);
        return ncs;
    }

    /** Ends an {@code nc} client and returns what it printed. */
    private static String output(Process nc) throws Exception {
        nc.getOutputStream().close();
        if (!nc.waitFor(10, TimeUnit.SECONDS)) {
            nc.destroyForcibly();
        }
        return new String(nc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void idleHandlersAreCancelledAndEveryClientGetsItsGoodbye() throws Exception {
        List<Process> ncs = new ArrayList<>();
        try {
            Object[] r = run(() -> {
                Server server = Net.startServer(chatty(false), "127.0.0.1", 0);
                ncs.addAll(idleClients(server, 3, true));
                long t0 = System.nanoTime();
                ShutdownReport report = server.shutdown(Duration.ofSeconds(5));
                return new Object[] {report, (System.nanoTime() - t0) / 1_000_000, server.clientCount()};
            });
            assertThat(r[0]).isEqualTo(new ShutdownReport(3, 3, 0));
            assertThat((long) r[1]).as("shutdown took, ms").isLessThan(4_000);
            assertThat(r[2]).isEqualTo(0);
            for (Process nc : ncs) {
                assertThat(output(nc)).isEqualTo("hello\ngoodbye\n");
            }
        } finally {
            ncs.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void aHandlerThatIgnoresTheShutdownIsAbortedWhenTheGraceRunsOut() throws Exception {
        List<Process> ncs = new ArrayList<>();
        try {
            Object[] r = run(() -> {
                boolean[] stubborn = {false};
                Server server = Net.startServer(
                        (reader, writer) -> chatty(stubborn[0] = !stubborn[0]).handle(reader, writer), "127.0.0.1", 0);
                ncs.addAll(idleClients(server, 2, true));
                long t0 = System.nanoTime();
                ShutdownReport report = server.shutdown(Duration.ofSeconds(1));
                return new Object[] {report, (System.nanoTime() - t0) / 1_000_000};
            });
            assertThat(r[0]).isEqualTo(new ShutdownReport(2, 1, 1));
            assertThat((long) r[1]).as("shutdown took, ms").isBetween(900L, 5_000L);
        } finally {
            ncs.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void cancellingServeForeverShutsDownInsteadOfWaitingForAnIdleClient() throws Exception {
        List<Process> ncs = new ArrayList<>();
        try {
            long ms = run(() -> {
                Server server = Net.startServer(chatty(false), "127.0.0.1", 0);
                Task<Void> serving = Aio.createTask(() -> {
                    server.serveForever();
                    return null;
                });
                ncs.addAll(idleClients(server, 1, true));
                long t0 = System.nanoTime();
                serving.cancel();
                assertThatThrownBy(serving::await).isInstanceOf(CancelledError.class);
                assertThat(server.clientCount()).isZero();
                return (System.nanoTime() - t0) / 1_000_000;
            });
            assertThat(ms).as("serveForever ended after, ms").isLessThan(4_000);
            assertThat(output(ncs.get(0))).isEqualTo("hello\ngoodbye\n");
        } finally {
            ncs.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void closingTheServerStillEndsServeForeverAndWaitsForTheClients() {
        run(() -> {
            Server server = Net.startServer(chatty(false), "127.0.0.1", 0);
            Task<Void> serving = Aio.createTask(() -> {
                server.serveForever();
                return null;
            });
            Connection c = Net.openConnection("127.0.0.1", server.port());
            assertThat(c.reader().readline()).isEqualTo("hello\n".getBytes(StandardCharsets.UTF_8));
            server.close();
            Aio.sleep(Duration.ofMillis(100));
            assertThat(serving.done()).as("waits for the client, as asyncio").isFalse();
            c.writer().close();
            long t0 = System.nanoTime();
            assertThatThrownBy(serving::await).isInstanceOf(CancelledError.class);
            assertThat((System.nanoTime() - t0) / 1_000_000)
                    .as("ended after the client, ms")
                    .isLessThan(10_000);
            return null;
        });
    }

    @Test
    void protocolConnectionsAreClosedAfterTheirBufferedBytes() throws Exception {
        List<Process> ncs = new ArrayList<>();
        try {
            ShutdownReport report = run(() -> {
                Server server = Net.createServer(
                        () -> new Protocol() {
                            @Override
                            public void connectionMade(Transport t) {
                                t.write("protocol hello\n".getBytes(StandardCharsets.UTF_8));
                            }
                        },
                        "127.0.0.1",
                        0,
                        ServerOptions.defaults());
                ncs.addAll(idleClients(server, 2, false));
                return server.shutdown(Duration.ofSeconds(5));
            });
            assertThat(report).isEqualTo(new ShutdownReport(2, 2, 0));
            for (Process nc : ncs) {
                assertThat(output(nc)).isEqualTo("protocol hello\n");
            }
        } finally {
            ncs.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void aNegativeGraceIsRefused() throws IOException {
        run(() -> {
            Server server = Net.startServer(chatty(false), "127.0.0.1", 0);
            assertThatThrownBy(() -> server.shutdown(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("grace < 0: PT-1S");
            server.close();
            return null;
        });
    }
}
