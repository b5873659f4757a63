package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.RunOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stream server for memory measurements, run in its own JVM by {@link MemoryPerConnectionTest}.
 * Each handler reads one byte, then waits for EOF and closes. It prints {@code port N}, then
 * answers each stdin line {@code measure} with {@code heap BYTES open N fed N} (heap used after
 * a full GC) and ends on {@code quit}.
 */
public final class MemoryProbeServer {
    private MemoryProbeServer() {}

    public static void main(String[] args) {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger fed = new AtomicInteger();
        Aio.run(
                () -> {
                    Server server = Net.startServer(
                            (reader, writer) -> {
                                open.incrementAndGet();
                                try {
                                    reader.readExactly(1);
                                    fed.incrementAndGet();
                                    reader.read(1); // EOF, or the peer's reset
                                } finally {
                                    open.decrementAndGet();
                                    writer.close();
                                }
                            },
                            "127.0.0.1",
                            0,
                            ServerOptions.defaults().withBacklog(4096));
                    System.out.println("port " + server.port());
                    System.out.flush();
                    Aio.toThread(() -> {
                        BufferedReader in =
                                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                        for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
                            long heap = 0;
                            for (int i = 0; i < 3; i++) {
                                System.gc();
                                heap = Runtime.getRuntime().totalMemory()
                                        - Runtime.getRuntime().freeMemory();
                            }
                            System.out.println("heap " + heap + " open " + open.get() + " fed " + fed.get());
                            System.out.flush();
                        }
                        return null;
                    });
                    server.close();
                    server.abortClients();
                },
                RunOptions.defaults().withSigintHandling(false));
    }
}
