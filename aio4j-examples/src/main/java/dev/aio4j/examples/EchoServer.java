package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.net.ClientHandler;
import dev.aio4j.net.GroupServer;
import dev.aio4j.net.LoopGroup;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import dev.aio4j.net.StreamReader;
import dev.aio4j.net.StreamWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The classic asyncio echo server: every byte a client sends comes back, until the client
 * closes. Each client is served by its own task.
 *
 * <pre>
 *   ./aio4j example EchoServer --host 127.0.0.1 --port 0     (prints "listening on H:P")
 *   ./aio4j example EchoServer --port 0 --loops 2            (a LoopGroup: one loop per core)
 *   ./aio4j example EchoServer --port 0 --read-into          (the fewer-copies variant)
 * </pre>
 *
 * <p>With {@code --loops N} the same handler runs on a {@link LoopGroup} of N loops that all
 * listen on the port (SO_REUSEPORT); the kernel spreads the clients over them. Ctrl-C shuts the
 * group down: servers first, then the tasks left.
 *
 * <p>{@code --read-into} serves with {@link #serveWithBuffer}: one direct buffer per client,
 * filled by {@link StreamReader#readInto} and written back as it is, so no byte is copied in
 * Java.
 */
public final class EchoServer {
    private EchoServer() {}

    /**
     * The most one read returns: 256 KiB, so a message of up to twice the reader's limit (64 KiB)
     * that has arrived whole is read with one system call and echoed with one more (asyncio's
     * Protocol path reads up to 256 KiB too; its stream examples ask for 64 KiB).
     */
    static final int READ_SIZE = 256 * 1024;

    public static void main(String[] args) throws Exception {
        String host = option(args, "--host", "127.0.0.1");
        int port = Integer.parseInt(option(args, "--port", "8888"));
        ClientHandler handler = List.of(args).contains("--read-into") ? EchoServer::serveWithBuffer : EchoServer::serve;
        String loops = option(args, "--loops", null);
        if (loops != null) {
            serveOnLoopGroup(handler, host, port, Integer.parseInt(loops));
            return;
        }
        Aio.run(() -> {
            Server server = Net.startServer(handler, host, port);
            InetSocketAddress bound = (InetSocketAddress) server.addresses().get(0);
            System.out.println("listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
            System.out.flush();
            server.serveForever(); // until Ctrl-C cancels the main task
        });
    }

    /** The same server on every loop of a group, until Ctrl-C. */
    private static void serveOnLoopGroup(ClientHandler handler, String host, int port, int loops) throws Exception {
        LoopGroup group = LoopGroup.start(loops);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            group.close(); // servers first (cancelling the handlers), then the tasks left, then the loops
            stopped.countDown();
        }));
        GroupServer server = group.startServer(handler, host, port);
        System.out.println("listening on " + host + ":" + server.port() + " with " + group.size() + " loops");
        System.out.flush();
        stopped.await();
    }

    /** One client: echo until EOF, then close our side too. A client that resets just leaves. */
    static void serve(StreamReader reader, StreamWriter writer) throws IOException {
        try {
            while (true) {
                byte[] data = reader.read(READ_SIZE);
                if (data.length == 0) {
                    break; // the client closed its side
                }
                writer.write(data);
                writer.drain(); // wait here if the client reads slower than it writes
            }
            writer.close();
            writer.waitClosed();
        } catch (IOException reset) {
            // Only this client's socket does I/O here: a reset or broken pipe, an expected event
            // for a server. The connection is gone already; nothing to report.
        }
    }

    /** {@link #serve} through one reused direct buffer: readInto fills it, write sends it. */
    static void serveWithBuffer(StreamReader reader, StreamWriter writer) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_SIZE);
        try {
            while (reader.readInto(buffer.clear()) > 0) {
                writer.write(buffer.flip()); // copies only what the socket does not take now
                writer.drain();
            }
            writer.close();
            writer.waitClosed();
        } catch (IOException reset) {
            // as in serve
        }
    }

    /** The value after {@code name} in {@code args}, or {@code fallback}. */
    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
