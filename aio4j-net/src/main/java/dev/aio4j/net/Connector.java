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

/**
 * Name resolution and connecting a socket to a host: one address after another, or Happy
 * Eyeballs (RFC 8305), as asyncio's {@code create_connection} with {@code staggered.py} and
 * trio's {@code open_tcp_stream} do. {@link Net} turns the connected channel into a transport.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The problem: a name often resolves to several addresses, some of which do not answer (a
 * host that believes it has IPv6 and has no route, a dead replica). Trying them one after
 * another waits a whole connect timeout per dead address; trying them all at once opens
 * sockets that are thrown away and hammers the server. Happy Eyeballs is the middle way.
 *
 * <p>Order ({@link #interleave}): the resolver's order is kept within each family, then the
 * list alternates families, starting with {@code first} addresses of the family the resolver
 * put first (RFC 8305 §4, "First Address Family Count"), so a broken family costs one delay,
 * not one per address of it.
 *
 * <p>The race ({@link #staggeredRace}), one attempt per address, each a task:
 * <ol>
 *   <li>start the first attempt;
 *   <li>start the next one as soon as the latest attempt fails, or when {@code delay} has passed
 *       since the previous start, whichever is first; a failure does not wait out the delay,
 *       so a refused address costs nothing;
 *   <li>the first attempt that connects wins: every other attempt is cancelled, and a loser
 *       that connected anyway (its success raced the cancellation) has its socket closed by a
 *       done callback, so no socket leaks;
 *   <li>when every attempt has failed the errors are combined as asyncio does: one error if
 *       they all say the same, else "Multiple exceptions: ..." with the others suppressed.
 * </ol>
 * The racing task waits on one future per round that either the timer (start the next) or a
 * done callback of any attempt (look at what finished) completes; the callbacks and the timer
 * are removed in a {@code finally}, so a cancellation of the caller leaves nothing behind but
 * the cancelled attempts. Without a delay ({@code happyEyeballsDelay} null) the addresses are
 * tried in order in the calling task ({@link #sequential}), as asyncio does.
 *
 * <p>Every attempt ({@link #connectOne}) is a non-blocking connect that waits for the channel
 * to become writable, bounded by {@code connectTimeout}; on any failure its channel is closed
 * before the error leaves.
 *
 * <p>Resolution: IP literals are parsed without a lookup; names go through the JVM's resolver,
 * which aio4j's resolver provider takes off the loop in carrier mode; in portable mode the
 * lookup is sent to a thread here (docs/networking.md, "DNS").
 */
final class Connector {
    private Connector() {}

    /**
     * Resolves {@code host} and connects to one of its addresses, by Happy Eyeballs when
     * {@code options} give a delay, else one address after another.
     */
    static SocketChannel connect(String host, int port, ConnectOptions options) throws IOException {
        List<InetSocketAddress> addrs = getaddrinfo(host, port);
        if (options.happyEyeballsDelay() != null) {
            int interleave = options.interleave() == 0 ? 1 : options.interleave();
            return staggeredRace(interleave(addrs, interleave), options);
        }
        return sequential(interleave(addrs, options.interleave()), options);
    }

    // ------------------------------------------------------------------ name resolution

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** True for an IPv4 or IPv6 literal (no lookup needed). */
    static boolean isIpLiteral(String host) {
        return IPV4.matcher(host).matches() || host.indexOf(':') >= 0;
    }

    /** {@link Net#getaddrinfo}, which documents it. */
    static List<InetSocketAddress> getaddrinfo(String host, int port) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port not in 0..65535: " + port);
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
        ProtocolFamily family = address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX
                : ((InetSocketAddress) address).getAddress() instanceof Inet6Address
                        ? StandardProtocolFamily.INET6
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
                TimerHandle timer = options.connectTimeout() == null
                        ? null
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
            if (address instanceof InetSocketAddress
                    && e.getMessage() != null
                    && !e.getMessage().contains(address.toString())
                    && e instanceof java.net.ConnectException) {
                java.net.ConnectException named =
                        new java.net.ConnectException("Connect call failed " + address + ": " + e.getMessage());
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
                TimerHandle timer = next < addrs.size()
                        ? loop.callLater(options.happyEyeballsDelay(), () -> {
                            if (!wake.done()) {
                                wake.setResult(true);
                            }
                        })
                        : null;
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
