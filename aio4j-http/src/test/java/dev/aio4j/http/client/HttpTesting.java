package dev.aio4j.http.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the HTTP client tests share beyond {@link dev.aio4j.http.HttpTesting}: the peer servers,
 * their counters, a tiny JSON codec.
 */
final class HttpTesting {
    private HttpTesting() {}

    /** /usr/bin/python3 with aiohttp, or a failure naming the Debian packages. */
    static String python() {
        try {
            return dev.aio4j.http.HttpTesting.python("aiohttp", "python3-aiohttp");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A peer server started as a process: it prints "PORT n" (or a line naming its port) when it
     * listens, and stops when its stdin closes or when {@link #close()} kills it.
     */
    static final class Peer implements AutoCloseable {
        final Process process;
        final int port;
        private final StringBuilder output = new StringBuilder();

        Peer(List<String> command, String portMarker, Path dir) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            process = pb.start();
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            int found = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String line;
            while (found < 0 && System.nanoTime() < deadline && (line = out.readLine()) != null) {
                output.append(line).append('\n');
                int at = line.indexOf(portMarker);
                if (at >= 0) {
                    String rest = line.substring(at + portMarker.length()).trim();
                    found = Integer.parseInt(rest.split("[^0-9]")[0]);
                }
            }
            if (found < 0) {
                process.destroyForcibly();
                throw new IOException("peer " + command + " did not start; it said:\n" + output);
            }
            port = found;
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    out.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                    // the peer ended
                }
            });
        }

        private static Peer shared;

        /**
         * The aiohttp peer of these tests (src/test/python/client_peer.py), started once for the
         * test JVM and stopped when it exits.
         */
        static synchronized Peer shared() {
            if (shared == null) {
                try {
                    shared = new Peer(List.of(python(), "src/test/python/client_peer.py"), "PORT ", null);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                Peer p = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> p.process.destroy()));
            }
            return shared;
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        @Override
        public void close() throws IOException, InterruptedException {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The aiohttp peer's counters (GET /stats), through a session of its own. */
    static Map<String, Object> stats(Peer peer) {
        try (HttpSession s = HttpSession.create()) {
            return stats(s, peer);
        }
    }

    /** The aiohttp peer's counters, through {@code session}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> stats(HttpSession session, Peer peer) {
        return (Map<String, Object>)
                new TinyJson().decode(session.get(peer.url("/stats")).text(), Object.class);
    }

    static long stat(Peer peer, String name) {
        return ((Number) stats(peer).get(name)).longValue();
    }

    static long stat(HttpSession session, Peer peer, String name) {
        return ((Number) stats(session, peer).get(name)).longValue();
    }

    /**
     * Waits until the only connection the peer has open is {@code session}'s (those of earlier
     * sessions are closed), then resets its counters through it.
     */
    static void quiesceAndReset(HttpSession session, Peer peer) {
        for (int i = 0; i < 100 && stat(session, peer, "open") > 1; i++) {
            dev.aio4j.Aio.sleep(Duration.ofMillis(50));
        }
        session.get(peer.url("/reset")).text();
    }

    static void resetStats(Peer peer) {
        try (HttpSession s = HttpSession.create()) {
            s.get(peer.url("/reset")).text();
        }
    }

    /** A small JSON codec for the tests: maps, lists, strings, numbers, booleans, null. */
    static final class TinyJson implements JsonCodec {
        @Override
        public String encode(Object value) {
            StringBuilder sb = new StringBuilder();
            write(sb, value);
            return sb.toString();
        }

        private static void write(StringBuilder sb, Object v) {
            if (v == null) {
                sb.append("null");
            } else if (v instanceof Map<?, ?> m) {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    write(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            } else if (v instanceof List<?> l) {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(sb, l.get(i));
                }
                sb.append(']');
            } else if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                sb.append('"');
                for (char c : v.toString().toCharArray()) {
                    switch (c) {
                        case '"' -> sb.append("\\\"");
                        case '\\' -> sb.append("\\\\");
                        case '\n' -> sb.append("\\n");
                        default -> {
                            if (c < 0x20) {
                                sb.append(String.format("\\u%04x", (int) c));
                            } else {
                                sb.append(c);
                            }
                        }
                    }
                }
                sb.append('"');
            }
        }

        @Override
        public Object decode(String json, Type type) {
            int[] at = {0};
            Object v = parse(json, at);
            return v;
        }

        private static Object parse(String s, int[] at) {
            skip(s, at);
            char c = s.charAt(at[0]);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                at[0]++;
                skip(s, at);
                if (s.charAt(at[0]) == '}') {
                    at[0]++;
                    return m;
                }
                while (true) {
                    String k = (String) parse(s, at);
                    skip(s, at);
                    at[0]++; // ':'
                    m.put(k, parse(s, at));
                    skip(s, at);
                    if (s.charAt(at[0]++) == '}') {
                        return m;
                    }
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                at[0]++;
                skip(s, at);
                if (s.charAt(at[0]) == ']') {
                    at[0]++;
                    return l;
                }
                while (true) {
                    l.add(parse(s, at));
                    skip(s, at);
                    if (s.charAt(at[0]++) == ']') {
                        return l;
                    }
                }
            }
            if (c == '"') {
                StringBuilder sb = new StringBuilder();
                at[0]++;
                while (true) {
                    char d = s.charAt(at[0]++);
                    if (d == '"') {
                        return sb.toString();
                    }
                    if (d == '\\') {
                        char e = s.charAt(at[0]++);
                        switch (e) {
                            case 'n' -> sb.append('\n');
                            case 't' -> sb.append('\t');
                            case 'r' -> sb.append('\r');
                            case 'u' -> {
                                sb.append((char) Integer.parseInt(s.substring(at[0], at[0] + 4), 16));
                                at[0] += 4;
                            }
                            default -> sb.append(e);
                        }
                    } else {
                        sb.append(d);
                    }
                }
            }
            int start = at[0];
            while (at[0] < s.length() && ",}] \n\r\t".indexOf(s.charAt(at[0])) < 0) {
                at[0]++;
            }
            String word = s.substring(start, at[0]);
            return switch (word) {
                case "null" -> null;
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default ->
                    word.contains(".") || word.contains("e")
                            ? (Object) Double.parseDouble(word)
                            : (Object) Long.parseLong(word);
            };
        }

        private static void skip(String s, int[] at) {
            while (at[0] < s.length() && Character.isWhitespace(s.charAt(at[0]))) {
                at[0]++;
            }
        }
    }
}
