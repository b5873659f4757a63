package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.http.server.HttpServer;
import dev.aio4j.http.server.Response;
import dev.aio4j.http.server.Router;
import dev.aio4j.http.websocket.WebSocket;
import dev.aio4j.http.websocket.WebSocketMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A chat room in the browser: the server hands out one HTML page whose script talks WebSocket
 * to {@code /ws}; every message a member sends reaches every member.
 *
 * <pre>
 *   ./aio4j example WebSocketChat --port 8080     then open http://127.0.0.1:8080/ in two tabs
 * </pre>
 *
 * <p>Each member is served by its own task (the WebSocket handler). The member set needs no
 * lock: every task runs on the one loop, and it is only touched between waits.
 */
public final class WebSocketChat {
    private WebSocketChat() {}

    private static final Set<WebSocket> members = new LinkedHashSet<>();

    public static void main(String[] args) {
        String host = EchoServer.option(args, "--host", "127.0.0.1");
        int port = Integer.parseInt(EchoServer.option(args, "--port", "8080"));
        Aio.run(() -> {
            String page = page();
            Router router =
                    new Router().get("/", request -> Response.html(page)).webSocket("/ws", WebSocketChat::member);
            HttpServer server = HttpServer.start(router, host, port);
            System.out.println("listening on " + host + ":" + server.port());
            server.serveForever();
        });
    }

    /** One member: greet, then broadcast each message until the member leaves. */
    static void member(WebSocket ws) throws IOException {
        members.add(ws);
        try {
            ws.send("welcome, " + members.size() + " online");
            for (WebSocketMessage m : ws) {
                broadcast(m.text());
            }
        } finally {
            members.remove(ws);
        }
    }

    private static void broadcast(String text) {
        List<WebSocket> gone = new ArrayList<>();
        for (WebSocket member : List.copyOf(members)) {
            try {
                member.send(text); // waits while this member reads slowly
            } catch (IOException e) {
                gone.add(member);
            }
        }
        members.removeAll(gone);
    }

    private static String page() throws IOException {
        try (InputStream in = WebSocketChat.class.getResourceAsStream("chat.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
