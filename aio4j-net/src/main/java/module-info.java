/** aio4j-net: streams, servers, TLS, Unix-domain sockets, UDP, transports and protocols. */
module dev.aio4j.net {
    requires transitive dev.aio4j;

    exports dev.aio4j.net;
}
