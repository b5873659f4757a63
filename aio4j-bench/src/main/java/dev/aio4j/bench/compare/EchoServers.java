package dev.aio4j.bench.compare;

import dev.aio4j.Aio;
import dev.aio4j.net.BufferedProtocol;
import dev.aio4j.net.ClientHandler;
import dev.aio4j.net.GroupServer;
import dev.aio4j.net.LoopGroup;
import dev.aio4j.net.Net;
import dev.aio4j.net.Protocol;
import dev.aio4j.net.Server;
import dev.aio4j.net.ServerOptions;
import dev.aio4j.net.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * The aio4j echo servers of the side-by-side runner's echo rows, on 127.0.0.1, printing
 * {@code listening on 127.0.0.1:PORT}:
 *
 * <pre>
 *   EchoServers streams  [--loops N]    a task per client: read up to 64 KiB, write, drain
 *   EchoServers protocol [--loops N]    a Protocol per client: write back what arrives
 *   EchoServers buffered [--loops N]    a BufferedProtocol per client: read into its own direct
 *                                       buffer, write that buffer back (no byte[] in between)
 * </pre>
 *
 * <p>Without {@code --loops} the server runs on one loop ({@code Aio.run}); with it, on a
 * {@link LoopGroup} of N loops sharing the port with SO_REUSEPORT.
 */
public final class EchoServers {

    private EchoServers() {}

    /** The streams path, as a user writes it. */
    private static final ClientHandler STREAMS = (reader, writer) -> {
        try {
            for (byte[] data; (data = reader.read(64 * 1024)).length > 0; ) {
                writer.write(data);
                writer.drain();
            }
            writer.close();
        } catch (IOException reset) {
            // the client went away
        }
    };

    /** The protocol path: echo in the callback; stop reading while the peer does not read. */
    private static class EchoProtocol implements Protocol {
        Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(byte[] data) {
            transport.write(data);
        }

        @Override
        public void pauseWriting() {
            transport.pauseReading();
        }

        @Override
        public void resumeWriting() {
            transport.resumeReading();
        }
    }

    /**
     * The zero-copy protocol path (asyncio's BufferedProtocol): the socket is read into the
     * connection's direct buffer and that buffer is written back as it is; what the socket does
     * not take at once the transport copies, so the buffer is free again when write returns.
     */
    private static final class EchoBufferedProtocol extends EchoProtocol implements BufferedProtocol {
        /** 256 KiB, asyncio's read size: a 100 KiB message then takes one read, not two. */
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            return buffer.clear();
        }

        @Override
        public void bufferUpdated(int nbytes) {
            transport.write(buffer.flip());
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1
                || !java.util.List.of("streams", "protocol", "buffered").contains(args[0])) {
            System.err.println("usage: EchoServers streams|protocol|buffered [--loops N]");
            System.exit(2);
        }
        boolean streams = args[0].equals("streams");
        int loops = 0;
        for (int i = 1; i + 1 < args.length; i++) {
            if (args[i].equals("--loops")) {
                loops = Integer.parseInt(args[i + 1]);
            }
        }
        Supplier<Protocol> protocols = args[0].equals("buffered") ? EchoBufferedProtocol::new : EchoProtocol::new;
        if (loops == 0) {
            Aio.run(() -> {
                Server server = streams
                        ? Net.startServer(STREAMS, "127.0.0.1", 0)
                        : Net.createServer(protocols, "127.0.0.1", 0, ServerOptions.defaults());
                listening(server.port());
                server.serveForever();
            });
            return;
        }
        LoopGroup group = LoopGroup.start(loops);
        GroupServer server = streams
                ? group.startServer(STREAMS, "127.0.0.1", 0)
                : group.createServer(protocols, "127.0.0.1", 0, ServerOptions.defaults());
        listening(server.port());
        new CountDownLatch(1).await(); // until the runner kills the process
    }

    private static void listening(int port) {
        System.out.println("listening on 127.0.0.1:" + port);
        System.out.flush();
    }
}
