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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The network examples run as programs, the way a reader runs them, and talked to over TCP. */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class NetworkExamplesTest {

    /** Starts an example in its own JVM and returns it with the port it printed. */
    static Process start(String main, List<String> args, int[] port) throws IOException {
        return start(main, args, port, null);
    }

    /** {@link #start(String, List, int[])} with the error stream saved to {@code stderr} (null: dropped). */
    static Process start(String main, List<String> args, int[] port, Path stderr) throws IOException {
        // python3 first resets the signals the tests send to their defaults: a run started as a
        // background job has SIGINT ignored, which exec would pass on to the JVM.
        List<String> cmd = new ArrayList<>(List.of(
                "python3",
                "-c",
                "import os, signal, sys\n"
                        + "for s in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):\n"
                        + "    signal.signal(s, signal.SIG_DFL)\n"
                        + "os.execv(sys.argv[1], sys.argv[1:])\n",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens",
                "java.base/java.lang=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.aio4j.examples." + main));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd)
                .redirectError(
                        stderr == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stderr.toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (int i = 0; i < 20; i++) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            if (line.startsWith("listening on ")) {
                port[0] = Integer.parseInt(
                        line.substring(line.lastIndexOf(':') + 1).replaceAll("\\D.*", ""));
                return p;
            }
        }
        p.destroyForcibly();
        throw new AssertionError(main + " did not print 'listening on H:P'");
    }

    /** An idle {@code nc} client of port {@code port}, its stdin left open; returns once it got a line. */
    private static Process nc(int port, List<BufferedReader> outputs) throws IOException {
        Process nc = new ProcessBuilder("nc", "127.0.0.1", Integer.toString(port))
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(nc.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).startsWith("welcome guest");
        outputs.add(out);
        return nc;
    }

    /** Sends {@code signal} with {@code kill}, waits for the exit; returns {status, milliseconds}. */
    private static long[] killAndWait(Process p, String signal) throws Exception {
        long t0 = System.nanoTime();
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                        .start()
                        .waitFor())
                .isZero();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new long[] {p.exitValue(), (System.nanoTime() - t0) / 1_000_000};
    }

    /** What an {@code nc} client printed after its first line, once its stdin is closed. */
    private static String rest(Process nc, BufferedReader in) throws IOException {
        nc.getOutputStream().close(); // nc runs until both directions are done
        StringBuilder sb = new StringBuilder();
        for (String l; (l = in.readLine()) != null; ) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }

    @Test
    void chatServerSaysGoodbyeToIdleClientsAndExitsWithin5sOnSigint() throws Exception {
        int[] port = new int[1];
        Path err = Files.createTempFile("chat", ".err");
        Process p = start("ChatServer", List.of("--host", "127.0.0.1", "--port", "0"), port, err);
        List<Process> ncs = new ArrayList<>();
        List<BufferedReader> outs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                ncs.add(nc(port[0], outs));
            }
            long[] exit = killAndWait(p, "INT");
            assertThat(exit[0]).isEqualTo(130);
            assertThat(exit[1]).as("exit after SIGINT, ms").isLessThan(5_000);
            for (int i = 0; i < outs.size(); i++) {
                assertThat(rest(ncs.get(i), outs.get(i))).contains("* server shutting down, goodbye");
            }
            List<String> stderr = Files.readAllLines(err);
            assertThat(stderr).contains("aio4j: cancelled by SIGINT, exiting with status 130");
            assertThat(stderr).noneMatch(l -> l.startsWith("\tat "));
        } finally {
            p.destroyForcibly();
            ncs.forEach(Process::destroyForcibly);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void chatServerShutsDownOnSigtermAndExitsWith143() throws Exception {
        int[] port = new int[1];
        Process p = start("ChatServer", List.of("--host", "127.0.0.1", "--port", "0"), port);
        List<BufferedReader> outs = new ArrayList<>();
        Process nc = nc(port[0], outs);
        try {
            long[] exit = killAndWait(p, "TERM");
            assertThat(exit[0]).isEqualTo(143);
            assertThat(rest(nc, outs.get(0))).contains("goodbye");
        } finally {
            p.destroyForcibly();
            nc.destroyForcibly();
        }
    }

    private static String line(Connection c) throws IOException {
        return new String(c.reader().readline(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--read", "--read-into"})
    void echoServerPrintsItsAddressAndEchoesEveryByteUntilTheClientCloses(String variant) throws Exception {
        int[] port = new int[1];
        Process p = start("EchoServer", List.of("--host", "127.0.0.1", "--port", "0", variant), port);
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
    void echoServerOnALoopGroupEchoesOnEveryConnectionAndStopsOnSigterm() throws Exception {
        int[] port = new int[1];
        Process p = start("EchoServer", List.of("--host", "127.0.0.1", "--port", "0", "--loops", "2"), port);
        try {
            List<String> got = Aio.run(() -> Timeout.after(Duration.ofSeconds(60), () -> {
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    Connection c = Net.openConnection("127.0.0.1", port[0]);
                    c.writer().write("hello " + i + "\n");
                    lines.add(line(c));
                    c.writer().close();
                }
                return lines;
            }));
            assertThat(got).hasSize(16).allSatisfy(l -> assertThat(l).startsWith("hello "));
            p.destroy(); // SIGTERM: the shutdown hook closes the group
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(143);
        } finally {
            p.destroyForcibly();
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
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--add-opens",
                        "java.base/java.lang=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.aio4j.examples.TlsEcho")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out)
                .contains("connected with TLSv1.3")
                .contains("echoed: hello")
                .contains("echoed: tls");
    }
}
