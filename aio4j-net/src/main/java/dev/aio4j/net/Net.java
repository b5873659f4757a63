package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.Future;
import dev.aio4j.internal.WaitQueue;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Networking entry points: streams, servers, transports and the {@code sock*} functions of
 * Python's asyncio, on the running loop. Every method must be called from a task; the waiting
 * ones suspend only that task.
 *
 * <pre>{@code
 * Aio.run(() -> {
 *     Server server = Net.startServer((reader, writer) -> {
 *         for (byte[] line : reader.lines()) { writer.write(line); writer.drain(); }
 *         writer.close();
 *     }, "127.0.0.1", 0);
 *     Connection c = Net.openConnection("127.0.0.1", server.port());
 *     c.writer().write("hello\n");
 *     System.out.println(new String(c.reader().readline()));
 * });
 * }</pre>
 *
 * <p>Differs from asyncio: the functions live here rather than on {@code Aio} (the core does not
 * depend on this module); {@code createConnection} returns the transport (the protocol is the
 * one the supplier made, {@code transport.getProtocol()}); errors are the JDK's
 * ({@code ConnectException} for a refused connection, {@code SocketException} for a reset,
 * {@code SSLHandshakeException} for TLS failures), thrown as checked {@code IOException}s.
 */
public final class Net {
    private Net() {}

    // ------------------------------------------------------------------ streams

    /** {@link #openConnection(String, int, ConnectOptions)} with the defaults. */
    public static Connection openConnection(String host, int port) throws IOException {
        return openConnection(host, port, ConnectOptions.defaults());
    }

    /**
     * Connects to {@code host:port} and returns the stream pair (asyncio's
     * {@code open_connection}). The host is resolved off the loop unless it is an IP literal.
     *
     * @throws java.net.ConnectException if every attempt was refused
     * @throws UnknownHostException if the name does not resolve
     * @throws SocketTimeoutException if {@code connectTimeout} passed
     * @throws javax.net.ssl.SSLException if the TLS handshake failed
     */
    public static Connection openConnection(String host, int port, ConnectOptions options) throws IOException {
        return openStreams(options, host, factory -> createConnection(factory, host, port, options));
    }

