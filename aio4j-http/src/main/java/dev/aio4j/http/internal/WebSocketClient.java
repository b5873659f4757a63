package dev.aio4j.http.internal;

import dev.aio4j.http.Headers;
import dev.aio4j.http.websocket.WebSocket;
import dev.aio4j.http.websocket.WebSocketHandshakeError;
import dev.aio4j.http.websocket.WebSocketOptions;
import dev.aio4j.net.ConnectOptions;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;

/**
 * The client side of the WebSocket opening handshake (RFC 6455 section 4.1) over aio4j-net: one
 * upgrade request, its response head parsed by Jetty's HttpParser, then the checks on it.
 */
public final class WebSocketClient {
    private WebSocketClient() {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_RESPONSE_HEAD = 16 * 1024;

    public static WebSocket connect(String uri, WebSocketOptions options) throws IOException {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("uri malformed: " + uri, e);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        boolean tls = scheme.equals("wss");
        if (!tls && !scheme.equals("ws")) {
            throw new IllegalArgumentException("uri scheme not ws or wss: " + uri);
        }
        String host = u.getHost();
        if (host == null) {
            throw new IllegalArgumentException("uri has no host: " + uri);
        }
        int port = u.getPort() >= 0 ? u.getPort() : tls ? 443 : 80;
        String path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        ConnectOptions net = options.net();
        if (tls && net.ssl() == null) {
            try {
                net = net.withSsl(SSLContext.getDefault());
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("no default TLS context", e);
            }
        }
        Connection c = Net.openConnection(host, port, net);
        Wire wire = new Wire(c.reader(), c.writer());
        try {
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            boolean defaultPort = port == (tls ? 443 : 80);
            StringBuilder req = new StringBuilder(256)
                    .append("GET ")
                    .append(path)
                    .append(" HTTP/1.1\r\n")
                    .append("Host: ")
                    .append(host.contains(":") ? "[" + host + "]" : host)
                    .append(defaultPort ? "" : ":" + port)
                    .append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ")
                    .append(key)
                    .append("\r\n")
                    .append("Sec-WebSocket-Version: 13\r\n");
            if (options.compress()) {
                req.append("Sec-WebSocket-Extensions: ")
                        .append(PerMessageDeflate.clientOffer())
                        .append("\r\n");
            }
            Headers extra = new Headers();
            for (Map.Entry<String, String> h : options.headers().entrySet()) {
                extra.add(h.getKey(), h.getValue()); // validates against header injection
                req.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
            }
            wire.send(req.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            ResponseHead head = readHead(wire);
            if (head.status != 101) {
                throw new WebSocketHandshakeError(
                        head.status,
                        "the server answered " + head.status + " " + head.reason + " to the WebSocket upgrade of "
                                + uri);
            }
            if (!head.headers.containsToken("Upgrade", "websocket")
                    || !head.headers.containsToken("Connection", "upgrade")) {
                throw new WebSocketHandshakeError(
                        101, "101 without Upgrade: websocket and Connection: Upgrade from " + uri);
            }
            if (!WebSocketImpl.acceptKey(key)
                    .equals(head.headers.get("Sec-WebSocket-Accept", "").trim())) {
                throw new WebSocketHandshakeError(101, "wrong Sec-WebSocket-Accept from " + uri);
            }
            List<String> extensions = head.headers.getAll("Sec-WebSocket-Extensions");
            PerMessageDeflate deflate = null;
            if (!extensions.isEmpty()) {
                String why = !options.compress() || extensions.size() > 1
                        ? "an extension that was not offered"
                        : PerMessageDeflate.clientCheck(extensions.get(0));
                if (why != null) {
                    throw new WebSocketHandshakeError(
                            101, "the server chose " + why + " (" + extensions + ") on " + uri);
                }
                deflate = new PerMessageDeflate();
            }
            return new WebSocketImpl(wire, true, options, path, deflate);
        } catch (IOException | RuntimeException e) {
            c.writer().transport().abort();
            throw e;
        }
    }

    /** The parsed status line and fields of a response head. */
    private static final class ResponseHead implements HttpParser.ResponseHandler {
        int status;
        String reason = "";
        final Headers headers = new Headers();
        boolean done;
        String failure;

        @Override
        public void startResponse(HttpVersion version, int status, String reason) {
            this.status = status;
            this.reason = reason == null ? "" : reason;
        }

        @Override
        public void parsedHeader(HttpField field) {
            headers.add(field.getName(), field.getValue() == null ? "" : field.getValue());
        }

        @Override
        public boolean headerComplete() {
            done = true;
            return true;
        }

        @Override
        public boolean content(ByteBuffer item) {
            return true;
        }

        @Override
        public boolean contentComplete() {
            return false;
        }

        @Override
        public boolean messageComplete() {
            return true;
        }

        @Override
        public void earlyEOF() {
            failure = "the connection closed in the response head";
        }

        @Override
        public void badMessage(HttpException failure) {
            this.failure = failure.getReason();
        }
    }

    private static ResponseHead readHead(Wire wire) throws IOException {
        ResponseHead head = new ResponseHead();
        HttpParser parser = new HttpParser(head, MAX_RESPONSE_HEAD, HttpCompliance.STRICT);
        while (true) {
            if (wire.hasInput()) {
                parser.parseNext(wire.in());
            }
            if (head.failure != null) {
                throw new WebSocketHandshakeError(0, "malformed upgrade response: " + head.failure);
            }
            if (head.done) {
                return head;
            }
            if (!wire.fill()) {
                throw new WebSocketHandshakeError(0, "the server closed the connection before answering the upgrade");
            }
        }
    }
}
