package dev.aio4j.bench.compare;

import dev.aio4j.Aio;
import dev.aio4j.RunOptions;
import dev.aio4j.Task;
import dev.aio4j.file.AioPath;
import dev.aio4j.file.AsyncFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * File reading for compare/files.py: the same three workloads as compare/files_aiofiles.py, on
 * aio4j's file API or plain {@code Files.readAllBytes} on one platform thread. Each run does one
 * warm-up round and one measured round and prints one JSON line (see {@link Report}).
 *
 * <pre>
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks.jar \
 *       dev.aio4j.bench.compare.FileWorkloads aio4j|plain many DIR | whole FILE | chunks FILE | into FILE
 * </pre>
 *
 * <ul>
 *   <li>{@code many}: every file of DIR read whole, all at once (one task per file; plain: one
 *       after another on the main thread);
 *   <li>{@code whole}: one file read into one array;
 *   <li>{@code chunks}: one file read in 1 MiB reads, a new array each (plain: an InputStream
 *       with one 1 MiB buffer);
 *   <li>{@code into}: one file read into one 1 MiB buffer ({@code AsyncFile.readInto}; plain: as
 *       {@code chunks}).
 * </ul>
 */
public final class FileWorkloads {
    private static final int CHUNK = 1 << 20;

    private FileWorkloads() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: FileWorkloads aio4j|plain many DIR | whole FILE | chunks FILE | into FILE");
            System.exit(2);
        }
        String impl = args[0];
        String workload = args[1];
        Path path = Path.of(args[2]);
        long[] bytes = new long[1];
        long nanos = 0;
        for (int round = 0; round < 2; round++) { // the first round warms up
            long t0 = System.nanoTime();
            bytes[0] = impl.equals("plain")
                    ? plain(workload, path)
                    : Aio.run(() -> aio(workload, path), RunOptions.defaults().withSigintHandling(false));
            nanos = System.nanoTime() - t0;
        }
        String name = impl.equals("plain")
                ? "Files.readAllBytes"
                : "aio4j "
                        + Aio.run(
                                () -> Aio.getRunningLoop().mode(),
                                RunOptions.defaults().withSigintHandling(false));
        new Report(name, workload, bytes[0])
                .put("value", nanos / 1e6)
                .put("unit", "ms")
                .put("mb_per_s", bytes[0] / 1e6 / (nanos / 1e9))
                .print();
    }

    private static long aio(String workload, Path path) throws IOException {
        return switch (workload) {
            case "many" -> {
                List<Task<Integer>> tasks = new ArrayList<>();
                for (AioPath p : AioPath.of(path).list()) {
                    tasks.add(Aio.createTask(() -> p.readBytes().length));
                }
                long total = 0;
                for (Task<Integer> t : tasks) {
                    total += t.await();
                }
                yield total;
            }
            case "whole" -> AioPath.of(path).readBytes().length;
            case "chunks" -> {
                long total = 0;
                try (AsyncFile f = AioPath.of(path).openRead()) {
                    for (byte[] b; (b = f.read(CHUNK)).length > 0; ) {
                        total += b.length;
                    }
                }
                yield total;
            }
            case "into" -> {
                long total = 0;
                byte[] buf = new byte[CHUNK];
                try (AsyncFile f = AioPath.of(path).openRead()) {
                    for (int n; (n = f.readInto(buf, 0, CHUNK)) > 0; ) {
                        total += n;
                    }
                }
                yield total;
            }
            default -> throw new IllegalArgumentException(workload);
        };
    }

    private static long plain(String workload, Path path) throws IOException {
        return switch (workload) {
            case "many" -> {
                long total = 0;
                try (Stream<Path> files = Files.list(path)) {
                    for (Path p : files.toList()) {
                        total += Files.readAllBytes(p).length;
                    }
                }
                yield total;
            }
            case "whole" -> Files.readAllBytes(path).length;
            case "chunks", "into" -> {
                long total = 0;
                byte[] buf = new byte[CHUNK];
                try (var in = Files.newInputStream(path)) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        total += n;
                    }
                }
                yield total;
            }
            default -> throw new IllegalArgumentException(workload);
        };
    }
}
