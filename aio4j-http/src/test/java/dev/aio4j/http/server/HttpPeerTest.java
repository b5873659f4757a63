package dev.aio4j.http.server;

import static dev.aio4j.http.HttpTesting.run;
import static dev.aio4j.http.HttpTesting.runPeer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.http.HttpTesting;
import dev.aio4j.http.TestCerts;
import dev.aio4j.http.websocket.WebSocket;
import dev.aio4j.http.websocket.WebSocketMessage;
import dev.aio4j.http.websocket.WebSocketOptions;
import dev.aio4j.net.ConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server against real HTTP clients: curl and Python's aiohttp. */
class HttpPeerTest {

    @TempDir
    Path dir;

    static Router app(Path staticDir) {
        return new Router()
                .get("/", r -> Response.text("hello"))
                .get("/users/{id}", r -> Response.json("{\"id\": \"" + r.pathParam("id") + "\"}"))
                .post("/len", r -> Response.text(r.bytes().length + ""))
                .post("/form", r -> Response.text(r.form().get("name").get(0)))
                .get(
                        "/stream",
                        r -> Response.stream("text/plain", out -> {
                            for (int i = 0; i < 100; i++) {
                                out.write(("line " + i + "\n").getBytes());
                            }
                        }))
                .staticFiles("/static", staticDir)
                .webSocket("/ws", ws -> {
                    for (WebSocketMessage m : ws) {
                        ws.send("echo " + m.text());
                    }
                });
    }

    private static final Duration PEER = Duration.ofSeconds(30);

    @Test
    void curlReusesOneKeepAliveConnectionForSeveralRequests() {
        run(() -> {
            String curl = HttpTesting.peer("curl", "curl");
            HttpServer server = HttpServer.start(app(dir), "127.0.0.1", 0);
            String base = "http://127.0.0.1:" + server.port();
            HttpTesting.Ran r =
                    runPeer(List.of(curl, "-sv", "--http1.1", base + "/", base + "/users/42", base + "/stream"), PEER);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("hello{\"id\": \"42\"}line 0\n").endsWith("line 99\n");
            assertThat(r.err()).contains("Re-using existing connection");
            assertThat(r.err().split("Connected to", -1))
                    .as("one TCP connection")
                    .hasSize(2);
            assertThat(r.err()).contains("Transfer-Encoding: chunked");
            server.close();
        });
    }

    @Test
    void curlUploadsChunkedAndWithExpectContinueAndGetsHeadAndStaticFiles() {
        run(() -> {
            String curl = HttpTesting.peer("curl", "curl");
            Files.writeString(dir.resolve("page.html"), "<h1>static</h1>");
            Path upload = Files.write(dir.resolve("upload.bin"), new byte[300_000]);
            HttpServer server = HttpServer.start(app(dir), "127.0.0.1", 0);
            String base = "http://127.0.0.1:" + server.port();
            HttpTesting.Ran chunked = runPeer(
                    List.of(
                            curl,
                            "-s",
                            "-H",
                            "Transfer-Encoding: chunked",
                            "--data-binary",
                            "@" + upload,
                            base + "/len"),
                    PEER);
            assertThat(chunked.out()).isEqualTo("300000");
            HttpTesting.Ran expect = runPeer(
                    List.of(curl, "-sv", "-H", "Expect: 100-continue", "--data-binary", "@" + upload, base + "/len"),
                    PEER);
            assertThat(expect.out()).isEqualTo("300000");
            assertThat(expect.err()).contains("HTTP/1.1 100 Continue");
            HttpTesting.Ran form =
                    runPeer(List.of(curl, "-s", "--data-urlencode", "name=Zoë & co", base + "/form"), PEER);
            assertThat(form.out()).isEqualTo("Zoë & co");
            HttpTesting.Ran head = runPeer(List.of(curl, "-sI", base + "/static/page.html"), PEER);
            assertThat(head.out())
                    .startsWith("HTTP/1.1 200 OK")
                    .contains("Content-Length: 15")
                    .contains("Content-Type: text/html");
            HttpTesting.Ran file = runPeer(List.of(curl, "-s", base + "/static/page.html"), PEER);
            assertThat(file.out()).isEqualTo("<h1>static</h1>");
            HttpTesting.Ran escape = runPeer(
                    List.of(
                            curl,
                            "-s",
                            "-o",
                            "/dev/null",
                            "-w",
                            "%{http_code}",
                            "--path-as-is",
                            base + "/static/../HttpPeerTest.java"),
                    PEER);
            assertThat(escape.out()).isEqualTo("404");
            server.close();
        });
    }

    @Test
    void servesTlsToCurlAndWssToTheClient() {
        run(() -> {
            String curl = HttpTesting.peer("curl", "curl");
            HttpServer server = HttpServer.start(
                    app(dir),
                    "127.0.0.1",
                    0,
                    HttpServerOptions.defaults()
                            .withNet(dev.aio4j.net.ServerOptions.defaults().withSsl(TestCerts.serverContext())));
            HttpTesting.Ran r =
                    runPeer(List.of(curl, "-sk", "https://127.0.0.1:" + server.port() + "/users/tls"), PEER);
            assertThat(r.out()).isEqualTo("{\"id\": \"tls\"}");
            WebSocket ws = WebSocket.connect(
                    "wss://127.0.0.1:" + server.port() + "/ws",
                    WebSocketOptions.defaults()
                            .withNet(ConnectOptions.defaults().withSsl(TestCerts.clientContext())));
            ws.send("secret");
            assertThat(ws.receive().text()).isEqualTo("echo secret");
            ws.close();
            server.close();
        });
    }

    private static final String AIOHTTP_CLIENT =
            """
            import asyncio, sys, aiohttp
            async def main(base):
                conn = aiohttp.TCPConnector(limit=1)
                async with aiohttp.ClientSession(connector=conn) as s:
                    async with s.get(base + "/users/7") as r:
                        print(r.status, await r.json())
                    async def gen():
                        for i in range(10):
                            yield b"x" * 1000
                    async with s.post(base + "/len", data=gen()) as r:
                        print(r.status, r.headers.get("Content-Length"), await r.text())
                    async with s.post(base + "/form", data={"name": "aiohttp"}) as r:
                        print(r.status, await r.text())
                    async with s.get(base + "/stream") as r:
                        n = 0
                        async for line in r.content:
                            n += 1
                        print(r.status, n)
                    async with s.get(base + "/missing") as r:
                        print(r.status)
                    async with s.ws_connect(base + "/ws") as ws:
                        await ws.send_str("hi")
                        m = await ws.receive()
                        print("ws", m.data)
                        await ws.close()
            asyncio.run(main(sys.argv[1]))
            """;

    @Test
    void aiohttpClientSessionTalksToTheServer() {
        run(() -> {
            String py = HttpTesting.python("aiohttp", "python3-aiohttp");
            Path script = Files.writeString(dir.resolve("client.py"), AIOHTTP_CLIENT);
            HttpServer server = HttpServer.start(app(dir), "127.0.0.1", 0);
            HttpTesting.Ran r = runPeer(List.of(py, script.toString(), "http://127.0.0.1:" + server.port()), PEER);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("200 {'id': '7'}\n200 5 10000\n200 aiohttp\n200 100\n404\nws echo hi\n");
            server.close();
        });
    }
}
