package dev.aio4j.net;

import static dev.aio4j.net.NetTesting.bytes;
import static dev.aio4j.net.NetTesting.run;
import static dev.aio4j.net.NetTesting.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.net.NetTesting.PeerProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** aio4j streams against programs that are not aio4j: CPython's asyncio and netcat. */
class PeerTest {

    private static final Duration PEER_LIMIT = Duration.ofSeconds(20);

    static final String PY_CLIENT =
            """
            import asyncio, sys
            async def main(port):
                reader, writer = await asyncio.open_connection('127.0.0.1', port, limit=2**20)
                got = []
                for i in range(100):
                    writer.write(b'line %d\\n' % i)
                    await writer.drain()
                    got.append(await reader.readline())
                writer.write(b'x' * 200000 + b'\\n')
                big = await reader.readuntil(b'\\n')
                writer.write_eof()
                rest = await reader.read()
                writer.close()
                await writer.wait_closed()
                ok = got == [b'line %d\\n' % i for i in range(100)] and len(big) == 200001 and rest == b''
                print('OK' if ok else 'BAD %r' % got[:3], flush=True)
            asyncio.run(main(int(sys.argv[1])))
            """;

    static final String PY_SERVER =
            """
            import asyncio
            async def handle(reader, writer):
                while True:
                    line = await reader.readline()
                    if not line:
                        break
                    writer.write(line.upper())
                    await writer.drain()
                writer.write(b'bye\\n')
                await writer.drain()
                writer.close()
                await writer.wait_closed()
            async def main():
                server = await asyncio.start_server(handle, '127.0.0.1', 0)
                print('listening %d' % server.sockets[0].getsockname()[1], flush=True)
                async with server:
                    await asyncio.wait_for(server.serve_forever(), 20)
            try:
                asyncio.run(main())
            except (asyncio.TimeoutError, KeyboardInterrupt):
                pass
            """;

    @Test
    void cpythonAsyncioClientTalksToAnAio4jServer() {
        String python = NetTesting.python();
        String out = run(() -> {
            Server server = Net.startServer(TcpStreamsTest.ECHO, "127.0.0.1", 0);
            PeerProcess client =
                    Aio.toThread(() -> new PeerProcess(List.of(python, "-c", PY_CLIENT, "" + server.port())));
            try {
                int code = Aio.toThread(() -> client.waitFor(PEER_LIMIT));
                assertThat(code).as(client.output()).isZero();
                return client.output();
            } finally {
                client.close();
                server.close();
                server.waitClosed();
            }
        });
        assertThat(out).contains("OK");
    }

    @Test
    void anAio4jClientTalksToACpythonAsyncioServer() {
        String python = NetTesting.python();
        List<String> got = run(() -> {
            PeerProcess server = Aio.toThread(() -> new PeerProcess(List.of(python, "-c", PY_SERVER)));
            try {
                String banner = Aio.toThread(() -> server.awaitOutput("\n", PEER_LIMIT));
                int port = Integer.parseInt(banner.trim().split(" ")[1]);
                Connection c = Net.openConnection("127.0.0.1", port);
                c.writer().write("hello\n");
                c.writer().write("world\n");
                c.writer().drain();
                String a = str(c.reader().readline());
                String b = str(c.reader().readline());
                c.writer().writeEof();
                String bye = str(c.reader().readline());
                assertThat(c.reader().read()).isEmpty();
                c.writer().close();
                c.writer().waitClosed();
                return List.of(a, b, bye);
            } finally {
                server.close();
            }
        });
        assertThat(got).containsExactly("HELLO\n", "WORLD\n", "bye\n");
    }

    @Test
    void netcatClientGetsItsBytesEchoedByAnAio4jServer() {
        String nc = NetTesting.peer("nc", "netcat-openbsd");
        String out = run(() -> {
            Server server = Net.startServer(TcpStreamsTest.ECHO, "127.0.0.1", 0);
            try {
                return Aio.toThread(() -> {
                    try (PeerProcess p = new PeerProcess(List.of(nc, "-N", "127.0.0.1", "" + server.port()))) {
                        try (OutputStream in = p.process.getOutputStream()) {
                            in.write(bytes("ping from nc\n"));
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
        assertThat(out).isEqualTo("ping from nc\n");
    }

    @Test
    void anAio4jClientSendsToAListeningNetcat() throws IOException {
        String nc = NetTesting.peer("nc", "netcat-openbsd");
        int port;
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
        int p = port;
        String received = run(() -> {
            PeerProcess listener = Aio.toThread(() -> new PeerProcess(List.of(nc, "-l", "127.0.0.1", "" + p)));
            try {
                Connection c = null;
                for (int i = 0; i < 200 && c == null; i++) { // until nc listens
                    try {
                        c = Net.openConnection("127.0.0.1", p);
                    } catch (java.net.ConnectException notYet) {
                        Aio.sleep(Duration.ofMillis(10));
                    }
                }
                assertThat(c).as("nc listens on " + p).isNotNull();
                c.writer().write("to nc\n");
                c.writer().close();
                c.writer().waitClosed();
                Aio.toThread(() -> listener.waitFor(PEER_LIMIT));
                return listener.output();
            } finally {
                listener.close();
            }
        });
        assertThat(received).isEqualTo("to nc\n");
    }
}
