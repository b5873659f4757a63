package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.http.server.HttpServer;
import dev.aio4j.http.server.Response;
import dev.aio4j.http.server.Router;

/**
 * The smallest web application: two routes, one with a path parameter.
 *
 * <pre>
 *   ./aio4j example HttpHello --port 8080       then: curl http://127.0.0.1:8080/hello/you
 * </pre>
 */
public final class HttpHello {
    private HttpHello() {}

    public static void main(String[] args) {
        String host = EchoServer.option(args, "--host", "127.0.0.1");
        int port = Integer.parseInt(EchoServer.option(args, "--port", "8080"));
        Aio.run(() -> {
            Router router = new Router()
                    .get("/", request -> Response.text("Hello, world\n"))
                    .get("/hello/{name}", request -> Response.text("Hello, " + request.pathParam("name") + "\n"));
            HttpServer server = HttpServer.start(router, host, port);
            System.out.println("listening on " + host + ":" + server.port());
            server.serveForever(); // until Ctrl-C; then finishes the requests in progress
        });
    }
}
