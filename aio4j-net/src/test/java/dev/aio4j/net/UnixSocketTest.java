package dev.aio4j.net;

import static dev.aio4j.net.NetTesting.bytes;
import static dev.aio4j.net.NetTesting.run;
import static dev.aio4j.net.NetTesting.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.net.NetTesting.PeerProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Unix-domain stream sockets: aio4j with itself and with socat. */
class UnixSocketTest {

    private static final Duration PEER_LIMIT = Duration.ofSeconds(20);
    private Path dir;
    private Path path;

    @BeforeEach
    void makeDirectory() throws IOException {
        dir = Files.createTempDirectory("aio4j-unix");
        path = dir.resolve("s.sock");
    }

    @AfterEach
    void removeDirectory() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Test
    void echoesOverAUnixSocketAndRemovesTheFileOnClose() {
        run(() -> {
            Server server = Net.startUnixServer(TcpStreamsTest.ECHO, path);
            assertThat(Files.exists(path)).isTrue();
            Connection c = Net.openUnixConnection(path);
            c.writer().write("unix\n");
            assertThat(str(c.reader().readline())).isEqualTo("unix\n");
            assertThat(c.writer().getExtraInfo("peername").toString()).contains("s.sock");
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
            assertThat(Files.exists(path)).as("cleanup_socket removes the file").isFalse();
        });
    }

    @Test
    void aStaleSocketFileIsReplaced() {
        run(() -> {
            Server first = Net.startUnixServer(
                    TcpStreamsTest.ECHO, path, ServerOptions.defaults().withCleanupSocket(false));
            first.close();
            first.waitClosed();
            assertThat(Files.exists(path)).as("kept without cleanup").isTrue();
            Server second = Net.startUnixServer(TcpStreamsTest.ECHO, path);
            Connection c = Net.openUnixConnection(path);
            c.writer().write("again\n");
            assertThat(str(c.reader().readline())).isEqualTo("again\n");
            c.writer().close();
            second.close();
            second.waitClosed();
        });
    }

    @Test
    void aSocketFileReplacedMeanwhileIsNotRemoved() {
        run(() -> {
            Server server = Net.startUnixServer(TcpStreamsTest.ECHO, path);
            Files.delete(path);
            Files.writeString(path, "someone else's file");
            server.close();
            server.waitClosed();
            assertThat(Files.readString(path)).isEqualTo("someone else's file");
        });
    }

    @Test
    void socatClientGetsItsBytesEchoed() {
        String socat = NetTesting.peer("socat", "socat");
        String out = run(() -> {
            Server server = Net.startUnixServer(TcpStreamsTest.ECHO, path);
            try {
                return Aio.toThread(() -> {
                    try (PeerProcess p = new PeerProcess(List.of(socat, "-t", "5", "-", "UNIX-CONNECT:" + path))) {
                        try (OutputStream in = p.process.getOutputStream()) {
                            in.write(bytes("via socat\n"));
                        }
                        assertThat(p.waitFor(PEER_LIMIT)).isZero();
                        return p.output();
                    }
                });
            } finally {
                server.close();
                server.waitClosed();
            }
        });
        assertThat(out).isEqualTo("via socat\n");
    }

    @Test
    void anAio4jClientTalksToASocatServer() {
        String socat = NetTesting.peer("socat", "socat");
        String got = run(() -> {
            PeerProcess p =
                    Aio.toThread(() -> new PeerProcess(List.of(socat, "UNIX-LISTEN:" + path, "SYSTEM:tr a-z A-Z")));
            try {
                for (int i = 0; i < 500 && !Files.exists(path); i++) {
                    Aio.sleep(Duration.ofMillis(10));
                }
                Connection c = Net.openUnixConnection(path);
                c.writer().write("shout\n");
                c.writer().writeEof();
                String answer = str(c.reader().read());
                c.writer().close();
                return answer;
            } finally {
                p.close();
            }
        });
        assertThat(got).isEqualTo("SHOUT\n");
    }
}
