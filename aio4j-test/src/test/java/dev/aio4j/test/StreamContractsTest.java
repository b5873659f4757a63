package dev.aio4j.test;

import dev.aio4j.Aio;
import dev.aio4j.net.ClientHandler;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import dev.aio4j.test.contract.StreamContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** The shipped stream contract over TCP, Unix-domain sockets and in-memory pairs. */
class StreamContractsTest {

    static StreamContract.Endpoint closing(Server server, StreamContract.Endpoint.Opener connect) {
        return StreamContract.Endpoint.of(connect, () -> {
            server.close();
            server.closeClients();
            server.waitClosed();
        });
    }

    @Nested
    class OverTcp extends StreamContract {
        @Override
        protected Endpoint start(ClientHandler handler) throws Exception {
            Server server = Net.startServer(handler, "127.0.0.1", 0);
            return closing(server, () -> Net.openConnection("127.0.0.1", server.port()));
        }
    }

    @Nested
    class OverUnixSockets extends StreamContract {
        @Override
        protected Endpoint start(ClientHandler handler) throws Exception {
            Path dir = Files.createTempDirectory("aio4j-contract");
            dir.toFile().deleteOnExit();
            Path path = dir.resolve("s.sock");
            Server server = Net.startUnixServer(handler, path);
            return StreamContract.Endpoint.of(() -> Net.openUnixConnection(path), () -> {
                server.close();
                server.closeClients();
                server.waitClosed();
                Files.deleteIfExists(dir);
            });
        }
    }

    @Nested
    @AioTest(virtualTime = true)
    class InMemory extends StreamContract {
        @Override
        protected Endpoint start(ClientHandler handler) {
            List<dev.aio4j.Task<Void>> served = new ArrayList<>();
            return StreamContract.Endpoint.of(
                    () -> {
                        MemoryStreams.StreamPair pair = MemoryStreams.pair(4096);
                        served.add(Aio.createTask(() -> {
                            try {
                                handler.handle(
                                        pair.right().reader(), pair.right().writer());
                            } finally {
                                pair.right().writer().close();
                            }
                        }));
                        return pair.left();
                    },
                    () -> {
                        for (var t : served) {
                            t.cancel();
                        }
                        for (var t : served) {
                            try {
                                t.await();
                            } catch (dev.aio4j.CancelledError | java.util.concurrent.CompletionException e) {
                                // the handler ended with the connection
                            }
                        }
                    });
        }
    }
}
