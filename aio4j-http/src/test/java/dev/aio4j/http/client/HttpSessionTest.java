package dev.aio4j.http.client;

import static dev.aio4j.http.HttpTesting.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.http.client.HttpTesting.Peer;
import dev.aio4j.http.client.HttpTesting.TinyJson;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests and responses against Python's aiohttp.web and http.server. */
class HttpSessionTest {

    static final Peer peer = Peer.shared();

    private static HttpSession session() {
        return HttpSession.builder().jsonCodec(new TinyJson()).build();
    }

    @Test
    void getReturnsStatusHeadersAndText() {
        run(() -> {
            try (HttpSession s = session();
                    ClientResponse r = s.get(peer.url("/hello"))) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.ok()).isTrue();
                assertThat(r.contentType()).isEqualTo("text/plain");
                assertThat(r.charset()).contains(StandardCharsets.UTF_8);
                assertThat(r.text()).isEqualTo("hello");
                assertThat(r.released()).isTrue();
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void baseUrlDefaultHeadersAndQueryParametersReachTheServer() {
        Map<String, Object> echo = run(() -> {
            try (HttpSession s = HttpSession.builder()
                    .baseUrl(peer.url("/"))
                    .header("X-Default", "d")
                    .header("X-Both", "session")
                    .jsonCodec(new TinyJson())
                    .build()) {
                return (Map<String, Object>) s.request("GET", "echo?keep=1")
                        .param("q", "event loop")
                        .param("q", "a&b=c")
                        .header("X-Both", "request")
                        .send()
                        .json();
            }
        });
        assertThat(echo.get("path")).isEqualTo("/echo");
        assertThat(echo.get("query"))
                .isEqualTo(List.of(List.of("keep", "1"), List.of("q", "event loop"), List.of("q", "a&b=c")));
        Map<String, Object> headers = (Map<String, Object>) echo.get("headers");
        assertThat(headers)
                .containsEntry("X-Default", "d")
                .containsEntry("X-Both", "request")
                .containsEntry("Accept-Encoding", "gzip, deflate");
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonFormAndTextBodiesAreSentWithTheirContentTypes() {
        run(() -> {
            try (HttpSession s = session()) {
                Map<String, Object> json =
                        (Map<String, Object>) s.post(peer.url("/echo"), RequestBody.json(Map.of("name", "ada", "n", 3)))
                                .json();
                assertThat(json.get("method")).isEqualTo("POST");
                assertThat(new TinyJson().decode((String) json.get("body"), Object.class))
                        .isEqualTo(Map.of("name", "ada", "n", 3L));
                assertThat(((Map<String, Object>) json.get("headers")).get("Content-Type"))
                        .isEqualTo("application/json");

                Map<String, Object> form = (Map<String, Object>) s.request("PUT", peer.url("/echo"))
                        .form(Map.of("who", "a b&c"))
                        .send()
                        .json();
                assertThat(form.get("body")).isEqualTo("who=a+b%26c");
                assertThat(((Map<String, Object>) form.get("headers")).get("Content-Type"))
                        .isEqualTo("application/x-www-form-urlencoded");

                Map<String, Object> text = (Map<String, Object>) s.request("PATCH", peer.url("/echo"))
                        .text("héllo")
                        .send()
                        .json(Map.class);
                assertThat(text.get("body")).isEqualTo("héllo");
            }
        });
    }

    @Test
    void jsonWithoutACodecSaysHowToPlugOne() {
        run(() -> {
            try (HttpSession s = HttpSession.create()) {
                assertThatThrownBy(() -> s.post(peer.url("/echo"), RequestBody.json(List.of(1))))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("jsonCodec");
                ClientResponse r = s.get(peer.url("/echo"));
                assertThatThrownBy(r::json)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("JsonCodec");
                assertThat(r.released()).isTrue();
            }
        });
    }

    @Test
    void cookiesSetByTheServerAreSentBackBySameSession() {
        run(() -> {
            try (HttpSession s = session()) {
                s.get(peer.url("/cookie/set")).text();
                assertThat(s.get(peer.url("/cookie/get")).text()).isEqualTo("oat");
                List<HttpCookie> jar =
                        ((CookieManager) s.cookies()).getCookieStore().getCookies();
                assertThat(jar).extracting(HttpCookie::getName).containsExactly("flavour");
            }
            try (HttpSession other = session()) {
                assertThat(other.get(peer.url("/cookie/get")).text()).isEqualTo("-");
            }
        });
    }

    @Test
    void raiseForStatusThrowsAClientResponseErrorWithStatusAndUrl() {
        run(() -> {
            try (HttpSession s = session()) {
                ClientResponse r = s.get(peer.url("/status/404"));
                assertThat(r.status()).isEqualTo(404);
                assertThat(r.ok()).isFalse();
                assertThatThrownBy(r::raiseForStatus).isInstanceOfSatisfying(ClientResponseError.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.url().getPath()).isEqualTo("/status/404");
                    assertThat(e).hasMessageContaining("404 Not Found");
                });
                assertThat(r.released()).isTrue();
                assertThatThrownBy(() -> s.request("GET", peer.url("/status/503"))
                                .raiseForStatus(true)
                                .send())
                        .isInstanceOfSatisfying(ClientResponseError.class, e -> assertThat(e.status())
                                .isEqualTo(503));
                assertThat(s.inFlight()).isZero();
            }
            try (HttpSession strict = HttpSession.builder().raiseForStatus(true).build()) {
                assertThatThrownBy(() -> strict.get(peer.url("/status/500"))).isInstanceOf(ClientResponseError.class);
                assertThat(strict.get(peer.url("/hello")).text()).isEqualTo("hello");
            }
        });
    }

    @Test
    void redirectsAreFollowedAndRecordedInHistory() {
        run(() -> {
            try (HttpSession s = session();
                    ClientResponse r = s.get(peer.url("/redirect/3"))) {
                assertThat(r.text()).isEqualTo("done");
                assertThat(r.url().getPath()).isEqualTo("/redirect/0");
                assertThat(r.history()).extracting(ClientResponse::status).containsExactly(302, 302, 302);
                assertThat(r.history()).allMatch(ClientResponse::released);
                assertThat(s.inFlight()).isZero();
            }
        });
    }

    @Test
    void tooManyRedirectsIsTypedAndReleasesEverySlot() {
        run(() -> {
            try (HttpSession s =
                    HttpSession.builder().maxRedirects(4).limitPerHost(1).build()) {
                assertThatThrownBy(() -> s.get(peer.url("/loop"))).isInstanceOfSatisfying(TooManyRedirects.class, e -> {
                    assertThat(e.maxRedirects()).isEqualTo(4);
                    assertThat(e.status()).isEqualTo(302);
                    assertThat(e).isInstanceOf(ClientResponseError.class).isInstanceOf(ClientError.class);
                });
                assertThat(s.inFlight()).isZero();
                assertThat(s.get(peer.url("/redirect/4")).text()).isEqualTo("done");
                assertThatThrownBy(() -> s.get(peer.url("/redirect/5"))).isInstanceOf(TooManyRedirects.class);
            }
        });
    }

    @Test
    void redirectsCanBeRefusedAndA303TurnsAPostIntoAGet() {
        run(() -> {
            try (HttpSession s = session()) {
                ClientResponse r = s.request("GET", peer.url("/redirect/1"))
                        .allowRedirects(false)
                        .send();
                assertThat(r.status()).isEqualTo(302);
                assertThat(r.header("Location")).contains("/redirect/0");
                r.close();
                @SuppressWarnings("unchecked")
                Map<String, Object> echo = (Map<String, Object>)
                        s.post(peer.url("/see-other"), RequestBody.text("x")).json();
                assertThat(echo.get("method")).isEqualTo("GET");
                assertThat(echo.get("body")).isEqualTo("");
            }
        });
    }

    @Test
    void headGetsHeadersAndNoBody() {
        run(() -> {
            try (HttpSession s = session();
                    ClientResponse r = s.head(peer.url("/hello"))) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bytes()).isEmpty();
            }
        });
    }

    @Test
    void badUrlsAreInvalidUrlErrors() {
        run(() -> {
            try (HttpSession s = session()) {
                assertThatThrownBy(() -> s.get("/relative"))
                        .isInstanceOf(InvalidUrlError.class)
                        .hasMessageContaining("base URL");
                assertThatThrownBy(() -> s.get("ftp://127.0.0.1/"))
                        .isInstanceOf(InvalidUrlError.class)
                        .hasMessageContaining("http or https");
                assertThatThrownBy(() -> s.get("http://bad host/")).isInstanceOf(InvalidUrlError.class);
                assertThatThrownBy(() -> s.request("GET", peer.url("/hello"))
                                .header("Connection", "close")
                                .send())
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("Connection");
                assertThat(s.inFlight()).isZero();
            }
        });
        assertThatThrownBy(() -> HttpSession.builder().baseUrl("not a url")).isInstanceOf(InvalidUrlError.class);
        assertThatThrownBy(() -> HttpSession.builder().limit(-1)).hasMessage("limit < 0: -1");
    }

    @Test
    void aClosedSessionRefusesRequestsAndRequestsNeedATask() {
        HttpSession s = session();
        assertThatThrownBy(() -> s.get(peer.url("/hello"))).isInstanceOf(IllegalStateException.class);
        run(() -> {
            s.close();
            assertThat(s.closed()).isTrue();
            assertThatThrownBy(() -> s.get(peer.url("/hello")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Session is closed");
        });
    }

    @Test
    void httpsWorksWithTheSessionsSslContext(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "1",
                        "-subj",
                        "/CN=127.0.0.1",
                        "-addext",
                        "subjectAltName=IP:127.0.0.1",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor())
                .as("openssl (Debian package openssl): %s", said)
                .isZero();
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(cert)) {
            trust.setCertificateEntry(
                    "peer",
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        try (Peer tls = new Peer(
                List.of(HttpTesting.python(), "src/test/python/client_peer.py", cert.toString(), key.toString()),
                "PORT ",
                null)) {
            String url = "https://127.0.0.1:" + tls.port;
            run(() -> {
                try (HttpSession s = HttpSession.builder().sslContext(context).build()) {
                    assertThat(s.get(url + "/hello").text()).isEqualTo("hello");
                    assertThat(s.get(url + "/gzip").text()).startsWith("line 00000");
                }
                try (HttpSession untrusting = HttpSession.create()) {
                    assertThatThrownBy(() -> untrusting.get(url + "/hello"))
                            .isInstanceOf(ClientConnectorError.class)
                            .hasMessageContaining("PKIX");
                }
            });
        }
    }

    @Test
    void pythonHttpServerServesFilesAnd404s(@TempDir Path dir) throws Exception {
        byte[] big = new byte[3 * 1024 * 1024];
        new java.util.Random(7).nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        Files.writeString(dir.resolve("index.txt"), "from http.server\n");
        try (Peer files = new Peer(
                List.of(HttpTesting.python(), "-u", "-m", "http.server", "--bind", "127.0.0.1", "0"), "port ", dir)) {
            run(() -> {
                try (HttpSession s = HttpSession.builder().limitPerHost(2).build()) {
                    assertThat(s.get(files.url("/index.txt")).text()).isEqualTo("from http.server\n");
                    assertThat(s.get(files.url("/big.bin")).bytes()).isEqualTo(big);
                    ClientResponse missing = s.get(files.url("/nope"));
                    assertThat(missing.status()).isEqualTo(404);
                    assertThatThrownBy(missing::raiseForStatus).isInstanceOf(ClientResponseError.class);
                    List<Object> all = Aio.<Object>gather(List.of(
                                    Aio.createTask(
                                            () -> s.get(files.url("/index.txt")).text()),
                                    Aio.createTask(
                                            () -> s.get(files.url("/index.txt")).text()),
                                    Aio.createTask(
                                            () -> s.get(files.url("/index.txt")).text())))
                            .await();
                    assertThat(all).containsOnly("from http.server\n");
                }
            });
        }
    }
}
