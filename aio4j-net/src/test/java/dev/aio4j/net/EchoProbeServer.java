package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.RunOptions;

/**
 * An echo server written the plain way (no catch for resets), run in its own JVM by the tests
 * that look at what a server prints under faults. Prints {@code port N}; ends when stdin closes.
 */
public final class EchoProbeServer {
    private EchoProbeServer() {}

    public static void main(String[] args) {
        Aio.run(
                () -> {
                    Server server = Net.startServer(
                            (reader, writer) -> {
                                for (byte[] data; (data = reader.read(64 * 1024)).length > 0; ) {
                                    writer.write(data);
                                    writer.drain();
                                }
                                writer.close();
                            },
                            "127.0.0.1",
                            0);
                    System.out.println("port " + server.port());
                    System.out.flush();
                    Aio.toThread(() -> System.in.read(new byte[1]));
                    server.close();
                    server.abortClients();
                },
                RunOptions.defaults().withSigintHandling(false));
    }
}