    /**
     * Puts a stream pair on a transport implemented outside this module, such as a pipe to a
     * child process (what asyncio does with a {@code StreamReaderProtocol} in
     * {@code connect_read_pipe}/{@code connect_write_pipe}): the streams' protocol becomes the
     * transport's protocol and gets {@code connectionMade} at once. The transport then makes the
     * {@link Protocol} callbacks on {@code transport.getProtocol()}, on the loop: data and EOF
     * reach {@code reader}, {@code pauseWriting}/{@code resumeWriting} drive the writer's
     * {@code drain}, and {@code connectionLost} ends both. {@code reader} pauses and resumes the
     * transport through {@link Transport#pauseReading()} as a socket's would be.
     */
    public static Connection connectStreams(Transport transport, StreamReader reader) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(reader, "reader");
        StreamProtocol protocol = new StreamProtocol(Aio.getRunningLoop(), reader, null);
        transport.setProtocol(protocol);
        protocol.connectionMade(transport);
        return new Connection(reader, new StreamWriter(transport, protocol, reader));
    }

    /** How a stream pair's connection is made: a transport for the protocol the supplier gives. */
    @FunctionalInterface
    private interface Connect {
        Transport to(Supplier<StreamProtocol> protocol) throws IOException;
    }

    /**
     * The client side of every stream pair made here: a reader and its protocol, connected by
     * {@code connect} ({@code host} is kept for a later startTls; null for a Unix socket).
     */
    private static Connection openStreams(ConnectOptions options, String host, Connect connect) throws IOException {
        StreamReader reader = new StreamReader(options.limit());
        StreamProtocol protocol = new StreamProtocol(Aio.getRunningLoop(), reader, null);
        protocol.connectHost = host;
        Transport t = connect.to(() -> protocol);
        return new Connection(reader, new StreamWriter(t, protocol, reader));
    }

    /** The server side of every stream pair made here: a protocol per client that runs {@code handler}. */
    private static Supplier<Protocol> serveStreams(ClientHandler handler, ServerOptions options) {
        Objects.requireNonNull(handler, "handler");
        EventLoop loop = Aio.getRunningLoop();
        return () -> new StreamProtocol(loop, new StreamReader(options.limit()), handler);
    }

    /** {@link #startServer(ClientHandler, String, int, ServerOptions)} with the defaults. */
    public static Server startServer(ClientHandler handler, String host, int port) throws IOException {
        return startServer(handler, host, port, ServerOptions.defaults());
    }

    /**
     * Listens on {@code host:port} ({@code port} 0 picks a free port; {@code host} null listens
     * on every interface) and serves each client by calling {@code handler} in a task of its own
     * (asyncio's {@code start_server}).
     *
     * @throws BindException if the address is in use
     */
    public static Server startServer(ClientHandler handler, String host, int port, ServerOptions options)
            throws IOException {
        return createServer(serveStreams(handler, options), host, port, options);
    }

    /** Connects to the Unix-domain socket at {@code path} (asyncio's {@code open_unix_connection}). */
    public static Connection openUnixConnection(Path path) throws IOException {
        return openUnixConnection(path, ConnectOptions.defaults());
    }

    /** {@link #openUnixConnection(Path)} with options (limit, ssl with a serverHostname). */
    public static Connection openUnixConnection(Path path, ConnectOptions options) throws IOException {
        return openStreams(options, null, factory -> createUnixConnection(factory, path, options));
    }

    /** Serves clients on the Unix-domain socket {@code path} (asyncio's {@code start_unix_server}). */
    public static Server startUnixServer(ClientHandler handler, Path path) throws IOException {
        return startUnixServer(handler, path, ServerOptions.defaults());
    }

    /**
     * {@link #startUnixServer(ClientHandler, Path)} with options. A stale socket file at
     * {@code path} is removed first; with {@code cleanupSocket} (the default) the file is removed
     * when the server closes, unless it was replaced meanwhile (Python 3.13).
     */
    public static Server startUnixServer(ClientHandler handler, Path path, ServerOptions options) throws IOException {
        return createUnixServer(serveStreams(handler, options), path, options);
    }

    // ------------------------------------------------------------------ transports

    /**
     * Connects and returns a transport whose protocol {@code protocolFactory} made, once
     * {@code connectionMade} has run (asyncio's {@code create_connection}).
     */
    public static Transport createConnection(
            Supplier<? extends Protocol> protocolFactory, String host, int port, ConnectOptions options)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(host, "host");
        EventLoop loop = Aio.getRunningLoop();
        SocketChannel ch = Connector.connect(host, port, options);
        String sni = options.serverHostname() != null ? options.serverHostname() : host;
        return startAndWait(loop, ch, protocolFactory.get(), Tls.Setup.client(options, sni, port));
    }

    /** {@link #createConnection(Supplier, String, int, ConnectOptions)} for a Unix-domain socket. */
    public static Transport createUnixConnection(
            Supplier<? extends Protocol> protocolFactory, Path path, ConnectOptions options) throws IOException {
        Objects.requireNonNull(path, "path");
        if (options.ssl() != null && options.serverHostname() == null) {
            throw new IllegalArgumentException("ssl without serverHostname over a Unix socket");
        }
        EventLoop loop = Aio.getRunningLoop();
        SocketChannel ch = Connector.connectOne(UnixDomainSocketAddress.of(path), options);
        return startAndWait(loop, ch, protocolFactory.get(), Tls.Setup.client(options, options.serverHostname(), 0));
    }

    /**
     * The one place a connected channel becomes a transport (connections made here, accepted by
     * a {@link Server}, or handed to {@link #connectAcceptedSocket}): {@code app} over TLS when
     * {@code tls} is given, over a {@link SocketTransport} for {@code channel}; then
     * connectionMade, then reading, are scheduled. {@code waiter}, if given, completes once
     * {@code app}'s connectionMade has run (after the handshake) or fails with the handshake's
     * error. The channel is closed if no transport could be made of it.
     */
    static SocketTransport startTransport(
            EventLoop loop, SocketChannel channel, Protocol app, Tls.Setup tls, Server server, Future<Void> waiter)
            throws IOException {
        assert Aio.inLoop(loop);
        SocketTransport t;
        try {
            Protocol p = tls == null ? app : tls.create(loop, app, waiter);
            t = new SocketTransport(loop, channel, p, server);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
        t.start(tls == null ? waiter : null);
        return t;
    }

    /**
     * {@link #startTransport} for a caller that waits for connectionMade; a failed or cancelled
     * wait aborts the transport. Returns the transport {@code app} writes to.
     */
    private static Transport startAndWait(EventLoop loop, SocketChannel channel, Protocol app, Tls.Setup tls)
            throws IOException {
        Future<Void> waiter = loop.createFuture();
        SocketTransport t = startTransport(loop, channel, app, tls, null, waiter);
        try {
            awaitIo(waiter);
        } catch (IOException | RuntimeException e) {
            t.abort();
            throw e;
        }
        return t.getProtocol() instanceof Tls over ? over.appTransport() : t;
    }

    /**
     * Listens on {@code host:port} and makes a protocol per accepted connection (asyncio's
     * {@code create_server}). {@code host} null or "" listens on every interface; a name that
     * resolves to several addresses binds each.
     */
    public static Server createServer(
            Supplier<? extends Protocol> protocolFactory, String host, int port, ServerOptions options)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port not in 0..65535: " + port);
        }
        EventLoop loop = Aio.getRunningLoop();
        List<InetSocketAddress> addrs = host == null || host.isEmpty()
                ? List.of(new InetSocketAddress(port))
                : new ArrayList<>(new LinkedHashSet<>(getaddrinfo(host, port)));
        List<ServerSocketChannel> channels = new ArrayList<>();
        try {
            for (InetSocketAddress a : addrs) {
                ServerSocketChannel ch = a.getAddress() instanceof Inet6Address
                        ? ServerSocketChannel.open(StandardProtocolFamily.INET6)
                        : host == null || host.isEmpty()
                                ? ServerSocketChannel.open()
                                : ServerSocketChannel.open(StandardProtocolFamily.INET);
                channels.add(ch);
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
                if (options.reusePort()) {
                    ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                try {
                    ch.bind(a, options.backlog());
                } catch (BindException e) {
                    BindException named =
                            new BindException("error while attempting to bind on address " + a + ": " + e.getMessage());
                    named.initCause(e);
                    throw named;
                }
            }
        } catch (IOException | RuntimeException e) {
            closeAll(channels);
            throw e;
        }
        @SuppressWarnings("unchecked")
        Supplier<Protocol> factory = (Supplier<Protocol>) protocolFactory;
        Server server = new Server(loop, channels, factory, options, true);
        if (options.startServing()) {
            server.startServing();
        }
        return server;
    }

    /** {@link #createServer} for a Unix-domain socket at {@code path}. */
    public static Server createUnixServer(
            Supplier<? extends Protocol> protocolFactory, Path path, ServerOptions options) throws IOException {
        Objects.requireNonNull(path, "path");
        EventLoop loop = Aio.getRunningLoop();
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && Files.readAttributes(
                                path,
                                java.nio.file.attribute.BasicFileAttributes.class,
                                java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        .isOther()) {
            Files.deleteIfExists(path); // a stale socket file, as asyncio removes it
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.configureBlocking(false);
            ch.bind(UnixDomainSocketAddress.of(path), options.backlog());
        } catch (BindException e) {
            ch.close();
            BindException named = new BindException("Address " + path + " is already in use");
            named.initCause(e);
            throw named;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        @SuppressWarnings("unchecked")
        Supplier<Protocol> factory = (Supplier<Protocol>) protocolFactory;
        Server server = new Server(loop, List.of(ch), factory, options, false);
        server.setUnixPath(path);
        if (options.startServing()) {
            server.startServing();
        }
        return server;
    }

    // ------------------------------------------------------------------ UDP

    /**
     * Opens a UDP endpoint (asyncio's {@code create_datagram_endpoint}): bound to
     * {@code localAddress} if given, connected to {@code remoteAddress} if given (then only its
     * datagrams arrive and {@code sendTo} may omit the address). Unresolved addresses are
     * resolved off the loop.
     *
     * @throws IllegalArgumentException if both addresses are null
     */
    public static DatagramTransport createDatagramEndpoint(
            Supplier<? extends DatagramProtocol> protocolFactory,
            InetSocketAddress localAddress,
            InetSocketAddress remoteAddress)
            throws IOException {
        return createDatagramEndpoint(protocolFactory, localAddress, remoteAddress, false, false);
    }

    /** {@link #createDatagramEndpoint(Supplier, InetSocketAddress, InetSocketAddress)} with SO_REUSEPORT and SO_BROADCAST. */
    public static DatagramTransport createDatagramEndpoint(
            Supplier<? extends DatagramProtocol> protocolFactory,
            InetSocketAddress localAddress,
            InetSocketAddress remoteAddress,
            boolean reusePort,
            boolean allowBroadcast)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (localAddress == null && remoteAddress == null) {
            throw new IllegalArgumentException("localAddress and remoteAddress both null");
        }
        EventLoop loop = Aio.getRunningLoop();
        InetSocketAddress local = resolved(localAddress);
        InetSocketAddress remote = resolved(remoteAddress);
        InetSocketAddress any = local != null ? local : remote;
        java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open(
                any.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        UdpTransport t;
        try {
            ch.configureBlocking(false);
            if (reusePort) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (allowBroadcast) {
                ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
            }
            if (local != null) {
                ch.bind(local);
            }
            if (remote != null && !allowBroadcast) {
                ch.connect(remote);
            }
            t = new UdpTransport(loop, ch, protocolFactory.get(), remote != null && !allowBroadcast ? remote : null);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        Future<Void> waiter = loop.createFuture();
        t.start(waiter);
        waiter.await();
        return t;
    }

    /**
     * A UDP endpoint for tasks: {@code recvFrom()} and {@code sendTo()} instead of callbacks.
     * See {@link #createDatagramEndpoint(Supplier, InetSocketAddress, InetSocketAddress)}.
     */
    public static DatagramEndpoint openDatagramEndpoint(InetSocketAddress localAddress, InetSocketAddress remoteAddress)
            throws IOException {
        DatagramEndpoint endpoint = new DatagramEndpoint(Aio.getRunningLoop());
        DatagramProtocol protocol = endpoint.protocol();
        DatagramTransport t = createDatagramEndpoint(() -> protocol, localAddress, remoteAddress);
        endpoint.setTransport(t);
        return endpoint;
    }

    private static InetSocketAddress resolved(InetSocketAddress a) throws IOException {
        if (a == null || !a.isUnresolved()) {
            return a;
        }
        return getaddrinfo(a.getHostString(), a.getPort()).get(0);
    }

    // ------------------------------------------------------------------ name resolution

    /**
     * The addresses of {@code host}, in the resolver's order (asyncio's {@code getaddrinfo}).
     * Literals are parsed on the loop; a name lookup suspends only the calling task, in both
     * modes (see docs/networking.md, "DNS").
     *
     * @throws UnknownHostException if the name does not resolve
     */
    public static List<InetSocketAddress> getaddrinfo(String host, int port) throws IOException {
        return Connector.getaddrinfo(host, port);
    }

    // ------------------------------------------------------------------ sock* functions

    /**
     * Connects a non-blocking {@code channel} to {@code address}, suspending the task (asyncio's
     * {@code sock_connect}). Host names are resolved off the loop.
     */
    public static void sockConnect(SocketChannel channel, SocketAddress address) throws IOException {
        EventLoop loop = Aio.getRunningLoop();
        SocketAddress target = address;
        if (address instanceof InetSocketAddress isa && isa.isUnresolved()) {
            target = getaddrinfo(isa.getHostString(), isa.getPort()).get(0);
        }
        channel.configureBlocking(false);
        if (channel.connect(target)) {
            return;
        }
        waitReady(loop, channel, false);
        channel.finishConnect();
    }

    /** Accepts one connection, suspending the task; the new channel is non-blocking (sock_accept). */
    public static SocketChannel sockAccept(ServerSocketChannel server) throws IOException {
        EventLoop loop = Aio.getRunningLoop();
        server.configureBlocking(false);
        while (true) {
            SocketChannel c = server.accept();
            if (c != null) {
                c.configureBlocking(false);
                return c;
            }
            waitReady(loop, server, true);
        }
    }

    /** Up to {@code n} bytes, suspending until some arrive; empty at EOF (sock_recv). */
    public static byte[] sockRecv(SocketChannel channel, int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0: " + n);
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        int got = sockRecvInto(channel, b);
        return got <= 0 ? new byte[0] : Arrays.copyOf(b.array(), got);
    }

    /** Reads into {@code buffer}, suspending until some bytes arrive; 0 at EOF (sock_recv_into). */
    public static int sockRecvInto(SocketChannel channel, ByteBuffer buffer) throws IOException {
        EventLoop loop = Aio.getRunningLoop();
        channel.configureBlocking(false);
        if (!buffer.hasRemaining()) {
            return 0;
        }
        while (true) {
            int n = channel.read(buffer);
            if (n < 0) {
                return 0;
            }
            if (n > 0) {
                return n;
            }
            waitReady(loop, channel, true);
        }
    }

    /** Sends every byte, suspending while the socket is full (sock_sendall). */
    public static void sockSendall(SocketChannel channel, ByteBuffer data) throws IOException {
        EventLoop loop = Aio.getRunningLoop();
        channel.configureBlocking(false);
        while (data.hasRemaining()) {
            channel.write(data);
            if (data.hasRemaining()) {
                waitReady(loop, channel, false);
            }
        }
    }

    /** {@link #sockSendall(SocketChannel, ByteBuffer)} for an array. */
    public static void sockSendall(SocketChannel channel, byte[] data) throws IOException {
        sockSendall(channel, ByteBuffer.wrap(data));
    }

    /** One datagram of at most {@code n} bytes, suspending until one arrives (sock_recvfrom). */
    public static Datagram sockRecvFrom(java.nio.channels.DatagramChannel channel, int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0: " + n);
        }
        EventLoop loop = Aio.getRunningLoop();
        channel.configureBlocking(false);
        ByteBuffer b = ByteBuffer.allocate(n);
        while (true) {
            SocketAddress from = channel.receive(b);
            if (from != null) {
                return new Datagram(Arrays.copyOf(b.array(), b.position()), from);
            }
            waitReady(loop, channel, true);
        }
    }

    /** Sends one datagram, suspending while the socket's buffer is full; returns its size (sock_sendto). */
    public static int sockSendTo(java.nio.channels.DatagramChannel channel, byte[] data, SocketAddress address)
            throws IOException {
        EventLoop loop = Aio.getRunningLoop();
        channel.configureBlocking(false);
        while (true) {
            int n = channel.send(ByteBuffer.wrap(data), address);
            if (n > 0 || data.length == 0) {
                return n;
            }
            waitReady(loop, channel, false);
        }
    }

    /**
     * Wraps a connection accepted elsewhere in a transport with a protocol from
     * {@code protocolFactory}, as the server side (asyncio's {@code connect_accepted_socket});
     * with {@code ssl} the server-side TLS handshake runs first. Returns once connectionMade has
     * run.
     */
    public static Transport connectAcceptedSocket(
            Supplier<? extends Protocol> protocolFactory, SocketChannel channel, javax.net.ssl.SSLContext ssl)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        EventLoop loop = Aio.getRunningLoop();
        if (!channel.isConnected()) {
            throw new IllegalArgumentException("channel is not connected: " + channel);
        }
        channel.configureBlocking(false);
        return startAndWait(loop, channel, protocolFactory.get(), Tls.Setup.server(ssl, null));
    }

    /** Waits for one readiness event of {@code channel}; cancellation unregisters. */
    static void waitReady(EventLoop loop, SelectableChannel channel, boolean read) {
        WaitQueue ready = new WaitQueue(channel); // the task waits for this channel
        Runnable cb = ready::unparkAll;
        if (read) {
            loop.addReader(channel, cb);
        } else {
            loop.addWriter(channel, cb);
        }
        try {
            ready.park(loop);
        } finally {
            if (read) {
                loop.removeReader(channel);
            } else {
                loop.removeWriter(channel);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Awaits {@code f}, rethrowing a checked IOException it failed with as itself. */
    static <T> T awaitIo(Future<T> f) throws IOException {
        try {
            return f.await();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    private static void closeAll(List<? extends java.io.Closeable> cs) {
        for (java.io.Closeable c : cs) {
            try {
                c.close();
            } catch (IOException e) {
                // already failing
            }
        }
    }
}
