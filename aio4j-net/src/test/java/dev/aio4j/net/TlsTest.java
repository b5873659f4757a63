package dev.aio4j.net;

import static dev.aio4j.net.NetTesting.bytes;
import static dev.aio4j.net.NetTesting.run;
import static dev.aio4j.net.NetTesting.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.Timeout;
import dev.aio4j.net.NetTesting.PeerProcess;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS on SSLEngine: aio4j against itself and against openssl s_server / s_client. */
class TlsTest {

    private static final Duration PEER_LIMIT = Duration.ofSeconds(20);
    private static TestCerts certs;
    private static SSLContext server;
    private static SSLContext client;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certs = TestCerts.get();
        server = certs.serverContext();
        client = certs.clientContext();
    }

    static ConnectOptions tls(SSLContext ctx) {
        return ConnectOptions.defaults().withSsl(ctx);
    }

    // ------------------------------------------------------------------ faults: release at once

    /**
     * A ClientHello from a throwaway client engine, sent on a plain socket that never reads, with
     * a small receive buffer: the server's handshake flight (a chain of about 7 MB)
     * stays buffered on the server.
     */
    private static SocketChannel nonReadingTlsClient(int port) throws Exception {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4096);
        ch.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        javax.net.ssl.SSLEngine engine = SSLContext.getDefault().createSSLEngine("localhost", port);
        engine.setUseClientMode(true);
        engine.beginHandshake();
        java.nio.ByteBuffer hello =
                java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(java.nio.ByteBuffer.allocate(0), hello);
        hello.flip();
        while (hello.hasRemaining()) {
            ch.write(hello);
        }
        return ch;
    }

    private static SSLContext bigCertificate;

    private static synchronized SSLContext bigCertificate() throws Exception {
        if (bigCertificate == null) {
            bigCertificate = TestCerts.bigCertificateContext(60);
        }
        return bigCertificate;
    }

    /** Waits for the server to drop its last client; returns how long that took from {@code t0}. */
    private static Duration awaitNoClients(Server s, long t0) {
        while (s.clientCount() > 0) {
            Aio.sleep(Duration.ofMillis(5));
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Test
    void aHandshakeTimeoutReleasesAConnectionWhoseClientNeverReads() throws Exception {
        SSLContext big = bigCertificate();
        Duration timeout = Duration.ofMillis(500);
        Duration took = run(() -> {
            Server s = Net.startServer(
                    TcpStreamsTest.ECHO,
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(big).withSslHandshakeTimeout(timeout));
            try (SocketChannel client = Aio.toThread(() -> nonReadingTlsClient(s.port()))) {
                long t0 = System.nanoTime();
                while (s.clientCount() == 0) {
                    Aio.sleep(Duration.ofMillis(1));
                }
                return Timeout.after(Duration.ofSeconds(10), () -> awaitNoClients(s, t0));
            } finally {
                s.close();
            }
        });
        System.out.println("handshake timeout " + timeout + ": connection released after " + took);
        assertThat(took).isLessThan(timeout.plus(Duration.ofMillis(1_500)));
    }

    @Test
    void aFatalTlsErrorReleasesAConnectionWhoseClientNeverReads() throws Exception {
        SSLContext big = bigCertificate();
        Duration took = run(() -> {
            Server s = Net.startServer(
                    TcpStreamsTest.ECHO,
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(big).withSslHandshakeTimeout(Duration.ofSeconds(60)));
            try (SocketChannel client = Aio.toThread(() -> nonReadingTlsClient(s.port()))) {
                while (s.clientCount() == 0) {
                    Aio.sleep(Duration.ofMillis(1));
                }
                Aio.sleep(Duration.ofMillis(100)); // the server has sent what the socket takes
                long t0 = System.nanoTime();
                // A record of an unknown content type: a fatal error for the server's engine.
                Aio.toThread(() -> client.write(java.nio.ByteBuffer.wrap(new byte[] {99, 3, 3, 0, 1, 0})));
                return Timeout.after(Duration.ofSeconds(10), () -> awaitNoClients(s, t0));
            } finally {
                s.close();
            }
        });
        System.out.println("fatal TLS error: connection released after " + took);
        assertThat(took).isLessThan(Duration.ofMillis(1_500));
    }

    // ------------------------------------------------------------------ aio4j with itself

    @Test
    void echoesOverTls13WithTheStreamApi() {
        run(() -> {
            Server s = Net.startServer(
                    TcpStreamsTest.ECHO,
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(server));
            Connection c = Net.openConnection("localhost", s.port(), tls(client));
            c.writer().write("over tls\n");
            assertThat(str(c.reader().readline())).isEqualTo("over tls\n");
            assertThat(c.writer().getExtraInfo("tls_version")).isEqualTo("TLSv1.3");
            assertThat((String) c.writer().getExtraInfo("cipher")).startsWith("TLS_");
            assertThat(c.writer().getExtraInfo("sslcontext")).isSameAs(client);
            X509Certificate peer = (X509Certificate) c.writer().getExtraInfo("peercert");
            assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
            assertThat(c.writer().canWriteEof()).isFalse();
            c.writer().close();
            c.writer().waitClosed();
            s.close();
            s.waitClosed();
        });
    }

    @Test
    void theTransportNamesTheConnectionsAndTheApplicationsStates() {
        run(() -> {
            Server s = Net.startServer(
                    TcpStreamsTest.ECHO,
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(server));
            Connection c = Net.openConnection("localhost", s.port(), tls(client));
            Transport t = c.writer().transport();
            assertThat(t.toString()).startsWith("TlsTransport[wrapped, app connected, SocketTransport[open");
            c.writer().close();
            assertThat(t.toString()).startsWith("TlsTransport[shutdown, app closing, SocketTransport[closing");
            c.writer().waitClosed();
            assertThat(t.toString()).startsWith("TlsTransport[closed, app closed, SocketTransport[closed");
            s.close();
            s.waitClosed();
        });
    }

    @Test
    void largeTransfersSurviveRecordBoundaries() {
        byte[] payload = new byte[2 * 1024 * 1024 + 3];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i % 251);
        }
        byte[] back = run(() -> {
            Server s = Net.startServer(
                    TcpStreamsTest.ECHO,
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(server));
            Connection c = Net.openConnection("127.0.0.1", s.port(), tls(client));
            var reading = Aio.createTask(() -> c.reader().readExactly(payload.length));
            for (int off = 0; off < payload.length; off += 100_000) {
                c.writer().write(java.util.Arrays.copyOfRange(payload, off, Math.min(payload.length, off + 100_000)));
                c.writer().drain();
            }
            byte[] got = reading.await();
            c.writer().close();
            s.close();
            s.waitClosed();
            return got;
        });
        assertThat(back).isEqualTo(payload);
    }

    @Test
    void theClientSendsTheHostNameAsSni() {
        String got = run(() -> {
            Server s = Net.startServer(
                    (reader, writer) -> {
                        javax.net.ssl.SSLEngine engine = (javax.net.ssl.SSLEngine) writer.getExtraInfo("ssl_object");
                        var names = ((javax.net.ssl.ExtendedSSLSession) engine.getSession()).getRequestedServerNames();
                        writer.write(
                                names.isEmpty()
                                        ? "none\n"
                                        : ((javax.net.ssl.SNIHostName) names.get(0)).getAsciiName() + "\n");
                        writer.close();
                    },
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(server));
            Connection c = Net.openConnection("localhost", s.port(), tls(client));
            String sni = str(c.reader().readline());
            c.writer().close();
            s.close();
            s.waitClosed();
            return sni;
        });
        assertThat(got).isEqualTo("localhost\n");
    }

    @Test
    void aCertificateForAnotherNameIsRejectedByDefault() {
        run(() -> {
            Server s = Net.startServer(
                    TcpStreamsTest.ECHO,
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(server));
            assertThatThrownBy(() -> Net.openConnection(
                            "127.0.0.1", s.port(), tls(client).withServerHostname("wrong.example")))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("wrong.example");
            s.close();
            s.abortClients();
            s.waitClosed();
        });
    }

    @Test
    void anEmptyServerHostnameTurnsHostnameCheckingOff() {
        run(() -> {
            Server s = Net.startServer(
                    TcpStreamsTest.ECHO,
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(server));
            Connection c = Net.openConnection("127.0.0.1", s.port(), tls(client).withServerHostname(""));
            c.writer().write("x");
            assertThat(str(c.reader().readExactly(1))).isEqualTo("x");
            c.writer().close();
            s.close();
            s.waitClosed();
        });
    }

    @Test
    void anUntrustedCertificateIsRejected() throws GeneralSecurityException {
        SSLContext defaults = SSLContext.getDefault();
        run(() -> {
            Server s = Net.startServer(
                    TcpStreamsTest.ECHO,
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(server));
            assertThatThrownBy(() -> Net.openConnection("localhost", s.port(), tls(defaults)))
                    .isInstanceOf(SSLHandshakeException.class);
            s.close();
            s.abortClients();
            s.waitClosed();
        });
    }

    @Test
    void aPeerThatVanishesDuringTheHandshakeFailsTheClientAndLeavesNoServerConnection() {
        run(() -> {
            // A plain server that takes the ClientHello and hangs up.
            Server plain = Net.startServer(
                    (reader, writer) -> {
                        reader.read(10);
                        writer.transport().abort();
                    },
                    "127.0.0.1",
                    0);
            assertThatThrownBy(() -> Net.openConnection("127.0.0.1", plain.port(), tls(client)))
                    .isInstanceOf(SSLException.class);
            plain.close();
            plain.waitClosed();

            // A TLS server whose client sends half a ClientHello and hangs up.
            Server s = Net.startServer(
                    TcpStreamsTest.ECHO,
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(server));
            Connection raw = Net.openConnection("127.0.0.1", s.port());
            raw.writer().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            raw.writer().drain();
            raw.writer().transport().abort();
            TcpStreamsTest.eventually(() -> s.clientCount() == 0, "the server drops the half-open TLS connection");
            s.close();
            s.waitClosed();
        });
    }

    @Test
    void aHandshakeThatNeverAnswersTimesOut() {
        run(() -> {
            Server silent = Net.startServer((reader, writer) -> reader.read(), "127.0.0.1", 0);
            assertThatThrownBy(() -> Net.openConnection(
                            "127.0.0.1", silent.port(), tls(client).withSslHandshakeTimeout(Duration.ofMillis(200))))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("taking longer than PT0.2S");
            silent.close();
            silent.closeClients();
            silent.waitClosed();
        });
    }

    @Test
    void aServerDropsAClientThatNeverHandshakes() {
        run(() -> {
            Server s = Net.startServer(
                    TcpStreamsTest.ECHO,
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(server).withSslHandshakeTimeout(Duration.ofMillis(200)));
            Connection silent = Net.openConnection("127.0.0.1", s.port()); // plain TCP: says nothing
            long start = System.nanoTime();
            byte[] said = silent.reader().read(); // to EOF: at most a TLS alert record
            assertThat(said.length == 0 || said[0] == 21)
                    .as("only an alert, then EOF")
                    .isTrue();
            assertThat(silent.reader().atEof()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(150))
                    .isLessThan(Duration.ofSeconds(5));
            TcpStreamsTest.eventually(() -> s.clientCount() == 0, "the server forgets the client");
            silent.writer().close();
            s.close();
            s.waitClosed();
        });
    }

    @Test
    void startTlsUpgradesAPlainConnectionInPlace() {
        String got = run(() -> {
            Server s = Net.startServer(
                    (reader, writer) -> {
                        assertThat(str(reader.readline())).isEqualTo("STARTTLS\n");
                        writer.write("GO\n");
                        writer.startTls(server, null);
                        byte[] line = reader.readline();
                        writer.write("secure " + str(line));
                        writer.close();
                    },
                    "127.0.0.1",
                    0);
            Connection c = Net.openConnection("127.0.0.1", s.port());
            c.writer().write("STARTTLS\n");
            assertThat(str(c.reader().readline())).isEqualTo("GO\n");
            c.writer().startTls(client, "localhost");
            assertThat(c.writer().getExtraInfo("tls_version")).isEqualTo("TLSv1.3");
            c.writer().write("hello\n");
            String answer = str(c.reader().readline());
            s.close();
            s.waitClosed();
            return answer;
        });
        assertThat(got).isEqualTo("secure hello\n");
    }

    @Test
    void twoHundredTlsConnectionsOpenedAndClosedLeakNoFileDescriptors() {
        run(() -> {
            Server s = Net.startServer(
                    TcpStreamsTest.ECHO,
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(server));
            Connection warm = Net.openConnection("localhost", s.port(), tls(client));
            warm.writer().close();
            warm.writer().waitClosed();
            TcpStreamsTest.eventually(() -> s.clientCount() == 0, "the warm-up client is gone");
            Aio.sleep(Duration.ofMillis(20));
            int before = NetTesting.openFds();
            for (int i = 0; i < 200; i++) {
                Connection c = Net.openConnection("localhost", s.port(), tls(client));
                c.writer().write("x");
                c.reader().readExactly(1);
                c.writer().close();
                c.writer().waitClosed();
            }
            TcpStreamsTest.eventually(() -> s.clientCount() == 0, "every server-side connection is gone");
            Aio.sleep(Duration.ofMillis(20));
            int after = NetTesting.openFds();
            assertThat(after).as("fds before %d, after %d", before, after).isLessThanOrEqualTo(before + 5);
            s.close();
            s.waitClosed();
        });
    }

    // ------------------------------------------------------------------ openssl peers

    @Test
    void anAio4jClientTalksToOpensslSServer() {
        String openssl = NetTesting.peer("openssl", "openssl");
        String got = run(() -> {
            PeerProcess p = Aio.toThread(() -> new PeerProcess(List.of(
                    openssl,
                    "s_server",
                    "-accept",
                    "127.0.0.1:0",
                    "-cert",
                    certs.certPem.toString(),
                    "-key",
                    certs.keyPem.toString(),
                    "-rev",
                    "-naccept",
                    "1")));
            try {
                String banner = Aio.toThread(() -> p.awaitOutput("ACCEPT", PEER_LIMIT));
                Aio.toThread(() -> p.awaitOutput("\n", PEER_LIMIT));
                String line = p.output()
                        .lines()
                        .filter(l -> l.startsWith("ACCEPT"))
                        .findFirst()
                        .orElseThrow();
                int port = Integer.parseInt(
                        line.substring(line.lastIndexOf(':') + 1).trim());
                assertThat(banner).contains("ACCEPT");
                Connection c = Net.openConnection("localhost", port, tls(client));
                c.writer().write("stressed\n");
                String reversed = str(c.reader().readline()).trim();
                c.writer().close();
                return reversed;
            } finally {
                p.close();
            }
        });
        assertThat(got).isEqualTo("desserts");
    }

    @Test
    void opensslSClientTalksToAnAio4jTlsServer() {
        String openssl = NetTesting.peer("openssl", "openssl");
        String got = run(() -> {
            Server s = Net.startServer(
                    (reader, writer) -> {
                        byte[] line = reader.readline();
                        writer.write(str(line).toUpperCase());
                        writer.write("cipher " + writer.getExtraInfo("tls_version") + "\n");
                        writer.close();
                    },
                    "127.0.0.1",
                    0,
                    ServerOptions.defaults().withSsl(server));
            try {
                return Aio.toThread(() -> {
                    try (PeerProcess p = new PeerProcess(List.of(
                            openssl,
                            "s_client",
                            "-connect",
                            "127.0.0.1:" + s.port(),
                            "-servername",
                            "localhost",
                            "-CAfile",
                            certs.certPem.toString(),
                            "-verify_return_error",
                            "-verify_hostname",
                            "localhost",
                            "-quiet"))) {
                        try (OutputStream in = p.process.getOutputStream()) {
                            in.write(bytes("hello openssl\n"));
                            in.flush();
                            p.awaitOutput("cipher", PEER_LIMIT);
                        }
                        p.waitFor(PEER_LIMIT);
                        return p.output();
                    }
                });
            } finally {
                s.close();
                s.waitClosed();
            }
        });
        assertThat(got).contains("HELLO OPENSSL\n").contains("cipher TLSv1.3");
    }
}
