package dev.aio4j.test.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The process's open file descriptors, read from {@code /proc/self/fd} (Linux), and what a
 * later snapshot has that an earlier one had not: the test's leaked sockets, servers, pipes and
 * files, each described ("TCP LISTEN 127.0.0.1:40123, an unclosed server").
 *
 * <p>Notes: descriptors the JVM opens for itself while a test runs are not leaks and are left
 * out: jar and module files the class loader opens, files under {@code java.home}, the
 * {@code /proc} directory this class lists, and the random devices. Sockets are described from
 * {@code /proc/net/{tcp,tcp6,udp,udp6,unix}} by inode.
 */
public final class FdSnapshot {

    private static final Path FD_DIR = Path.of("/proc/self/fd");
    private static final String JAVA_HOME = System.getProperty("java.home");

    /** fd number to link target ("socket:[123]", "/tmp/x", "pipe:[45]", "anon_inode:[eventpoll]"). */
    private final Map<Integer, String> fds;

    private FdSnapshot(Map<Integer, String> fds) {
        this.fds = fds;
    }

    /** True where /proc/self/fd can be read (Linux). */
    public static boolean supported() {
        return Files.isDirectory(FD_DIR);
    }

    static {
        openJdkOnceOnlyDescriptors();
    }

    /**
     * The JDK opens a few descriptors for good the first time a kind of channel is closed (the
     * socket its NIO dispatchers "pre-close" into) or a Unix socket is opened (the random
     * devices). Trigger them before the first snapshot, so that the first test of a process that
     * uses sockets is not blamed for them.
     */
    private static void openJdkOnceOnlyDescriptors() {
        try {
            java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.INET)
                    .close();
            java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)
                    .close();
            java.nio.channels.DatagramChannel.open().close();
            java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
            pipe.sink().close();
            pipe.source().close();
        } catch (IOException | UnsupportedOperationException e) {
            // a platform without one of them: nothing to open early
        }
    }

    /** The descriptors open now. */
    public static FdSnapshot take() {
        Map<Integer, String> fds = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(FD_DIR)) {
            for (Path p : dir) {
                try {
                    fds.put(
                            Integer.parseInt(p.getFileName().toString()),
                            Files.readSymbolicLink(p).toString());
                } catch (IOException | NumberFormatException e) {
                    // closed while we listed it (or the directory's own descriptor)
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + FD_DIR, e);
        }
        return new FdSnapshot(fds);
    }

    /** The descriptors open now that were not open in {@code before}, described; empty if none. */
    public List<String> openedSince(FdSnapshot before) {
        List<String> targets = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        for (Map.Entry<Integer, String> e : fds.entrySet()) {
            String target = e.getValue();
            if (target.equals(before.fds.get(e.getKey())) || ignored(target)) {
                continue;
            }
            numbers.add(e.getKey());
            targets.add(target);
        }
        if (targets.isEmpty()) {
            return List.of();
        }
        Map<String, String> sockets = SocketTable.read();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            String target = targets.get(i);
            String what = sockets.get(target);
            out.add("fd " + numbers.get(i) + " -> " + target + (what != null ? ": " + what : ""));
        }
        return out;
    }

    public int size() {
        return fds.size();
    }

    private static boolean ignored(String target) {
        return target.endsWith(".jar")
                || target.endsWith(".jmod")
                || target.startsWith("/proc/")
                || (JAVA_HOME != null && target.startsWith(JAVA_HOME))
                || target.equals("/dev/random")
                || target.equals("/dev/urandom");
    }

    /** The kernel's socket tables, by "socket:[inode]". */
    private static final class SocketTable {
        private static final String[] TCP_STATES = {
            "?",
            "ESTABLISHED",
            "SYN_SENT",
            "SYN_RECV",
            "FIN_WAIT1",
            "FIN_WAIT2",
            "TIME_WAIT",
            "CLOSE",
            "CLOSE_WAIT",
            "LAST_ACK",
            "LISTEN",
            "CLOSING"
        };

        static Map<String, String> read() {
            Map<String, String> out = new HashMap<>();
            inet(out, "tcp", "TCP");
            inet(out, "tcp6", "TCP");
            inet(out, "udp", "UDP");
            inet(out, "udp6", "UDP");
            unix(out);
            return out;
        }

        private static void inet(Map<String, String> out, String file, String proto) {
            for (String[] f : rows(file)) {
                if (f.length < 10) {
                    continue;
                }
                int state = Integer.parseInt(f[3], 16);
                String stateName = proto.equals("TCP") && state < TCP_STATES.length ? TCP_STATES[state] : "";
                String local = address(f[1]);
                String remote = address(f[2]);
                String text = proto + " " + stateName + " " + local;
                if (stateName.equals("LISTEN")) {
                    text += ", an unclosed server";
                } else if (!remote.endsWith(":0")) {
                    text += " -> " + remote + ", an unclosed connection";
                }
                out.put("socket:[" + f[9] + "]", text.replace("  ", " "));
            }
        }

        private static void unix(Map<String, String> out) {
            for (String[] f : rows("unix")) {
                if (f.length < 7) {
                    continue;
                }
                String path = f.length > 7 ? " " + f[7] : "";
                boolean listening = (Integer.parseInt(f[3], 16) & 0x10000) != 0;
                out.put("socket:[" + f[6] + "]", "Unix socket" + path + (listening ? ", an unclosed server" : ""));
            }
        }

        private static List<String[]> rows(String file) {
            List<String[]> rows = new ArrayList<>();
            try {
                List<String> lines = Files.readAllLines(Path.of("/proc/net", file));
                for (int i = 1; i < lines.size(); i++) {
                    rows.add(lines.get(i).trim().split("\\s+"));
                }
            } catch (IOException | RuntimeException e) {
                // no such table here: the socket stays undescribed
            }
            return rows;
        }

        /** "0100007F:9C40" -> "127.0.0.1:40000"; IPv6 addresses are shown in the kernel's hex. */
        private static String address(String hex) {
            int colon = hex.indexOf(':');
            String ip = hex.substring(0, colon);
            int port = Integer.parseInt(hex.substring(colon + 1), 16);
            if (ip.length() == 8) {
                long v = Long.parseLong(ip, 16);
                ip = (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
            } else if (ip.equals("00000000000000000000000000000000")) {
                ip = "[::]";
            } else if (ip.startsWith("0000000000000000FFFF0000")) {
                long v = Long.parseLong(ip.substring(24), 16);
                ip = (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
            } else {
                ip = "[" + ip + "]";
            }
            return ip + ":" + port;
        }
    }
}
