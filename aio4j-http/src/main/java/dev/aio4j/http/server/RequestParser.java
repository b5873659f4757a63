package dev.aio4j.http.server;

import dev.aio4j.http.Headers;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;

/**
 * One connection's request parser: Jetty's {@link HttpParser} in its STRICT mode (RFC 9110 with no leniency, not even bare LF), plus
 * this server's limits. It parses from the connection's unparsed bytes and stops at each event
 * the connection acts on: the end of a head, one piece of body, the end of a message.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Jetty rejects the request-smuggling vectors itself (both Content-Length and
 * Transfer-Encoding, duplicate or invalid Content-Length, obs-fold, bare LF, NUL and other
 * control bytes, invalid field names, oversized chunk sizes) and reports them through
 * {@link #badMessage}. Our own checks (request-line length: 414; header bytes and count: 431;
 * HTTP versions other than 1.0 and 1.1: 505; Transfer-Encoding in an HTTP/1.0 request, which
 * Jetty decodes but RFC 9112 calls faulty framing: 400) record {@code failureStatus} as well; the parser
 * is then abandoned: the connection answers the failure and closes. Jetty's overall head limit
 * is the sum of ours, so it only catches what ours do not see (a request line without an end).
 *
 * <p>Per message: {@code reset()} clears the fields; {@code headerDone} and {@code complete} go
 * from false to true once; {@code chunk} holds the piece of body Jetty last reported, a slice
 * of the connection's input that stays valid (see {@code Wire}).
 */
final class RequestParser implements HttpParser.RequestHandler {

    private final HttpParser parser;
    private final HttpServerOptions options;

    String method;
    String target;
    String version;
    Headers headers;
    private int headerBytes;
    boolean headerDone;
    boolean complete;
    ByteBuffer chunk;
    int failureStatus;
    String failureReason;
    boolean earlyEof;

    RequestParser(HttpServerOptions options) {
        this.options = options;
        this.parser =
                new HttpParser(this, options.maxRequestLineBytes() + options.maxHeaderBytes(), HttpCompliance.STRICT);
        reset();
    }

    /** Prepares for the next request. */
    void reset() {
        parser.reset();
        method = null;
        target = null;
        version = null;
        headers = new Headers();
        headerBytes = 0;
        headerDone = false;
        complete = false;
        chunk = null;
        earlyEof = false;
        failureStatus = 0;
        failureReason = null;
    }

    /** Parses from {@code in} until the next event or until {@code in} is used up. */
    void parse(ByteBuffer in) {
        parser.parseNext(in);
    }

    /** The client closed: lets the parser report an incomplete message. */
    void atEof(ByteBuffer in) {
        parser.atEOF();
        parser.parseNext(in);
    }

    /**
     * True once the request is known to be bad. Jetty reports a malformed chunked body not as a
     * bad message but by giving up (earlyEOF, state CLOSE): that counts as a 400 too.
     */
    boolean failed() {
        if (failureStatus == 0 && !complete && (earlyEof || parser.isClose() || parser.isClosed())) {
            fail(400, earlyEof && parser.isAtEOF() ? "the request ended early" : "malformed chunked body");
        }
        return failureStatus != 0;
    }

    /** True once any byte of a request was parsed. */
    boolean started() {
        return !parser.isStart() || method != null;
    }

    /** True if the body is chunked. */
    boolean chunked() {
        return parser.isChunking();
    }

    /** The declared Content-Length, or -1. */
    long contentLength() {
        return parser.getContentLength();
    }

    private void fail(int status, String reason) {
        if (failureStatus == 0) {
            failureStatus = status;
            failureReason = reason;
        }
    }

    // ------------------------------------------------------------------ Jetty's callbacks

    @Override
    public void startRequest(String method, String uri, HttpVersion version) {
        this.method = method;
        this.target = uri;
        this.version = version == null ? null : version.asString();
        if (method.length() + uri.length() + 10 > options.maxRequestLineBytes()) {
            fail(414, "request line longer than " + options.maxRequestLineBytes() + " bytes");
        } else if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
            fail(505, "only HTTP/1.0 and HTTP/1.1 are served");
        }
    }

    @Override
    public void parsedHeader(HttpField field) {
        String name = field.getName();
        String value = field.getValue() == null ? "" : field.getValue();
        headerBytes += name.length() + value.length() + 4;
        if (headerBytes > options.maxHeaderBytes()) {
            fail(431, "header fields longer than " + options.maxHeaderBytes() + " bytes");
        } else if (headers.size() >= options.maxHeaderCount()) {
            fail(431, "more than " + options.maxHeaderCount() + " header fields");
        } else if (failureStatus == 0) {
            try {
                headers.add(name, value);
            } catch (IllegalArgumentException e) {
                fail(400, e.getMessage());
            }
        }
    }

    @Override
    public boolean headerComplete() {
        headerDone = true;
        if (HttpVersion.HTTP_1_0.asString().equals(version) && headers.contains("Transfer-Encoding")) {
            // RFC 9112 section 6.1: HTTP/1.0 framing with Transfer-Encoding is faulty; Jetty accepts it.
            fail(400, "Transfer-Encoding in an HTTP/1.0 request");
        }
        return true;
    }

    @Override
    public boolean content(ByteBuffer item) {
        chunk = item;
        return true;
    }

    @Override
    public boolean contentComplete() {
        return false;
    }

    @Override
    public boolean messageComplete() {
        complete = true;
        return true;
    }

    @Override
    public void earlyEOF() {
        earlyEof = true;
    }

    @Override
    public void badMessage(HttpException failure) {
        int code = failure.getCode();
        fail(code >= 400 && code < 600 ? code : 400, failure.getReason());
    }

    @Override
    public String toString() {
        return "RequestParser[" + method + " " + target + ", " + parser + "]";
    }
}
