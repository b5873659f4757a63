package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.net.GroupServer;
import dev.aio4j.net.LoopGroup;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import dev.aio4j.net.StreamReader;
import dev.aio4j.net.StreamWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * The classic asyncio echo server: every byte a client sends comes back, until the client
 * closes. Each client is served by its own task.
 *
 * <pre>
 *   ./aio4j example EchoServer --host 127.0.0.1 --port 0     (prints "listening on H:P")
 *   ./aio4j example EchoServer --port 0 --loops 2            (a LoopGroup: one loop per core)
 * </pre>
 *
 * <p>With {@code --loops N} the same handler runs on a {@link LoopGroup} of N loops that all
 * listen on the port (SO_REUSEPORT); the kernel spreads the clients over them. Ctrl-C shuts the
 * group down: servers first, then the tasks left.
 */
public final class EchoServer {
    private EchoServer() {
    }

    public static void main(String[] args) throws Exception {
        String host = option(args, "--host", "127.0.0.1");
        int port = Integer.parseInt(option(args, "--port", "8888"));
        String loops = option(args, "--loops", null);
        if (loops != null) {
            serveOnLoopGroup(host, port, Integer.parseInt(loops));
            return;
        }
        Aio.run(() -> {
            Server server = Net.startServer(EchoServer::serve, host, port);
            InetSocketAddress bound = (InetSocketAddress) server.addresses().get(0);
            System.out.println("listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
            System.out.flush();
            server.serveForever(); // until Ctrl-C cancels the main task
        });
    }

    /** The same server on every loop of a group, until Ctrl-C. */
    private static void serveOnLoopGroup(String host, int port, int loops) throws Exception {
        LoopGroup group = LoopGroup.start(loops);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            group.close(); // servers first (cancelling the handlers), then the tasks left, then the loops
            stopped.countDown();
        }));
        GroupServer server = group.startServer(EchoServer::serve, host, port);
        System.out.println("listening on " + host + ":" + server.port() + " with " + group.size() + " loops");
        System.out.flush();
        stopped.await();
    }

    /** One client: echo until EOF, then close our side too. A client that resets just leaves. */
    static void serve(StreamReader reader, StreamWriter writer) throws IOException {
        try {
            while (true) {
                byte[] data = reader.read(64 * 1024);
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
