package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.ContextVar;
import dev.aio4j.Task;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import dev.aio4j.net.StreamReader;
import dev.aio4j.net.StreamWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Log correlation with a {@link ContextVar}: the handler of each request sets a request ID
 * once, and every line logged while serving it carries that ID, from the handler, from the
 * sub-tasks it starts and from the work it sends to a thread with {@code Aio.toThread}, while
 * many requests interleave on one loop.
 *
 * <p>A request is one line, {@code "GET <user>"}; the answer is one line,
 * {@code "<request id> <user> <profile> <orders> <score>"}. Log lines go to System.Logger
 * "dev.aio4j.examples.RequestIds" as {@code "[<request id>] message"}; with SLF4J, put the ID in
 * the MDC instead and register the MDC bridge shown in docs/context.md.
 *
 * <pre>
 *   ./aio4j example RequestIds --host 127.0.0.1 --port 0     (prints "listening on H:P")
 *   printf 'GET alice\n' | nc 127.0.0.1 PORT
 * </pre>
 */
public final class RequestIds {
    /** The ID of the request being served; "-" outside any request. */
    static final ContextVar<String> REQUEST_ID = new ContextVar<>("requestId", "-");

    private static final System.Logger LOG = System.getLogger("dev.aio4j.examples.RequestIds");
    private static int nextId;

    private RequestIds() {}

    public static void main(String[] args) {
        String host = EchoServer.option(args, "--host", "127.0.0.1");
        int port = Integer.parseInt(EchoServer.option(args, "--port", "8080"));
        Aio.run(() -> {
            Server server = Net.startServer(RequestIds::serve, host, port);
            InetSocketAddress bound = (InetSocketAddress) server.addresses().get(0);
            System.out.println("listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
            System.out.flush();
            server.serveForever();
        });
    }

    /** One connection, one request. Every task this handler starts inherits the ID. */
    static void serve(StreamReader reader, StreamWriter writer) throws IOException {
        String request = new String(reader.readline(), StandardCharsets.UTF_8).trim();
        String user = request.startsWith("GET ") ? request.substring(4) : "?";
        REQUEST_ID.set("req-" + (++nextId)); // the handler runs in its own task: nothing to reset
        log("received " + request);

        Task<String> profile = Aio.createTask(() -> {
            Aio.sleep(delayFor(user, 3));
            log("loaded the profile of " + user);
            return "profile:" + user;
        });
        Task<Integer> orders = Aio.createTask(() -> {
            Aio.sleep(delayFor(user, 5));
            log("counted the orders of " + user);
            return user.length();
        });
        int score = Aio.toThread(() -> {
            log("scoring " + user + " on " + Thread.currentThread().getName());
            return Math.abs(user.hashCode() % 100);
        });
        String answer = REQUEST_ID.get() + " " + user + " " + profile.await() + " " + orders.await() + " " + score;
        log("answered " + user);
        writer.write(answer + "\n");
        writer.drain();
        writer.close();
        writer.waitClosed();
    }

    /** A log line tagged with the current request's ID, as an MDC pattern would tag it. */
    static void log(String message) {
        LOG.log(System.Logger.Level.INFO, "[" + REQUEST_ID.get() + "] " + message);
    }

    /** Different users wait different times, so requests interleave. */
    private static Duration delayFor(String user, int salt) {
        return Duration.ofMillis(1 + Math.floorMod(user.hashCode() * salt, 40));
    }
}
