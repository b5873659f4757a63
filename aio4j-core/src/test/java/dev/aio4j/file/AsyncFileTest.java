package dev.aio4j.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.RunOptions;
import dev.aio4j.Task;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 240, threadMode = ThreadMode.SEPARATE_THREAD)
class AsyncFileTest {
    private static final int MB = 1024 * 1024;

    @TempDir
    Path dir;

    static <T> T run(Callable<T> body) {
        return Aio.run(body, RunOptions.defaults().withSigintHandling(false));
    }

    /** A file of {@code size} bytes where byte i is {@code (i * 31 + seed) & 0xff}. */
    private static Path patterned(Path p, int size, int seed) throws IOException {
        byte[] chunk = new byte[MB];
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int off = 0; off < size; off += MB) {
                int n = Math.min(MB, size - off);
                for (int i = 0; i < n; i++) {
                    chunk[i] = (byte) ((off + i) * 31 + seed);
                }
                ByteBuffer b = ByteBuffer.wrap(chunk, 0, n);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
        return p;
    }

    private static boolean matches(byte[] data, int from, int seed) {
        for (int i = 0; i < data.length; i += 4093) {
            if (data[i] != (byte) ((from + i) * 31 + seed)) {
                return false;
            }
        }
        return data.length == 0 || data[data.length - 1] == (byte) ((from + data.length - 1) * 31 + seed);
    }

    private Path fifo(String name) throws Exception {
        Path p = dir.resolve(name);
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(mk.waitFor()).as("mkfifo").isZero();
        return p;
    }

    // ------------------------------------------------------------------ the loop stays free

