package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.Future;
import dev.aio4j.Task;
import dev.aio4j.TimerHandle;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/** Name resolution and connecting a socket: one address after another, or Happy Eyeballs. */
final class Connector {
    private Connector() {
    }

    // ------------------------------------------------------------------ name resolution

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** True for an IPv4 or IPv6 literal (no lookup needed). */
    static boolean isIpLiteral(String host) {
        return IPV4.matcher(host).matches() || host.indexOf(':') >= 0;
    }

    /**
     * The addresses of {@code host}, in the resolver's order (asyncio's {@code getaddrinfo}).
     * Literals are parsed on the loop; a name lookup suspends only the calling task, in both
     * modes (see docs/networking.md, "DNS").
     *
     * @throws UnknownHostException if the name does not resolve
     */
    static List<InetSocketAddress> getaddrinfo(String host, int port) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        InetAddress[] found;
        if (isIpLiteral(host)) {
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            found = new InetAddress[] {InetAddress.getByName(h)};
        } else {
            found = lookUp(host);
        }
        if (found.length == 0) {
            throw new UnknownHostException("getaddrinfo() returned empty list");
        }
        List<InetSocketAddress> out = new ArrayList<>(found.length);
        for (InetAddress a : found) {
            out.add(new InetSocketAddress(a, port));
        }
        return out;
    }

    /**
     * In carrier mode aio4j's resolver already suspends only the calling task. In portable mode
     * it resolves inline (see docs/networking.md, "DNS"), so the lookup goes to a thread here.
     */
    private static InetAddress[] lookUp(String host) throws IOException {
        if (Aio.getRunningLoop().mode().equals("carrier")) {
            return InetAddress.getAllByName(host);
        }
        try {
            return Aio.toThread(() -> InetAddress.getAllByName(host));
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    /** RFC 8305 "First Address Family Count": {@code first} addresses of the first family, then alternate. */
    static List<InetSocketAddress> interleave(List<InetSocketAddress> addrs, int first) {
        if (first <= 0 || addrs.size() < 2) {
            return addrs;
        }
        boolean firstV6 = addrs.get(0).getAddress() instanceof Inet6Address;
        List<InetSocketAddress> a = new ArrayList<>();
        List<InetSocketAddress> b = new ArrayList<>();
        for (InetSocketAddress x : addrs) {
            ((x.getAddress() instanceof Inet6Address) == firstV6 ? a : b).add(x);
        }
        List<InetSocketAddress> out = new ArrayList<>(addrs.size());
        int i = 0;
        int j = 0;
        for (int k = 0; k < first && i < a.size(); k++) {
            out.add(a.get(i++));
        }
        while (i < a.size() || j < b.size()) {
            if (j < b.size()) {
                out.add(b.get(j++));
            }
            if (i < a.size()) {
                out.add(a.get(i++));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ connecting

    static SocketChannel sequential(List<InetSocketAddress> addrs, ConnectOptions options) throws IOException {
        List<IOException> errors = new ArrayList<>();
        for (InetSocketAddress a : addrs) {
            try {
                return connectOne(a, options);
            } catch (IOException e) {
                errors.add(e);
            }
        }
        throw combine(errors);
    }

    /** One error if there is one or all say the same, else "Multiple exceptions: ..." (asyncio). */
    private static IOException combine(List<? extends Throwable> errors) {
        if (errors.isEmpty()) {
            return new IOException("no address to connect to");
        }
        Throwable first = errors.get(0);
        boolean same = errors.stream().map(String::valueOf).distinct().count() == 1;
        if (same) {
            return first instanceof IOException io ? io : new IOException(first);
        }
        StringBuilder sb = new StringBuilder("Multiple exceptions: ");
        for (int i = 0; i < errors.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(errors.get(i));
        }
        IOException e = new IOException(sb.toString(), first);
        for (int i = 1; i < errors.size(); i++) {
            e.addSuppressed(errors.get(i));
        }
        return e;
    }

    /** Connects one non-blocking channel, waiting on the loop; closes it on any failure. */
    static SocketChannel connectOne(SocketAddress address, ConnectOptions options) throws IOException {
        EventLoop loop = Aio.getRunningLoop();
        ProtocolFamily family = address instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX
                : ((InetSocketAddress) address).getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
        SocketChannel ch = SocketChannel.open(family);
        try {
            ch.configureBlocking(false);
            if (family != StandardProtocolFamily.UNIX) {
                if (options.noDelay()) {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                if (options.localAddress() != null) {
                    ch.bind(options.localAddress());
                }
            }
            if (!ch.connect(address)) {
                Future<Void> connected = loop.createFuture();
                loop.addWriter(ch, () -> {
                    if (!connected.done()) {
                        connected.setResult(null);
                    }
                });
                TimerHandle timer = options.connectTimeout() == null ? null
                        : loop.callLater(options.connectTimeout(), () -> {
                            if (!connected.done()) {
                                connected.setException(new SocketTimeoutException(
                                        "connect to " + address + " timed out after " + options.connectTimeout()));
                            }
                        });
                try {
                    Net.awaitIo(connected);
                } finally {
                    if (timer != null) {
                        timer.cancel();
                    }
                    loop.removeWriter(ch);
                }
                ch.finishConnect();
            }
            return ch;
        } catch (IOException e) {
            ch.close();
            if (address instanceof InetSocketAddress && e.getMessage() != null && !e.getMessage().contains(address.toString())
                    && e instanceof java.net.ConnectException) {
                java.net.ConnectException named = new java.net.ConnectException(
                        "Connect call failed " + address + ": " + e.getMessage());
                named.initCause(e);
                throw named;
            }
            throw e;
        } catch (Throwable t) {
            ch.close();
            throw t;
        }
    }

    /**
     * Happy Eyeballs (RFC 8305, asyncio's {@code staggered_race}): start the first attempt; start
     * the next when the previous one fails or {@code delay} passes; the first success wins and the
     * other attempts are cancelled and their sockets closed.
     */
    static SocketChannel staggeredRace(List<InetSocketAddress> addrs, ConnectOptions options) throws IOException {
        EventLoop loop = Aio.getRunningLoop();
        List<Task<SocketChannel>> running = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        int next = 0;
        boolean startNext = true;
        try {
            while (true) {
                if (startNext && next < addrs.size()) {
                    InetSocketAddress a = addrs.get(next++);
                    Task<SocketChannel> t = loop.createTask(() -> connectOne(a, options), "happy-eyeballs " + a);
                    running.add(t);
                }
                startNext = false;
                if (running.isEmpty()) {
                    throw combine(errors);
                }
                Future<Boolean> wake = loop.createFuture();
                java.util.function.Consumer<Future<SocketChannel>> onDone = f -> {
                    if (!wake.done()) {
                        wake.setResult(false);
                    }
                };
                for (Task<SocketChannel> t : running) {
                    t.addDoneCallback(onDone);
                }
                TimerHandle timer = next < addrs.size() ? loop.callLater(options.happyEyeballsDelay(), () -> {
                    if (!wake.done()) {
                        wake.setResult(true);
                    }
                }) : null;
                boolean timedOut;
                try {
                    timedOut = wake.await();
                } finally {
                    if (timer != null) {
                        timer.cancel();
                    }
                    for (Task<SocketChannel> t : running) {
                        t.removeDoneCallback(onDone);
                    }
                }
                startNext = timedOut;
                for (Task<SocketChannel> t : List.copyOf(running)) {
                    if (!t.done()) {
                        continue;
                    }
                    running.remove(t);
                    Throwable e = t.cancelled() ? new CancelledError() : t.exception();
                    if (e == null) {
                        return t.result();
                    }
                    errors.add(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                    startNext = true;
                }
            }
        } finally {
            for (Task<SocketChannel> t : running) {
                t.cancel();
                t.addDoneCallback(f -> {
                    if (!f.cancelled() && f.exception() == null) {
                        closeQuietly(f.result());
                    }
                });
            }
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
