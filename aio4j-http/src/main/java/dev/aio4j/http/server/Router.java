package dev.aio4j.http.server;

import dev.aio4j.http.websocket.WebSocketHandler;
import dev.aio4j.http.websocket.WebSocketOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Routes requests by method and path pattern to handlers, through middleware (aiohttp's
 * {@code web.Application} with its router). A pattern is a path whose segments may be
 * parameters: {@code /users/{id}} matches {@code /users/7} with {@code id = "7"}; a last
 * segment {@code {name...}} matches the rest of the path.
 *
 * <pre>{@code
 * Router router = new Router()
 *         .get("/", req -> Response.text("home"))
 *         .get("/users/{id}", req -> Response.text("user " + req.pathParam("id")))
 *         .post("/users", req -> Response.text(req.text()).status(201))
 *         .staticFiles("/static", Path.of("public"))
 *         .webSocket("/ws", ws -> { for (var m : ws) ws.send(m.text()); })
 *         .use(logging);
 * HttpServer server = HttpServer.start(router, "127.0.0.1", 8080);
 * }</pre>
 *
 * <p>Routes are tried in the order they were added; the first whose pattern and method match
 * wins. No match gives 404; a path that matches only for other methods gives 405 with
 * {@code Allow}. A GET route also answers HEAD. Middleware run in the order added, the first
 * outermost, and wrap the 404 and 405 answers too; an {@link HttpError} thrown by a handler
 * reaches them as the response it stands for. Configure the router before the server
 * starts; it is not changed while serving.
 */
public final class Router implements Handler {

    private record Route(String method, PathPattern pattern, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();
    private final List<Middleware> middleware = new ArrayList<>();
    private Handler chain;

    /** An empty router: every request gets 404. */
    public Router() {}

    /** Adds a route for {@code method} (any token; {@code *} for every method). */
    public Router route(String method, String pattern, Handler handler) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(handler, "handler");
        routes.add(new Route(method, PathPattern.parse(pattern), handler));
        chain = null;
        return this;
    }

    public Router get(String pattern, Handler handler) {
        return route("GET", pattern, handler);
    }

    public Router post(String pattern, Handler handler) {
        return route("POST", pattern, handler);
    }

    public Router put(String pattern, Handler handler) {
        return route("PUT", pattern, handler);
    }

    public Router patch(String pattern, Handler handler) {
        return route("PATCH", pattern, handler);
    }

    public Router delete(String pattern, Handler handler) {
        return route("DELETE", pattern, handler);
    }

    /** Adds middleware around every route (and the 404/405 answers). */
    public Router use(Middleware m) {
        middleware.add(Objects.requireNonNull(m, "middleware"));
        chain = null;
        return this;
    }

    /**
     * Serves the files under {@code directory} at {@code prefix} (GET and HEAD). Paths that
     * would leave the directory, hidden files and directories answer 404; file reads run off the
     * loop.
     */
    public Router staticFiles(String prefix, Path directory) {
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return get(p + "/{path...}", new StaticFiles(directory));
    }

    /** A WebSocket endpoint with the default options. */
    public Router webSocket(String pattern, WebSocketHandler handler) {
        return webSocket(pattern, handler, WebSocketOptions.defaults());
    }

    /**
     * A WebSocket endpoint: a GET with a valid upgrade request is answered with 101 and the
     * connection then belongs to {@code handler}; any other request to the path gets 426
     * (missing upgrade) or 400 (a malformed one). The handler's return closes the WebSocket with
     * 1000, an exception with 1011.
     */
    public Router webSocket(String pattern, WebSocketHandler handler, WebSocketOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        return get(pattern, request -> {
            WebSocketUpgrade.check(request);
            return Response.upgrade(handler, options);
        });
    }

    @Override
    public Response handle(Request request) throws Exception {
        Handler c = chain;
        if (c == null) {
            c = this::dispatch;
            for (int i = middleware.size() - 1; i >= 0; i--) {
                Middleware m = middleware.get(i);
                Handler next = c;
                c = r -> m.handle(r, next);
            }
            chain = c;
        }
        return c.handle(request);
    }

    private Response dispatch(Request request) throws Exception {
        String path = request.path();
        Set<String> allowed = null;
        for (Route r : routes) {
            Map<String, String> params = r.pattern.match(path);
            if (params == null) {
                continue;
            }
            if (r.method.equals(request.method())
                    || r.method.equals("*")
                    || (r.method.equals("GET") && request.method().equals("HEAD"))) {
                request.setPathParams(params);
                try {
                    return r.handler.handle(request);
                } catch (HttpError e) {
                    return errorResponse(e);
                }
            }
            if (allowed == null) {
                allowed = new TreeSet<>();
            }
            allowed.add(r.method);
            if (r.method.equals("GET")) {
                allowed.add("HEAD");
            }
        }
        if (allowed != null) {
            return Response.text(405, "405 Method Not Allowed\n").header("Allow", String.join(", ", allowed));
        }
        return Response.text(404, "404 Not Found\n");
    }

    /** The answer for an {@link HttpError}: its status, its message as plain text. */
    static Response errorResponse(HttpError e) {
        String m = e.getMessage();
        return Response.text(e.status(), m.endsWith("\n") ? m : m + "\n");
    }

    /** A compiled path pattern. */
    static final class PathPattern {
        private final String[] segments; // literal, or null where a parameter stands
        private final String[] names;
        private final boolean rest;

        private PathPattern(String[] segments, String[] names, boolean rest) {
            this.segments = segments;
            this.names = names;
            this.rest = rest;
        }

        static PathPattern parse(String pattern) {
            Objects.requireNonNull(pattern, "pattern");
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("pattern does not start with '/': " + pattern);
            }
            String[] parts = split(pattern);
            String[] segs = new String[parts.length];
            String[] names = new String[parts.length];
            boolean rest = false;
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i];
                if (p.startsWith("{") && p.endsWith("}")) {
                    String name = p.substring(1, p.length() - 1);
                    if (name.endsWith("...")) {
                        if (i != parts.length - 1) {
                            throw new IllegalArgumentException(
                                    "pattern has {name...} before its last segment: " + pattern);
                        }
                        name = name.substring(0, name.length() - 3);
                        rest = true;
                    }
                    if (name.isEmpty()) {
                        throw new IllegalArgumentException("pattern has an empty parameter name: " + pattern);
                    }
                    names[i] = name;
                } else {
                    segs[i] = p;
                }
            }
            return new PathPattern(segs, names, rest);
        }

        /** The parameters if {@code path} matches, else null. */
        Map<String, String> match(String path) {
            String[] parts = split(path);
            int n = segments.length;
            if (rest ? parts.length < n - 1 : parts.length != n) {
                return null;
            }
            Map<String, String> params = null;
            for (int i = 0; i < n; i++) {
                if (rest && i == n - 1) {
                    String tail =
                            String.join("/", java.util.Arrays.asList(parts).subList(i, parts.length));
                    if (params == null) {
                        params = new LinkedHashMap<>();
                    }
                    params.put(names[i], tail);
                    break;
                }
                if (segments[i] != null) {
                    if (!segments[i].equals(parts[i])) {
                        return null;
                    }
                } else {
                    if (parts[i].isEmpty()) {
                        return null;
                    }
                    if (params == null) {
                        params = new LinkedHashMap<>();
                    }
                    params.put(names[i], parts[i]);
                }
            }
            return params == null ? Map.of() : params;
        }

        private static String[] split(String path) {
            if (path.equals("/")) {
                return new String[] {""};
            }
            return path.substring(1).split("/", -1);
        }
    }
}