    @Test
    void eightTasksReadingEightDifferent64MbFilesLeaveTheLoopFree() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            files.add(patterned(dir.resolve("big" + i), 64 * MB, i));
        }
        long[] result = run(() -> {
            Heartbeat hb = new Heartbeat();
            long t0 = System.nanoTime();
            List<Task<Boolean>> readers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int seed = i;
                Path p = files.get(i);
                readers.add(Aio.createTask(() -> {
                    if (seed % 2 == 0) {
                        byte[] data = AioPath.of(p).readBytes();
                        return data.length == 64 * MB && matches(data, 0, seed);
                    }
                    int at = 0;
                    boolean intact = true;
                    try (AsyncFile f = AioPath.of(p).openRead()) {
                        for (byte[] chunk; (chunk = f.read(MB)).length > 0; at += chunk.length) {
                            intact &= matches(chunk, at, seed);
                        }
                    }
                    return intact && at == 64 * MB;
                }));
            }
            int ok = 0;
            for (Task<Boolean> r : readers) {
                ok += r.await() ? 1 : 0;
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            hb.stop();
            return new long[] {ok, hb.loopWorstMs(), hb.controlWorstMs(), ms};
        });
        assertThat(result[0]).as("files read intact").isEqualTo(8);
        // GC pauses for big arrays on a loaded machine delay every thread: compare with the control.
        // Read inside the tasks, the files would hold the loop for the whole of the reads.
        assertThat(result[1])
                .as("loop heartbeat's worst lateness, ms (control %d ms, reads took %d ms)", result[2], result[3])
                .isLessThan(Heartbeat.allowedLatenessMs(result[2]));
    }

    @Test
    void aFifoWhoseWriterComesOneSecondLaterDoesNotBlockOtherTasks() throws Exception {
        Path fifo = fifo("late-writer");
        Process writer = new ProcessBuilder("sh", "-c", "sleep 1; echo hello from the writer > '" + fifo + "'")
                .inheritIO()
                .start();
        try {
            Object[] result = run(() -> {
                Heartbeat hb = new Heartbeat();
                long t0 = System.nanoTime();
                String line;
                try (AsyncFile f = AioPath.of(fifo).openRead()) {
                    line = f.readLine();
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                hb.stop();
                return new Object[] {line, ms, hb};
            });
            assertThat(result[0]).isEqualTo("hello from the writer");
            assertThat((long) result[1]).as("waited for the writer, ms").isGreaterThanOrEqualTo(700);
            Heartbeat hb = (Heartbeat) result[2];
            assertThat(hb.loopWorstMs()).as("%s", hb).isLessThan(Heartbeat.allowedLatenessMs(hb.controlWorstMs()));
            assertThat(hb.ticks()).as("%s", hb).isGreaterThan(20);
        } finally {
            writer.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ lines

    @Test
    void lineIterationOverAMillionLinesGivesEveryLineOnceInOrder() throws Exception {
        Path p = dir.resolve("million.txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 1_000_000; i++) {
            sb.append("line ").append(i).append('\n');
        }
        Files.writeString(p, sb);
        long[] got = run(() -> {
            long count = 0;
            long wrong = 0;
            try (AsyncFile f = AioPath.of(p).openRead()) {
                for (String line : f.lines()) {
                    if (!line.equals("line " + count)) {
                        wrong++;
                    }
                    count++;
                }
                return new long[] {count, wrong, f.position()};
            }
        });
        assertThat(got[0]).isEqualTo(1_000_000);
        assertThat(got[1]).isZero();
        assertThat(got[2]).isEqualTo(Files.size(p));
    }

    @Test
    void readLineDropsTerminatorsAndKeepsALastLineWithoutOne() throws Exception {
        Path p = dir.resolve("mixed.txt");
        Files.writeString(p, "a\r\nb\n\nlast");
        List<String> lines = run(() -> {
            List<String> out = new ArrayList<>();
            try (AsyncFile f = AioPath.of(p).openRead()) {
                for (String s; (s = f.readLine()) != null; ) {
                    out.add(s);
                }
                assertThat(f.readLine()).isNull();
                assertThat(f.read(5)).isEmpty();
            }
            return out;
        });
        assertThat(lines).containsExactly("a", "b", "", "last");
    }

    // ------------------------------------------------------------------ reading, writing, seeking

    @Test
    void readGivesExactlyNBytesUntilTheEnd() throws Exception {
        Path p = patterned(dir.resolve("small"), 200_000, 7);
        run(() -> {
            try (AsyncFile f = AioPath.of(p).openRead()) {
                byte[] a = f.read(10);
                byte[] b = f.read(100_000);
                byte[] rest = f.readAll();
                assertThat(a).hasSize(10);
                assertThat(matches(a, 0, 7)).isTrue();
                assertThat(b).hasSize(100_000);
                assertThat(matches(b, 10, 7)).isTrue();
                assertThat(rest).hasSize(200_000 - 100_010);
                assertThat(matches(rest, 100_010, 7)).isTrue();
                assertThat(f.position()).isEqualTo(200_000);
                assertThat(f.seek(5)).isEqualTo(5);
                assertThat(matches(f.read(3), 5, 7)).isTrue();
            }
            return null;
        });
    }

    @Test
    void readIntoFillsTheCallersBufferAndReturnsMinusOneAtTheEnd() throws Exception {
        Path p = patterned(dir.resolve("into"), 3 * MB + 5, 9);
        run(() -> {
            try (AsyncFile f = AioPath.of(p).openRead()) {
                byte[] first = f.read(5); // leaves bytes buffered: readInto hands those out first
                byte[] buf = new byte[MB];
                long total = first.length;
                boolean intact = matches(first, 0, 9);
                for (int n; (n = f.readInto(buf, 0, buf.length)) > 0; total += n) {
                    intact &= matches(Arrays.copyOf(buf, n), (int) total, 9);
                }
                assertThat(total).isEqualTo(3 * MB + 5);
                assertThat(intact).isTrue();
                assertThat(f.readInto(buf, 0, 10)).isEqualTo(-1);
                assertThatThrownBy(() -> f.readInto(buf, MB - 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
            }
            return null;
        });
    }

    @Test
    void aCancelledReadIntoGivesItsBytesBack() throws Exception {
        Path p = patterned(dir.resolve("into-cancel"), 32 * MB, 4);
        run(() -> {
            try (AsyncFile f = AioPath.of(p).openRead()) {
                byte[] big = new byte[32 * MB];
                // Every file thread waits to open a FIFO, so the read below is queued when its
                // task's cancellation arrives (else it may finish first and hand its bytes out).
                Path fifo = fifo("pool-blocker");
                List<Task<AsyncFile>> blockers = new ArrayList<>();
                for (int i = 0; i < FilePool.THREADS; i++) {
                    blockers.add(Aio.createTask(() -> AioPath.of(fifo).openRead()));
                }
                Aio.sleep(Duration.ofMillis(200));
                Task<Integer> reader = Aio.createTask(() -> {
                    Aio.currentTask().cancel(); // delivered at the read's first wait
                    return f.readInto(big, 0, big.length);
                });
                assertThatThrownBy(reader::await).isInstanceOf(CancelledError.class);
                Thread.ofPlatform().start(() -> {
                    try (OutputStream out = new FileOutputStream(fifo.toFile())) {
                        out.flush(); // opening the writing end lets every blocked open complete
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                for (Task<AsyncFile> b : blockers) {
                    b.await().close();
                }
                assertThat(f.position()).isZero();
                byte[] again = f.readAll();
                assertThat(again).hasSize(32 * MB);
                assertThat(matches(again, 0, 4)).isTrue();
            }
            return null;
        });
    }

    @Test
    void writeFlushSeekAndAppendKeepOnePosition() throws Exception {
        Path p = dir.resolve("rw.txt");
        String text = run(() -> {
            AioPath path = AioPath.of(p);
            try (AsyncFile f = path.openWrite()) {
                f.write("hello ");
                f.write("world\n".getBytes(StandardCharsets.UTF_8));
                assertThat(f.position()).isEqualTo(12);
                f.flush();
                assertThat(Files.readString(p)).isEqualTo("hello world\n");
                f.write(new byte[200_000]); // larger than the buffer: written straight through
                assertThat(f.size()).isEqualTo(200_012);
            }
            try (AsyncFile f = path.open(StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                assertThat(f.read(6)).isEqualTo("hello ".getBytes(StandardCharsets.UTF_8));
                f.write("WORLD"); // writes where reading stopped, not where read-ahead did
                assertThat(f.position()).isEqualTo(11);
                f.seek(0);
                assertThat(f.readLine()).isEqualTo("hello WORLD");
                f.sync();
            }
            try (AsyncFile f = path.openAppend()) {
                f.write("tail");
                assertThat(f.position()).isEqualTo(200_016);
            }
            return new String(Files.readAllBytes(p), 0, 12, StandardCharsets.UTF_8) + "|" + Files.size(p);
        });
        assertThat(text).isEqualTo("hello WORLD\n|200016");
    }

    // ------------------------------------------------------------------ cancellation

    @Test
    void bytesACancelledReadBroughtInAreReturnedByTheNextRead() throws Exception {
        Path fifo = fifo("cancelled-read");
        CountDownLatch opened = new CountDownLatch(1);
        CountDownLatch write = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().start(() -> {
            try (OutputStream out = new FileOutputStream(fifo.toFile())) {
                opened.countDown();
                write.await();
                out.write("hello world".getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(200);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        String got = run(() -> {
            try (AsyncFile f = AioPath.of(fifo).openRead()) {
                Task<byte[]> reader = Aio.createTask(() -> f.read(11));
                Aio.sleep(Duration.ofMillis(200)); // the read now waits on a file thread
                reader.cancel();
                assertThatThrownBy(reader::await).isInstanceOf(CancelledError.class);
                write.countDown(); // the cancelled read completes on its file thread
                String again = new String(f.read(11), StandardCharsets.UTF_8);
                assertThat(f.position()).isEqualTo(11);
                return again;
            }
        });
        assertThat(got).isEqualTo("hello world");
        assertThat(opened.getCount()).isZero();
        writer.join(10_000);
    }

    @Test
    void closingAfterACancelledReadThatNeverEndsDoesNotHang() throws Exception {
        Path fifo = fifo("never-written");
        CountDownLatch done = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().start(() -> {
            try (OutputStream out = new FileOutputStream(fifo.toFile())) {
                done.await(); // holds the FIFO open without writing
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long ms = run(() -> {
            AsyncFile f = AioPath.of(fifo).openRead();
            Task<String> reader = Aio.createTask(() -> {
                try (f) {
                    return f.readLine();
                }
            });
            Aio.sleep(Duration.ofMillis(200));
            long t0 = System.nanoTime();
            reader.cancel();
            assertThatThrownBy(reader::await).isInstanceOf(CancelledError.class);
            assertThat(f.isClosed()).isTrue();
            return (System.nanoTime() - t0) / 1_000_000;
        });
        done.countDown();
        writer.join(10_000);
        assertThat(ms).as("cancel and close, ms").isLessThan(5_000);
    }

    @Test
    void aCancelledReadOfARegularFileLosesNothing() throws Exception {
        Path p = patterned(dir.resolve("cancel-big"), 32 * MB, 3);
        run(() -> {
            try (AsyncFile f = AioPath.of(p).openRead()) {
                assertThat(matches(f.read(10), 0, 3)).isTrue();
                Task<byte[]> all = Aio.createTask(f::readAll);
                Aio.sleep(Duration.ZERO); // let it start its read
                all.cancel();
                assertThatThrownBy(all::await).isInstanceOf(CancelledError.class);
                byte[] rest = f.readAll();
                assertThat(rest).hasSize(32 * MB - 10);
                assertThat(matches(rest, 10, 3)).isTrue();
            }
            return null;
        });
    }

    // ------------------------------------------------------------------ errors

    @Test
    void aMissingFileFailsWithNoSuchFileException() {
        Path missing = dir.resolve("missing.txt");
        run(() -> {
            assertThatThrownBy(() -> AioPath.of(missing).openRead()).isInstanceOf(NoSuchFileException.class);
            assertThatThrownBy(() -> AioPath.of(missing).readString()).isInstanceOf(NoSuchFileException.class);
            return null;
        });
    }

    @Test
    void aClosedFileRefusesToReadOrWrite() throws Exception {
        Path p = dir.resolve("closed.txt");
        Files.writeString(p, "x");
        run(() -> {
            AsyncFile f = AioPath.of(p).openRead();
            f.close();
            f.close();
            assertThatThrownBy(() -> f.read(1)).isInstanceOf(ClosedChannelException.class);
            assertThatThrownBy(() -> f.write("y")).isInstanceOf(ClosedChannelException.class);
            assertThatThrownBy(() -> f.read(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("n < 0: -1");
            return null;
        });
    }
}
