package dev.aio4j.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for "localhost" and 127.0.0.1 made once per test JVM with the
 * JDK's keytool, also written as PEM files for openssl.
 */
final class TestCerts {
    static final char[] PASSWORD = "changeit".toCharArray();
    private static TestCerts instance;

    final Path dir;
    final Path keyStore;
    final Path certPem;
    final Path keyPem;
    final KeyStore store;

    private TestCerts() throws IOException, GeneralSecurityException, InterruptedException {
        dir = Files.createTempDirectory("aio4j-tls");
        dir.toFile().deleteOnExit();
        keyStore = dir.resolve("server.p12");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(List.of(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-keystore",
                        keyStore.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "changeit"))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD);
        }
        Certificate cert = store.getCertificate("server");
        certPem = dir.resolve("cert.pem");
        keyPem = dir.resolve("key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(
                keyPem, pem("PRIVATE KEY", store.getKey("server", PASSWORD).getEncoded()));
    }

    static synchronized TestCerts get() {
        if (instance == null) {
            try {
                instance = new TestCerts();
            } catch (IOException | GeneralSecurityException | InterruptedException e) {
                throw new IllegalStateException("cannot make the test certificate", e);
            }
        }
        return instance;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /**
     * A server context presenting a chain of {@code copies} copies of a certificate with two
     * private extensions of 60,000 bytes each (about 120 KB a copy), so its handshake flight is
     * larger than the socket buffers when the client does not read (loopback lets a socket
     * buffer up to 4 MiB). A key manager hands out the chain; nobody verifies it.
     */
    static SSLContext bigCertificateContext(int copies)
            throws IOException, GeneralSecurityException, InterruptedException {
        int extensions = 2;
        Path dir = Files.createTempDirectory("aio4j-tls-big");
        Path file = dir.resolve("big.p12");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        // The DER of an OCTET STRING of 60,000 zero bytes, as keytool takes an unknown extension.
        String value = "0482ea60" + "00".repeat(60_000);
        List<String> command = new java.util.ArrayList<>(List.of(
                keytool,
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-validity",
                "2",
                "-keystore",
                file.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit"));
        for (int i = 0; i < extensions; i++) {
            command.add("-ext");
            command.add("1.3.6.1.4.1.55555." + i + "=" + value);
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        KeyStore big = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            big.load(in, PASSWORD);
        }
        Files.delete(file);
        Files.delete(dir);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(big, PASSWORD);
        javax.net.ssl.X509ExtendedKeyManager one = (javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        java.security.cert.X509Certificate[] chain = new java.security.cert.X509Certificate[copies];
        java.util.Arrays.fill(chain, (java.security.cert.X509Certificate) big.getCertificate("server"));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new javax.net.ssl.KeyManager[] {new LongChain(one, chain)}, null, null);
        return ctx;
    }

    /** A key manager that presents a given chain. */
    private static final class LongChain extends javax.net.ssl.X509ExtendedKeyManager {
        private final javax.net.ssl.X509ExtendedKeyManager one;
        private final java.security.cert.X509Certificate[] chain;

        LongChain(javax.net.ssl.X509ExtendedKeyManager one, java.security.cert.X509Certificate[] chain) {
            this.one = one;
            this.chain = chain;
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return one.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket s) {
            return one.chooseClientAlias(keyType, issuers, s);
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return one.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket s) {
            return one.chooseServerAlias(keyType, issuers, s);
        }

        @Override
        public String chooseEngineServerAlias(
                String keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
            return one.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return one.getPrivateKey(alias);
        }
    }

    /** A server context presenting the certificate. */
    SSLContext serverContext() throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** A client context trusting only the certificate. */
    SSLContext clientContext() throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", store.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
