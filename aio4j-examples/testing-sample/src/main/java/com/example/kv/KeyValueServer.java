package com.example.kv;

import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import dev.aio4j.net.StreamReader;
import dev.aio4j.net.StreamWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A tiny line-protocol key-value server: {@code SET key value} answers {@code OK},
 * {@code GET key} answers {@code VALUE value} or {@code NONE}, anything else {@code ERROR ...}.
 * Every client shares one map; no lock is needed, all clients run on one loop.
 */
public final class KeyValueServer implements AutoCloseable {

    private final Map<String, String> data = new HashMap<>();
    private final Server server;

    private KeyValueServer(String host, int port) throws IOException {
        this.server = Net.startServer(this::serve, host, port);
    }

    /** Starts serving on {@code host:port} (port 0: any free port). Call from a task. */
    public static KeyValueServer start(String host, int port) throws IOException {
        return new KeyValueServer(host, port);
    }

    public int port() {
        return server.port();
    }

    private void serve(StreamReader reader, StreamWriter writer) throws IOException {
        for (byte[] line : reader.lines()) {
            writer.write(answer(new String(line, StandardCharsets.UTF_8).strip()) + "\n");
            writer.drain();
        }
        writer.close();
    }

    private String answer(String command) {
        String[] parts = command.split(" ", 3);
        return switch (parts[0]) {
            case "SET" -> {
                if (parts.length < 3) {
                    yield "ERROR usage: SET key value";
                }
                data.put(parts[1], parts[2]);
                yield "OK";
            }
            case "GET" ->
                parts.length < 2
                        ? "ERROR usage: GET key"
                        : data.containsKey(parts[1]) ? "VALUE " + data.get(parts[1]) : "NONE";
            default -> "ERROR unknown command: " + parts[0];
        };
    }

    /** Stops listening, closes every client and waits until they are gone. */
    @Override
    public void close() {
        server.close();
        server.closeClients();
        server.waitClosed();
    }
}
