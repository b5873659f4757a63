package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import dev.aio4j.net.StreamReader;
import dev.aio4j.net.StreamWriter;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The classic asyncio echo server: every byte a client sends comes back, until the client
 * closes. Each client is served by its own task.
 *
 * <pre>
 *   ./aio4j example EchoServer --host 127.0.0.1 --port 0     (prints "listening on H:P")
 * </pre>
 */
public final class EchoServer {
    private EchoServer() {
    }

    public static void main(String[] args) {
        String host = option(args, "--host", "127.0.0.1");
        int port = Integer.parseInt(option(args, "--port", "8888"));
        Aio.run(() -> {
            Server server = Net.startServer(EchoServer::serve, host, port);
            InetSocketAddress bound = (InetSocketAddress) server.addresses().get(0);
            System.out.println("listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
            System.out.flush();
            server.serveForever(); // until Ctrl-C cancels the main task
        });
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
