package dev.aio4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Faults a server sees every day are logged briefly, if at all. */
class FaultLoggingTest {

    private static final boolean LONG = Boolean.getBoolean("aio4j.long");

    /** The command that runs {@code mainClass} from the test class path in a new JVM of this mode. */
    static List<String> javaCommand(Class<?> mainClass, String... jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(jvmOptions));
        if ("carrier".equals(System.getProperty("aio4j.expectMode"))) {
            command.add("--add-opens");
            command.add("java.base/java.lang=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        return command;
    }

    static InetSocketAddress awaitPort(NetTesting.PeerProcess server) throws InterruptedException {
        Matcher port = Pattern.compile("port (\\d+)").matcher(server.awaitOutput("port ", Duration.ofSeconds(60)));
        assertThat(port.find()).isTrue();
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(port.group(1)));
    }

    @Test
    void clientsResettingMidTransferCostUnder1KiBOfServerOutputPerThousand() throws Exception {
        int resets = LONG ? 10_000 : 1_000;
        try (NetTesting.PeerProcess server = new NetTesting.PeerProcess(javaCommand(EchoProbeServer.class))) {
            InetSocketAddress address = awaitPort(server);
            int before = server.output().length();
            byte[] payload = new byte[256 * 1024];
            for (int i = 0; i < resets; i++) {
                try (SocketChannel c = SocketChannel.open(address)) {
                    c.write(ByteBuffer.wrap(payload, 0, 1 + (i * 7919) % payload.length));
                    c.setOption(StandardSocketOptions.SO_LINGER, 0); // close() sends a reset
                }
            }
            // One more full exchange, so every reset above has been handled by the server.
            try (SocketChannel c = SocketChannel.open(address)) {
                c.write(ByteBuffer.wrap(new byte[] {42}));
                ByteBuffer one = ByteBuffer.allocate(1);
                while (one.hasRemaining() && c.read(one) >= 0) {
                    // blocking read of the echo
                }
                assertThat(one.get(0)).isEqualTo((byte) 42);
            }
            String printed = server.output().substring(before);
            System.out.printf("%d resets: %d bytes of server output%n", resets, printed.length());
            assertThat(printed.length())
                    .as(
                            "server output after %d resets:%n%s",
                            resets, printed.substring(0, Math.min(printed.length(), 3000)))
                    .isLessThan(resets * 1024 / 1000);
            server.process.getOutputStream().close();
            assertThat(server.waitFor(Duration.ofSeconds(60))).isZero();
        }
    }
}
