package com.example.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import dev.aio4j.test.AioTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server through real sockets on 127.0.0.1, port 0. The server starts in @BeforeEach and
 * stops in @AfterEach on the test's own loop; the extension then checks that no socket and no
 * task outlived the test.
 */
@AioTest
class KeyValueServerTest {

    private KeyValueServer server;

    @BeforeEach
    void start() throws IOException {
        server = KeyValueServer.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String ask(Connection c, String command) throws IOException {
        c.writer().write(command + "\n");
        return new String(c.reader().readline(), StandardCharsets.UTF_8).strip();
    }

    private Connection connect() throws IOException {
        return Net.openConnection("127.0.0.1", server.port());
    }

    private static void close(Connection c) throws IOException {
        c.writer().close();
        c.writer().waitClosed();
    }

    @Test
    void storesAndReturnsValues() throws IOException {
        Connection c = connect();
        assertEquals("NONE", ask(c, "GET colour"));
        assertEquals("OK", ask(c, "SET colour dark blue"));
        assertEquals("VALUE dark blue", ask(c, "GET colour"));
        assertEquals("ERROR unknown command: DEL", ask(c, "DEL colour"));
        close(c);
    }

    @Test
    void clientsShareTheDataAndAreServedConcurrently() throws Exception {
        List<Task<String>> clients = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            clients.add(Aio.createTask(() -> {
                Connection c = connect();
                ask(c, "SET k" + n + " v" + n);
                String answer = ask(c, "GET k" + ((n + 1) % 50));
                close(c);
                return answer;
            }));
        }
        for (Task<String> t : clients) {
            String answer = t.await(); // the neighbour's key may or may not be set yet
            assertTrue(answer.startsWith("VALUE v") || answer.equals("NONE"), answer);
        }
        Connection c = connect();
        for (int i = 0; i < 50; i++) {
            assertEquals("VALUE v" + i, ask(c, "GET k" + i));
        }
        close(c);
    }
}
