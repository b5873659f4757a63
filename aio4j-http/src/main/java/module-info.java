/**
 * aio4j-http: an HTTP/1.1 server with routing and static files, WebSocket (server and client),
 * and an HTTP client session, all on the aio4j loop.
 */
module dev.aio4j.http {
    requires transitive dev.aio4j.net;
    requires transitive java.net.http; // the client's API shows HttpClient, HttpHeaders, BodyPublisher
    requires org.eclipse.jetty.http;
    requires org.eclipse.jetty.util;

    exports dev.aio4j.http;
    exports dev.aio4j.http.server;
    exports dev.aio4j.http.websocket;
    exports dev.aio4j.http.client;
}
