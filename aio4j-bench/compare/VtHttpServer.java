import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** The JDK's built-in HTTP server with a virtual thread per exchange: the plain-Java baseline. */
public class VtHttpServer {
    public static void main(String[] args) throws Exception {
        byte[] hello = "Hello, world\n".getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, hello.length);
            try (var out = exchange.getResponseBody()) {
                out.write(hello);
            }
        });
        server.start();
        System.out.println("listening on 127.0.0.1:" + args[0]);
    }
}
