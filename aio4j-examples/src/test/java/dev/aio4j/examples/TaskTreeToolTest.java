package dev.aio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * {@code ./aio4j ps PID} and {@code pstree PID} attach to a real ChatServer process with real
 * clients connected and show its server and client tasks.
 */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class TaskTreeToolTest {

    /** Runs the tool as the launcher does, in its own JVM; returns {status, output}. */
    private static String[] tool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.aio4j.examples.tools.TaskTreeTool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @Test
    void psAndPstreeShowTheServerAndItsClientsOfALiveChatServer() throws Exception {
        int[] port = new int[1];
        Process server = NetworkExamplesTest.start("ChatServer", List.of("--host", "127.0.0.1", "--port", "0"), port);
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket s = new Socket("127.0.0.1", port[0]);
                clients.add(s);
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).startsWith("welcome guest");
            }
            String pid = Long.toString(server.pid());

            String[] ps = tool("ps", pid);
            assertThat(ps[0]).as(ps[1]).isEqualTo("0");
            assertThat(ps[1])
                    .containsPattern("aio4j-loop-1: 3 tasks, \\d+ ready, \\d+ timers, [1-9]\\d* channels, \\d+ steps")
                    .containsPattern("\\nid +name +state +age +waits for +awaited by\\n")
                    .containsPattern("\\n\\d+ +chat-server +waiting +")
                    .containsPattern(
                            "\\n\\d+ +client /127\\.0\\.0\\.1:" + clients.get(0).getLocalPort() + " +waiting +")
                    .containsPattern(
                            "\\n\\d+ +client /127\\.0\\.0\\.1:" + clients.get(1).getLocalPort() + " +waiting +");

            String[] tree = tool("pstree", pid, "--stacks");
            assertThat(tree[0]).as(tree[1]).isEqualTo("0");
            assertThat(tree[1])
                    .containsPattern("└── \\(T\\) chat-server  waiting ")
                    .containsPattern("└── \\(T\\) client /127\\.0\\.0\\.1:"
                            + clients.get(0).getLocalPort() + "  waiting ")
                    .contains("at dev.aio4j.examples.ChatServer.serve(")
                    .contains("at dev.aio4j.net.Server.serveForever(");
        } finally {
            for (Socket s : clients) {
                s.close();
            }
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProcessWithoutAnyLoopIsAClearError() throws Exception {
        Process sleeper = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        TaskTreeToolTest.Idle.class.getName())
                .start();
        try {
            assertThat(sleeper.getInputStream().read()).isEqualTo('r'); // "ready": the JVM is up
            String[] ps = tool("ps", Long.toString(sleeper.pid()));
            assertThat(ps[0]).isEqualTo("1");
            assertThat(ps[1]).contains("has no aio4j event loop that has run");
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void usageErrorsExitWith2() throws Exception {
        String[] r = tool("ps");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("usage: aio4j ps PID | aio4j pstree PID [--stacks]");
        r = tool("ps", "not-a-pid");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("not a process id: not-a-pid");
    }

    /** A JVM that runs no loop. */
    public static final class Idle {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
