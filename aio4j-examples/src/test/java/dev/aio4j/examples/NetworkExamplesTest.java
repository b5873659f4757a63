package dev.aio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.Timeout;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** The network examples run as programs, the way a reader runs them, and talked to over TCP. */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class NetworkExamplesTest {

    /** Starts an example in its own JVM and returns it with the port it printed. */
    static Process start(String main, List<String> args, int[] port) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.aio4j.examples." + main));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (int i = 0; i < 20; i++) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            if (line.startsWith("listening on ")) {
                port[0] = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).replaceAll("\\D.*", ""));
                return p;
            }
        }
        p.destroyForcibly();
        throw new AssertionError(main + " did not print 'listening on H:P'");
    }

    private static String line(Connection c) throws IOException {
        return new String(c.reader().readline(), StandardCharsets.UTF_8);
    }

    @Test
    void echoServerPrintsItsAddressAndEchoesEveryByteUntilTheClientCloses() throws Exception {
        int[] port = new int[1];
        Process p = start("EchoServer", List.of("--host", "127.0.0.1", "--port", "0"), port);
        try {
            List<String> got = Aio.run(() -> Timeout.after(Duration.ofSeconds(30), () -> {
                Connection c = Net.openConnection("127.0.0.1", port[0]);
                c.writer().write("one\n");
                String a = line(c);
                c.writer().write(new byte[200_000]);
                c.writer().drain();
                int big = c.reader().readExactly(200_000).length;
                c.writer().writeEof();
                boolean closed = c.reader().read().length == 0;
                c.writer().close();
                return List.of(a, "" + big, "" + closed);
            }));
            assertThat(got).containsExactly("one\n", "200000", "true");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void chatServerBroadcastsALineToTheOtherClients() throws Exception {
        int[] port = new int[1];
        Process p = start("ChatServer", List.of("--host", "127.0.0.1", "--port", "0"), port);
        try {
            List<String> got = Aio.run(() -> Timeout.after(Duration.ofSeconds(30), () -> {
                Connection a = Net.openConnection("127.0.0.1", port[0]);
                String welcomeA = line(a);
                Connection b = Net.openConnection("127.0.0.1", port[0]);
                String welcomeB = line(b);
                String joined = line(a);
                a.writer().write("hello room\n");
                String heard = line(b);
                b.writer().close();
                String left = line(a);
                a.writer().close();
                return List.of(welcomeA, welcomeB, joined, heard, left);
            }));
            assertThat(got.get(0)).startsWith("welcome guest1");
            assertThat(got.get(1)).startsWith("welcome guest2, 1 others");
            assertThat(got.get(2)).isEqualTo("* guest2 joined\n");
            assertThat(got.get(3)).isEqualTo("guest1: hello room\n");
            assertThat(got.get(4)).isEqualTo("* guest2 left\n");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void tlsEchoRunsItsClientAgainstItsServer() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.aio4j.examples.TlsEcho").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("connected with TLSv1.3").contains("echoed: hello").contains("echoed: tls");
    }
}
