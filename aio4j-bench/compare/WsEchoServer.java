import dev.aio4j.Aio;
import dev.aio4j.http.server.HttpServer;
import dev.aio4j.http.server.Router;
import dev.aio4j.http.websocket.WebSocketMessage;

/** A WebSocket echo server on aio4j (the server side of http_bench.py --ws). */
public class WsEchoServer {
    public static void main(String[] args) {
        Aio.run(() -> {
            Router router = new Router().webSocket("/", ws -> {
                for (WebSocketMessage m : ws) {
                    if (m.isText()) {
                        ws.send(m.text());
                    } else {
                        ws.send(m.data());
                    }
                }
            });
            HttpServer server = HttpServer.start(router, "127.0.0.1", Integer.parseInt(args[0]));
            System.out.println("listening on 127.0.0.1:" + server.port());
            server.serveForever();
        });
    }
}
