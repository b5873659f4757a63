package dev.aio4j.http.server;

import static dev.aio4j.http.HttpTesting.exchange;
import static dev.aio4j.http.HttpTesting.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request-smuggling corpus: every request here is ambiguous or malformed. Each must get
 * its status and the connection must close right after. A bad head never reaches a handler; a
 * bad chunked body (found only as it is read) reaches the handler as an HttpError from its read,
 * and no byte of it.
 */
class RequestSmugglingTest {

    static Stream<Arguments> corpus() {
        String big = "x".repeat(20_000);
        return Stream.of(
                Arguments.of(
                        "Content-Length and Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400),
                Arguments.of(
                        "Transfer-Encoding then Content-Length",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
                        400),
                Arguments.of(
                        "duplicate Content-Length, different values",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
                        400),
                Arguments.of(
                        "duplicate Content-Length, same value",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd",
                        400),
                Arguments.of(
                        "Content-Length list", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4, 4\r\n\r\nabcd", 400),
                Arguments.of(
                        "signed Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +4\r\n\r\nabcd", 400),
                Arguments.of(
                        "hex Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x4\r\n\r\nabcd", 400),
                Arguments.of("obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 400),
                Arguments.of(
                        "obs-fold of Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
                        400),
                Arguments.of("bare LF in the head", "GET / HTTP/1.1\nHost: x\n\n", 400),
                Arguments.of("bare LF after a field", "GET / HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n", 400),
                Arguments.of("bare CR in a field", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400),
                Arguments.of("NUL in a field value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 400),
                Arguments.of("NUL in the target", "GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("space before the colon", "GET / HTTP/1.1\r\nHost: x\r\nX-A : b\r\n\r\n", 400),
                Arguments.of("space in a field name", "GET / HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n", 400),
                Arguments.of("invalid character in a field name", "GET / HTTP/1.1\r\nHost: x\r\nX(A): b\r\n\r\n", 400),
                Arguments.of("empty field name", "GET / HTTP/1.1\r\nHost: x\r\n: b\r\n\r\n", 400),
                Arguments.of("whitespace before the first field", "GET / HTTP/1.1\r\n Host: x\r\n\r\n", 400),
                Arguments.of(
                        "unknown Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabcd",
                        400),
                Arguments.of(
                        "chunked not last",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
                        400),
                Arguments.of(
                        "oversized chunk size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\nabc\r\n0\r\n\r\n",
                        400),
                Arguments.of(
                        "non-hex chunk size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n",
                        400),
                Arguments.of(
                        "chunk without CRLF after the data",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX0\r\n\r\n",
                        400),
                Arguments.of(
                        "bare LF chunk terminator",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n",
                        400),
                Arguments.of(
                        "Transfer-Encoding in HTTP/1.0",
                        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                        400),
                Arguments.of(
                        "Transfer-Encoding twice",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400),
                Arguments.of(
                        "negative Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
                Arguments.of(
                        "LF inside a chunk extension",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;e=\"a\nb\"\r\nabc\r\n0\r\n\r\n",
                        400),
                Arguments.of("space after the version", "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400),
                Arguments.of("non-ASCII in a field name", "GET / HTTP/1.1\r\nHost: x\r\nX-\u00ff: y\r\n\r\n", 400),
                Arguments.of("control byte in a field value", "GET / HTTP/1.1\r\nHost: x\r\nX: \u0001\r\n\r\n", 400),
                Arguments.of("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400),
                Arguments.of("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                Arguments.of("garbage request line", "HELLO\r\n\r\n", 400),
                Arguments.of("request line too long", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
                Arguments.of(
                        "one header field too large", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n", 431),
                Arguments.of(
                        "too many header fields",
                        "GET / HTTP/1.1\r\nHost: x\r\n" + "X-A: b\r\n".repeat(150) + "\r\n",
                        431),
                Arguments.of(
                        "Content-Length over the body limit",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\nabc",
                        413));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRejectedBeforeAnyHandlerAndTheConnectionCloses(String name, String request, int status) {
        run(() -> {
            List<String> handled = new ArrayList<>();
            HttpServer server = HttpServer.start(
                    req -> {
                        byte[] body = req.bytes();
                        handled.add(req + " with " + body.length + " bytes");
                        return Response.text("handled");
                    },
                    "127.0.0.1",
                    0);
            // A valid request follows the bad one: if the server read past the bad one, it would answer twice.
            String resp = exchange(server.port(), request + "GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(resp).as(name).startsWith("HTTP/1.1 " + status + " ").contains("Connection: close\r\n");
            assertThat(resp.split("HTTP/1.1 ", -1))
                    .as(name + ": one answer only")
                    .hasSize(2);
            assertThat(handled).as(name + ": no handler ran").isEmpty();
            server.close();
        });
    }
}
