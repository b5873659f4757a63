package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.RunOptions;
import dev.aio4j.Signal;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import dev.aio4j.net.StreamReader;
import dev.aio4j.net.StreamWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A line-based chat: every line a client sends is broadcast to every other connected client.
 * Try it with two or three {@code nc 127.0.0.1 PORT} terminals.
 *
 * <p>No locks anywhere: the set of clients is only touched from tasks of one loop, which run
 * one at a time between their waits (the asyncio guarantee). A client that reads too slowly
 * would make {@code drain()} wait; a broadcast does not wait for anyone, it only writes, so one
 * slow client cannot stall the room (its buffer grows until it is dropped, see {@code MAX_BACKLOG}).
 *
 * <p>Ctrl-C (SIGINT) or SIGTERM shuts it down gracefully: {@code serveForever} is cancelled,
 * which stops accepting and cancels every client's handler; each says goodbye to its client
 * and closes; a client still connected after {@link Server#DEFAULT_SHUTDOWN_GRACE} is cut off.
 * The process then prints one line and exits with 130 (143 for SIGTERM).
 *
 * <pre>
 *   ./aio4j example ChatServer --host 127.0.0.1 --port 0     (prints "listening on H:P")
 * </pre>
 */
public final class ChatServer {
    /** A client whose unsent backlog passes this is disconnected instead of buffered forever. */
    static final int MAX_BACKLOG = 1024 * 1024;

    private final Map<StreamWriter, String> clients = new LinkedHashMap<>();
    private int joined;

    private ChatServer() {}

    public static void main(String[] args) {
        String host = EchoServer.option(args, "--host", "127.0.0.1");
        int port = Integer.parseInt(EchoServer.option(args, "--port", "8889"));
        ChatServer chat = new ChatServer();
        // SIGTERM too: a process manager stops services with it.
        Aio.run(
                () -> {
                    Aio.currentTask().setName("chat-server"); // the name ./aio4j ps and pstree show
                    Server server = Net.startServer(chat::serve, host, port);
                    InetSocketAddress bound =
                            (InetSocketAddress) server.addresses().get(0);
                    System.out.println("listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
                    System.out.flush();
                    server.serveForever();
                },
                RunOptions.defaults().withCancelSignals(Signal.INT, Signal.TERM));
    }

    private void serve(StreamReader reader, StreamWriter writer) throws IOException {
        String name = "guest" + (++joined);
        clients.put(writer, name);
        writer.write("welcome " + name + ", " + (clients.size() - 1) + " others here\n");
        broadcast(writer, "* " + name + " joined\n");
        try {
            for (byte[] line : reader.lines()) {
                String text = new String(line, StandardCharsets.UTF_8).stripTrailing();
                if (!text.isEmpty()) {
                    broadcast(writer, name + ": " + text + "\n");
                }
            }
        } catch (UncheckedIOException reset) {
            // lines() wraps the read's IOException: the client reset or vanished, so it left
        } catch (CancelledError shutdown) {
            writer.write("* server shutting down, goodbye\n");
            throw shutdown;
        } finally {
            clients.remove(writer);
            broadcast(writer, "* " + name + " left\n");
            writer.close();
        }
    }

    private void broadcast(StreamWriter from, String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        for (StreamWriter w : clients.keySet().toArray(new StreamWriter[0])) {
            if (w == from || w.isClosing()) {
                continue;
            }
            if (w.transport().getWriteBufferSize() > MAX_BACKLOG) {
                w.transport().abort(); // too slow: drop it rather than buffer without bound
                continue;
            }
            w.write(bytes);
        }
    }
}
