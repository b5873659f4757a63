package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import java.nio.charset.StandardCharsets;

/**
 * The classic asyncio echo client: sends a few lines, prints what comes back, half-closes and
 * waits for the server to finish.
 *
 * <pre>
 *   ./aio4j example EchoClient --host 127.0.0.1 --port 8888 --message hello --count 3
 * </pre>
 */
public final class EchoClient {
    private EchoClient() {}

    public static void main(String[] args) {
        String host = EchoServer.option(args, "--host", "127.0.0.1");
        int port = Integer.parseInt(EchoServer.option(args, "--port", "8888"));
        String message = EchoServer.option(args, "--message", "Hello World!");
        int count = Integer.parseInt(EchoServer.option(args, "--count", "1"));
        Aio.run(() -> {
            Connection c = Net.openConnection(host, port);
            for (int i = 0; i < count; i++) {
                c.writer().write(message + "\n");
                c.writer().drain();
                byte[] line = c.reader().readline();
                System.out.print("received: " + new String(line, StandardCharsets.UTF_8));
            }
            c.writer().writeEof(); // tell the server we are done; it closes its side
            byte[] rest = c.reader().read();
            if (rest.length > 0) {
                System.out.print("received: " + new String(rest, StandardCharsets.UTF_8));
            }
            c.writer().close();
            c.writer().waitClosed();
            System.out.println("closed");
        });
    }
}
