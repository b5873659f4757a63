package dev.aio4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What an idle connection costs a server: a server in its own JVM with a 64 MiB heap holds
 * thousands of connections that each sent one byte, and survives their closing all at once.
 */
class MemoryPerConnectionTest {

    private static final boolean LONG = Boolean.getBoolean("aio4j.long");
    private static final Pattern MEASURE = Pattern.compile("heap (\\d+) open (\\d+) fed (\\d+)");

    @Test
    void anIdleConnectionThatSentOneByteCostsUnder8KiBOfHeap() throws Exception {
        int connections = LONG ? 10_000 : 3_000;
        List<String> command = FaultLoggingTest.javaCommand(MemoryProbeServer.class, "-Xmx64m", "-XX:+UseSerialGC");
        try (NetTesting.PeerProcess server = new NetTesting.PeerProcess(command)) {
            InetSocketAddress address = FaultLoggingTest.awaitPort(server);
            OutputStream commands = server.process.getOutputStream();
            long[] idle = measure(server, commands);

            List<SocketChannel> clients = new ArrayList<>();
            try {
                for (int i = 0; i < connections; i++) {
                    SocketChannel c = SocketChannel.open(address);
                    c.write(ByteBuffer.wrap(new byte[] {1}));
                    clients.add(c);
                    if (i % 1_000 == 999) {
                        awaitFed(server, commands, i + 1);
                    }
                }
                long[] held = awaitFed(server, commands, connections);
                long perConnection = (held[0] - idle[0]) / connections;
                System.out.printf(
                        "heap idle %d B, with %d connections %d B: %d B per connection%n",
                        idle[0], connections, held[0], perConnection);
                assertThat(perConnection).isLessThan(8 * 1024);
            } finally {
                for (SocketChannel c : clients) {
                    c.close(); // all at once: every handler sees EOF in the same few iterations
                }
            }
            long[] after = idle;
            for (int i = 0; i < 600 && (after = measure(server, commands))[1] > 0; i++) {
                Thread.sleep(100);
            }
            assertThat(after[1]).as("connections still open on the server").isZero();
            assertThat(server.process.isAlive())
                    .as("server alive; output:%n%s", server.output())
                    .isTrue();
            assertThat(server.output()).doesNotContain("OutOfMemoryError");
            commands.write("quit\n".getBytes(StandardCharsets.UTF_8));
            commands.flush();
            assertThat(server.waitFor(Duration.ofSeconds(60)))
                    .as(server.output())
                    .isZero();
        }
    }

    /** Waits until the server has read the byte of {@code n} connections; returns the last measure. */
    private long[] awaitFed(NetTesting.PeerProcess server, OutputStream commands, int n) throws Exception {
        for (int i = 0; i < 600; i++) {
            long[] m = measure(server, commands);
            if (m[2] >= n) {
                return m;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server did not read from " + n + " connections; output:\n" + server.output());
    }

    /** Measures asked for so far: the answer to the latest is the last one printed. */
    private int asked;

    /** Asks for a measure and returns {heap, open, fed} from the answer. */
    private long[] measure(NetTesting.PeerProcess server, OutputStream commands)
            throws IOException, InterruptedException {
        commands.write("measure\n".getBytes(StandardCharsets.UTF_8));
        commands.flush();
        asked++;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = MEASURE.matcher(server.output());
            int count = 0;
            long[] last = null;
            while (m.find()) {
                count++;
                last = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
            }
            if (count >= asked) {
                return last;
            }
            if (!server.process.isAlive()) {
                throw new AssertionError("the server ended; output:\n" + server.output());
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no answer to measure; output:\n" + server.output());
    }
}
