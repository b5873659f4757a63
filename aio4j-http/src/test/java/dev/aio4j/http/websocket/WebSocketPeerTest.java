package dev.aio4j.http.websocket;

import static dev.aio4j.http.HttpTesting.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.http.HttpTesting;
import dev.aio4j.http.server.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Python's websockets library (Debian's python3-websockets) as client and as server. */
class WebSocketPeerTest {

    @TempDir
    Path dir;

    private static final String CLIENT =
            """
            import asyncio, sys, websockets
            async def main(port):
                async with websockets.connect(f"ws://127.0.0.1:{port}/echo", max_size=None) as ws:
                    print("extensions", [e.name for e in ws.extensions])
                    await ws.send("hello")
                    print("text", await ws.recv())
                    await ws.send(bytes([0, 1, 2, 255]))
                    print("binary", (await ws.recv()).hex())
                    await ws.send(["frag", "men", "ted"])
                    print("fragments", await ws.recv())
                    pong = await ws.ping(b"p")
                    await asyncio.wait_for(pong, 10)
                    print("pong")
                    await ws.send("x" * 200000)
                    print("big", len(await ws.recv()))
                    await ws.close(code=4000, reason="bye")
                    print("closed", ws.close_code)
            asyncio.run(main(int(sys.argv[1])))
            """;

    @Test
    void pythonWebsocketsClientTalksToTheServer() {
        run(() -> {
            String py = HttpTesting.python("websockets", "python3-websockets");
            Path script = Files.writeString(dir.resolve("client.py"), CLIENT);
            List<Integer> codes = new ArrayList<>();
            HttpServer server = HttpServer.start(WebSocketTest.echo(codes), "127.0.0.1", 0);
            HttpTesting.Ran ran = HttpTesting.runPeer(
                    List.of(py, script.toString(), Integer.toString(server.port())), Duration.ofSeconds(30));
            assertThat(ran.exit()).as(ran.err()).isZero();
            assertThat(ran.out())
                    .isEqualTo(
                            "extensions ['permessage-deflate']\ntext hello\nbinary 000102ff\nfragments fragmented\npong\nbig 200000\n"
                                    + "closed 4000\n");
            server.shutdown(Duration.ofSeconds(5));
            assertThat(codes).containsExactly(4000);
        });
    }

    private static final String SERVER =
            """
            import asyncio, websockets
            async def handler(ws, path=None):
                await ws.send("extensions " + ",".join(e.name for e in ws.extensions))
                async for m in ws:
                    if m == "fragments please":
                        await ws.send(["a", "b", "c"])
                    elif m == "close 4002":
                        await ws.close(code=4002, reason="asked")
                    else:
                        await ws.send(m)
            async def main():
                async with websockets.serve(handler, "127.0.0.1", 0, max_size=None) as server:
                    print(server.sockets[0].getsockname()[1], flush=True)
                    await asyncio.Future()
            asyncio.run(main())
            """;

    @Test
    void theClientTalksToAPythonWebsocketsServer() {
        run(() -> {
            String py = HttpTesting.python("websockets", "python3-websockets");
            Path script = Files.writeString(dir.resolve("server.py"), SERVER);
            Process p = new ProcessBuilder(py, script.toString())
                    .redirectErrorStream(true)
                    .start();
            try {
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                int port = Integer.parseInt(Aio.toThread(out::readLine).trim());
                WebSocket ws = WebSocket.connect("ws://127.0.0.1:" + port + "/");
                assertThat(ws.receive().text()).isEqualTo("extensions permessage-deflate");
                ws.send("ping me " + "z".repeat(500));
                assertThat(ws.receive().text()).isEqualTo("ping me " + "z".repeat(500));
                ws.send("ping me");
                assertThat(ws.receive().text()).isEqualTo("ping me");
                ws.send(new byte[] {9, 8, 7});
                assertThat(ws.receive().data()).containsExactly(9, 8, 7);
                ws.send("fragments please");
                assertThat(ws.receive().text()).isEqualTo("abc");
                byte[] big = new byte[500_000];
                ws.send(big);
                assertThat(ws.receive().data()).hasSize(500_000);
                ws.close();
                assertThat(ws.closeCode()).isEqualTo(1000);

                WebSocket ws2 = WebSocket.connect(
                        "ws://127.0.0.1:" + port + "/",
                        WebSocketOptions.defaults().withCompress(false));
                assertThat(ws2.receive().text()).isEqualTo("extensions ");
                ws2.send("close 4002");
                List<String> got = new ArrayList<>();
                try {
                    for (WebSocketMessage m : ws2) {
                        got.add(m.text());
                    }
                } catch (java.io.UncheckedIOException e) {
                    assertThat(e.getCause()).isInstanceOf(WebSocketClosedError.class);
                }
                assertThat(got).isEmpty();
                assertThat(ws2.closeCode()).isEqualTo(4002);
                assertThat(ws2.closeReason()).isEqualTo("asked");
            } finally {
                p.destroyForcibly();
            }
        });
    }
}
