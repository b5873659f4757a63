package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.net.ConnectOptions;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import dev.aio4j.net.ServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS echo server and a client talking to it, with a self-signed certificate for localhost
 * made at start by the JDK's keytool. The client trusts exactly that certificate and checks the
 * host name, as every TLS client should.
 *
 * <pre>
 *   ./aio4j example TlsEcho                      (server and client in one run)
 *   ./aio4j example TlsEcho --serve --port 8443  (server only; try: openssl s_client -connect 127.0.0.1:8443)
 * </pre>
 */
public final class TlsEcho {
    private TlsEcho() {}

    public static void main(String[] args) throws Exception {
        boolean serveOnly = List.of(args).contains("--serve");
        String host = EchoServer.option(args, "--host", "127.0.0.1");
        int port = Integer.parseInt(EchoServer.option(args, "--port", "0"));
        KeyStore keys = selfSigned(); // blocking work: done before the loop starts
        SSLContext serverContext = serverContext(keys);
        SSLContext clientContext = clientContext(keys);

        Aio.run(() -> {
            Server server = Net.startServer(
                    EchoServer::serve, host, port, ServerOptions.defaults().withSsl(serverContext));
            System.out.println("listening on " + host + ":" + server.port() + " (TLS)");
            if (serveOnly) {
                server.serveForever();
                return;
            }
            Connection c = Net.openConnection(
                    "localhost", server.port(), ConnectOptions.defaults().withSsl(clientContext));
            X509Certificate cert = (X509Certificate) c.writer().getExtraInfo("peercert");
            System.out.println("connected with " + c.writer().getExtraInfo("tls_version") + " "
                    + c.writer().getExtraInfo("cipher") + " to "
                    + cert.getSubjectX500Principal().getName());
            for (String message : List.of("hello", "over", "tls")) {
                c.writer().write(message + "\n");
                System.out.print("echoed: " + new String(c.reader().readline(), StandardCharsets.UTF_8));
            }
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }

    /** A PKCS12 key store holding a fresh EC key pair and a self-signed certificate for localhost. */
    static KeyStore selfSigned() throws Exception {
        Path dir = Files.createTempDirectory("aio4j-tlsecho");
        Path store = dir.resolve("echo.p12");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "echo",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "1",
                        "-keystore",
                        store.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        Files.delete(store);
        Files.delete(dir);
        return ks;
    }

    static SSLContext serverContext(KeyStore keys) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    static SSLContext clientContext(KeyStore keys) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("echo", keys.getCertificate("echo"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
