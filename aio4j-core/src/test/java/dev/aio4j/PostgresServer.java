package dev.aio4j;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for the JDBC tests: a fresh cluster in a temporary directory,
 * listening on 127.0.0.1 on a free port, stopped and deleted by {@link #close()}. As root it runs
 * as the {@code postgres} user (PostgreSQL refuses root).
 */
final class PostgresServer implements AutoCloseable {

    private final Path dir;
    private final Path bin;
    private final boolean asPostgresUser;
    final int port;
    private final Process server;

    private PostgresServer(Path bin, Path dir, boolean asPostgresUser, int port, Process server) {
        this.bin = bin;
        this.dir = dir;
        this.asPostgresUser = asPostgresUser;
        this.port = port;
        this.server = server;
    }

    /** The directory of PostgreSQL's programs, or null if it is not installed. */
    static Path findBin() {
        Path lib = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(lib)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(lib)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.naturalOrder())
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    static PostgresServer start() throws IOException, InterruptedException {
        Path bin = findBin();
        if (bin == null) {
            throw new IllegalStateException(
                    "PostgreSQL is not installed (apt-get install postgresql; ./aio4j test does it)");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("aio4j-pg");
        if (root) {
            run(List.of("chown", "postgres", dir.toString()), false);
        }
        Path data = dir.resolve("data");
        run(
                List.of(
                        bin.resolve("initdb").toString(),
                        "-D",
                        data.toString(),
                        "-A",
                        "trust",
                        "-U",
                        "test",
                        "--no-sync"),
                root);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // PostgreSQL cannot take port 0; a free one, just released
        }
        List<String> cmd = command(
                List.of(
                        bin.resolve("postgres").toString(),
                        "-D",
                        data.toString(),
                        "-p",
                        String.valueOf(port),
                        "-k",
                        dir.toString(),
                        "-c",
                        "listen_addresses=127.0.0.1",
                        "-c",
                        "fsync=off",
                        "-c",
                        "max_connections=30"),
                root);
        Process server = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile())
                .start();
        PostgresServer pg = new PostgresServer(bin, dir, root, port, server);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection c = pg.connect()) {
                return pg;
            } catch (SQLException e) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    pg.close();
                    throw new IllegalStateException(
                            "PostgreSQL did not start: " + Files.readString(dir.resolve("server.log")), e);
                }
                Thread.sleep(100);
            }
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "test", "");
    }

    private static List<String> command(List<String> cmd, boolean asPostgresUser) {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(cmd);
        return full;
    }

    private static void run(List<String> cmd, boolean asPostgresUser) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(cmd, asPostgresUser))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run(
                    List.of(
                            bin.resolve("pg_ctl").toString(),
                            "-D",
                            dir.resolve("data").toString(),
                            "-m",
                            "immediate",
                            "-w",
                            "stop"),
                    asPostgresUser);
        } catch (IllegalStateException e) {
            // not running any more
        }
        server.destroy();
        server.waitFor(30, TimeUnit.SECONDS);
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
