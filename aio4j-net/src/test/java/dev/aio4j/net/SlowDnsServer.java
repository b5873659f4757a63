package dev.aio4j.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A DNS server over UDP that answers every query after a fixed delay: A records from a fixed
 * table, an empty answer for other types of a known name, NXDOMAIN for unknown names. Queries
 * are answered independently, so many lookups at once all take about one delay.
 */
final class SlowDnsServer implements AutoCloseable {
    private static final int TYPE_A = 1;
    private static final int RCODE_NXDOMAIN = 3;

    private final DatagramSocket socket;
    private final Map<String, InetAddress> names;
    private final Duration delay;
    private final ScheduledExecutorService replies = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slow-dns-replies");
        t.setDaemon(true);
        return t;
    });
    private final Thread receiver;

    SlowDnsServer(InetSocketAddress bind, Map<String, InetAddress> names, Duration delay) throws SocketException {
        this.socket = new DatagramSocket(bind);
        this.names = names;
        this.delay = delay;
        this.receiver = Thread.ofPlatform().daemon(true).name("slow-dns").start(this::serve);
    }

    private void serve() {
        byte[] buf = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return; // closed
            }
            byte[] query = Arrays.copyOf(p.getData(), p.getLength());
            var from = p.getSocketAddress();
            replies.schedule(() -> reply(query, from), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void reply(byte[] query, java.net.SocketAddress to) {
        try {
            byte[] answer = answer(query);
            if (answer != null) {
                socket.send(new DatagramPacket(answer, answer.length, to));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("slow-dns: cannot answer: " + e);
        }
    }

    /** The response to {@code query}, or null if it is not a one-question query. */
    private byte[] answer(byte[] q) {
        if (q.length < 12 || ((q[4] << 8) | (q[5] & 0xff)) != 1) {
            return null;
        }
        int i = 12;
        StringBuilder name = new StringBuilder();
        while (q[i] != 0) {
            int len = q[i] & 0xff;
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(q, i + 1, len, StandardCharsets.US_ASCII));
            i += len + 1;
        }
        int questionEnd = i + 5; // the zero label, QTYPE, QCLASS
        int qtype = ((q[i + 1] & 0xff) << 8) | (q[i + 2] & 0xff);
        InetAddress address = names.get(name.toString().toLowerCase(Locale.ROOT));
        boolean known = names.containsKey(name.toString().toLowerCase(Locale.ROOT));
        boolean answers = address != null && qtype == TYPE_A;

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(q[0]);
        out.write(q[1]); // the query's ID
        out.write(0x81 | (q[2] & 0x01)); // QR, opcode 0, RD copied
        out.write(0x80 | (known ? 0 : RCODE_NXDOMAIN)); // RA, rcode
        out.writeBytes(new byte[] {0, 1, 0, (byte) (answers ? 1 : 0), 0, 0, 0, 0});
        out.write(q, 12, questionEnd - 12);
        if (answers) {
            out.writeBytes(new byte[] {(byte) 0xc0, 12, 0, TYPE_A, 0, 1, 0, 0, 0, 60, 0, 4});
            out.writeBytes(address.getAddress());
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        socket.close();
        replies.shutdownNow();
        try {
            receiver.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
