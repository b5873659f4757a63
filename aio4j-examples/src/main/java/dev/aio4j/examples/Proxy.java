package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.http.client.ClientError;
import dev.aio4j.http.client.ClientRequest;
import dev.aio4j.http.client.ClientResponse;
import dev.aio4j.http.client.ClientTimeout;
import dev.aio4j.http.client.ClientTimeoutError;
import dev.aio4j.http.client.HttpSession;
import dev.aio4j.http.client.RequestBody;
import dev.aio4j.http.server.HttpServer;
import dev.aio4j.http.server.HttpServerOptions;
import dev.aio4j.http.server.Request;
import dev.aio4j.http.server.Response;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An HTTP reverse proxy, the gateway in front of a service: every request is forwarded to one
 * backend through one shared {@link HttpSession}, and the backend's answer is streamed back.
 * A backend that refuses or fails gets the client a 502, one slower than {@code --timeout} a 504.
 * One access line per request goes to standard error.
 *
 * <pre>
 *   ./aio4j example Proxy --backend http://127.0.0.1:8000 [--port 8080] [--limit 100] [--timeout 30]
 * </pre>
 *
 * <p>{@code --limit} bounds the connections to the backend (the session's {@code limitPerHost}:
 * requests beyond it wait for a free one); {@code --timeout} (seconds) bounds the wait for the
 * backend's headers and every silence in its body. The request body is read whole before it is
 * forwarded (up to {@code --max-body} bytes, 1 MiB by default: 413 beyond); the response body is
 * streamed, so a large download never sits in the proxy's memory.
 */
public final class Proxy {

    /** Headers that describe one connection, not the message (RFC 9110 section 7.6.1): never forwarded. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "proxy-authenticate",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade");
    /** Headers the JDK client writes itself and refuses from us. */
    private static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length", "expect");

    private Proxy() {}

    /** Forwards {@code request} to {@code backend} (scheme, host and port; no trailing slash). */
    static Response forward(HttpSession session, String backend, Request request) throws IOException {
        ClientRequest out = session.request(request.method(), backend + request.target());
        Set<String> skip = connectionHeaders(request.header("Connection"));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; i < request.headers().size(); i++) {
            String name = request.headers().name(i);
            if (!skip.contains(name.toLowerCase(Locale.ROOT))
                    && !SET_BY_CLIENT.contains(name.toLowerCase(Locale.ROOT))) {
                headers.computeIfAbsent(name, n -> new ArrayList<>())
                        .add(request.headers().value(i));
            }
        }
        headers.forEach((name, values) -> out.header(name, String.join(", ", values)));
        String forwardedFor = request.header("X-Forwarded-For");
        String client = request.remoteAddress().getAddress().getHostAddress();
        out.header("X-Forwarded-For", forwardedFor == null ? client : forwardedFor + ", " + client);
        if (request.hasBody()) {
            out.body(RequestBody.bytes(request.bytes())); // the client's Content-Type header, copied above, wins
        }

        ClientResponse answer;
        try {
            answer = out.send(); // returns once the backend's headers are in
        } catch (ClientTimeoutError e) {
            return Response.text(504, "504 Gateway Timeout: the backend did not answer in time\n");
        } catch (ClientError e) { // refused, reset, unreachable: the reason goes to the log, not to the client
            System.err.println("backend failed for " + request.method() + " " + request.target() + ": " + e);
            return Response.text(502, "502 Bad Gateway: the backend failed\n");
        }
        long length = answer.headers().firstValueAsLong("content-length").orElse(-1);
        boolean noBody = request.method().equals("HEAD") || answer.status() == 204 || answer.status() == 304;
        if (noBody) {
            answer.close(); // nothing to stream (the server sends no body): give the connection back now
        }
        Response response = Response.stream(null, length, sink -> {
                    try (answer) {
                        answer.content().transferTo(sink); // each write waits while the client is slow to read
                    }
                })
                .status(answer.status());
        skip = connectionHeaders(answer.header("Connection").orElse(null));
        for (var field : answer.headers().map().entrySet()) {
            if (!skip.contains(field.getKey().toLowerCase(Locale.ROOT))
                    && !field.getKey().startsWith(":")) {
                field.getValue().forEach(v -> response.header(field.getKey(), v));
            }
        }
        return response;
    }

    /** The hop-by-hop headers, with the ones a {@code Connection} header names. */
    private static Set<String> connectionHeaders(String connection) {
        Set<String> names = new HashSet<>(HOP_BY_HOP);
        if (connection != null) {
            for (String token : connection.split(",")) {
                names.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    public static void main(String[] args) {
        String backend = EchoServer.option(args, "--backend", null);
        if (backend == null || !backend.matches("https?://[^/]+")) {
            System.err.println(
                    "usage: Proxy --backend http://HOST:PORT [--host H] [--port P] [--limit N] [--timeout SECONDS] [--max-body BYTES]");
            System.exit(2);
        }
        String host = EchoServer.option(args, "--host", "127.0.0.1");
        int port = Integer.parseInt(EchoServer.option(args, "--port", "8080"));
        int limit = Integer.parseInt(EchoServer.option(args, "--limit", "100"));
        Duration timeout =
                Duration.ofMillis((long) (Double.parseDouble(EchoServer.option(args, "--timeout", "30")) * 1000));
        long maxBody = Long.parseLong(EchoServer.option(args, "--max-body", Long.toString(1 << 20)));
        Aio.run(() -> {
            try (HttpSession session = HttpSession.builder()
                    .limitPerHost(limit)
                    .timeout(ClientTimeout.NONE.withConnect(timeout).withSockRead(timeout))
                    .followRedirects(false) // the client sees the backend's redirects
                    .autoDecompress(false) // bodies pass through as encoded
                    .cookies(new CookieManager(null, CookiePolicy.ACCEPT_NONE)) // one user's cookies are not another's
                    .build()) {
                HttpServer server = HttpServer.start(
                        request -> {
                            long t0 = System.nanoTime();
                            Response response = forward(session, backend, request); // the time to the backend's headers
                            System.err.printf(
                                    "%s \"%s %s\" %d %.1f ms%n",
                                    request.remoteAddress().getAddress().getHostAddress(),
                                    request.method(),
                                    request.target(),
                                    response.status(),
                                    (System.nanoTime() - t0) / 1e6);
                            return response;
                        },
                        host,
                        port,
                        HttpServerOptions.defaults().withMaxBodyBytes(maxBody));
                System.out.println("forwarding to " + backend);
                System.out.println("listening on " + host + ":" + server.port());
                server.serveForever(); // until Ctrl-C; then finishes the requests in progress
            }
        });
    }
}
