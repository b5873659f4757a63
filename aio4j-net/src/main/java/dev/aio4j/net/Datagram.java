package dev.aio4j.net;

import java.net.SocketAddress;

/** One received datagram and where it came from. */
public record Datagram(byte[] data, SocketAddress address) {}
