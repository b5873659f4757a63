package dev.aio4j.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A path whose file operations suspend only the calling task (trio.Path, aiofiles.os): each
 * runs on aio4j's file threads, a bounded pool of platform daemon threads shared by every loop
 * ({@code -Daio4j.file.threads}, default 16), never on the loop. Call them from a task.
 *
 * <pre>{@code
 * AioPath log = AioPath.of("/var/log/app.log");
 * String text = log.readString();
 * AioPath.of("copy.log").writeString(text);
 * }</pre>
 *
 * <p>Errors are the {@link Files} ones ({@link java.nio.file.NoSuchFileException} for a missing
 * file, and so on), thrown in the task. Cancellation: a whole-file operation cancelled before
 * a file thread took it never runs; once it runs it is not interrupted, it completes and its
 * outcome is dropped (so a cancelled {@code writeString} may still have written the file, a
 * cancelled {@code move} may have moved it). See {@link AsyncFile} for open files.
 *
 * <p>Differs from trio.Path: {@code list} and {@code walk} return lists, read whole on a file
 * thread, rather than lazy iterators (a lazy iterator would need a trip per entry).
 */
public final class AioPath {
    private final Path path;

    private AioPath(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    public static AioPath of(Path path) {
        return new AioPath(path);
    }

    public static AioPath of(String first, String... more) {
        return new AioPath(Path.of(first, more));
    }

    /** The plain path. */
    public Path path() {
        return path;
    }

    /** {@link Path#resolve(String)}, as an AioPath. */
    public AioPath resolve(String other) {
        return new AioPath(path.resolve(other));
    }

    // ------------------------------------------------------------------ open files

    /**
     * Opens the file with {@link java.nio.file.StandardOpenOption}s (none: READ), text in UTF-8.
     * Opening a FIFO waits, suspending only the task, for the other end.
     */
    public AsyncFile open(OpenOption... options) throws IOException {
        return open(StandardCharsets.UTF_8, options);
    }

    /** {@link #open(OpenOption...)} with the charset for {@code readLine} and {@code write(String)}. */
    public AsyncFile open(Charset charset, OpenOption... options) throws IOException {
        Set<OpenOption> set = new HashSet<>(Arrays.asList(options));
        if (set.isEmpty()) {
            set.add(StandardOpenOption.READ);
        }
        return AsyncFile.open(path, Objects.requireNonNull(charset, "charset"), set);
    }

    /** Opens for reading (aiofiles' mode "r"/"rb"). */
    public AsyncFile openRead() throws IOException {
        return open(StandardOpenOption.READ);
    }

    /** Opens for writing, creating or truncating the file (mode "w"). */
    public AsyncFile openWrite() throws IOException {
        return open(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Opens for appending, creating the file if needed (mode "a"). */
    public AsyncFile openAppend() throws IOException {
        return open(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    // ------------------------------------------------------------------ whole files

    /**
     * The whole file as UTF-8 text, as {@link Files#readString}: malformed input fails with
     * {@link java.nio.charset.MalformedInputException}.
     */
    public String readString() throws IOException {
        return readString(StandardCharsets.UTF_8);
    }

    /** {@link Files#readString(Path, Charset)}. */
    public String readString(Charset charset) throws IOException {
        return FilePool.call(() ->
                charset.newDecoder().decode(ByteBuffer.wrap(readFully(path))).toString());
    }

    /** The whole file, as {@link Files#readAllBytes}. */
    public byte[] readBytes() throws IOException {
        return FilePool.call(() -> readFully(path));
    }

    /**
     * On a file thread: {@link Files#readAllBytes}, but in reads of at most
     * {@link AsyncFile#MAX_IO}, so that the JDK's per-thread temporary buffer stays small.
     */
    private static byte[] readFully(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new OutOfMemoryError("Required array size too large: " + path);
            }
            byte[] data = new byte[(int) size];
            int at = 0;
            while (true) {
                if (at == data.length) {
                    ByteBuffer probe = ByteBuffer.allocate(8192); // the file may have grown
                    int r = ch.read(probe);
                    if (r < 0) {
                        return data;
                    }
                    data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(at + r, at * 2L)));
                    System.arraycopy(probe.array(), 0, data, at, r);
                    at += r;
                    continue;
                }
                int r = ch.read(ByteBuffer.wrap(data, at, Math.min(data.length - at, AsyncFile.MAX_IO)));
                if (r < 0) {
                    return at == data.length ? data : Arrays.copyOf(data, at);
                }
                at += r;
            }
        }
    }

    /** {@link Files#writeString}: writes {@code text} in UTF-8 (default options: create, truncate). */
    public void writeString(CharSequence text, OpenOption... options) throws IOException {
        FilePool.call(() -> Files.writeString(path, text, options));
    }

    /** {@link Files#write(Path, byte[], OpenOption...)}. */
    public void writeBytes(byte[] bytes, OpenOption... options) throws IOException {
        FilePool.call(() -> Files.write(path, bytes, options));
    }

    /** {@link Files#copy(Path, Path, CopyOption...)}; returns the target. */
    public AioPath copy(AioPath target, CopyOption... options) throws IOException {
        FilePool.call(() -> Files.copy(path, target.path, options));
        return target;
    }

    /** {@link Files#move}; returns the target. */
    public AioPath move(AioPath target, CopyOption... options) throws IOException {
        FilePool.call(() -> Files.move(path, target.path, options));
        return target;
    }

    /** {@link Files#delete}: fails with NoSuchFileException if there is nothing to delete. */
    public void delete() throws IOException {
        FilePool.call(() -> {
            Files.delete(path);
            return null;
        });
    }

    /** {@link Files#deleteIfExists}. */
    public boolean deleteIfExists() throws IOException {
        return FilePool.call(() -> Files.deleteIfExists(path));
    }

    /** {@link Files#createDirectories}. */
    public AioPath createDirectories() throws IOException {
        FilePool.call(() -> Files.createDirectories(path));
        return this;
    }

    /** The entries of this directory, in the order the file system gives them. */
    public List<AioPath> list() throws IOException {
        return FilePool.call(() -> {
            try (Stream<Path> s = Files.list(path)) {
                return wrap(s);
            }
        });
    }

    /** This path and everything under it, depth first ({@link Files#walk}). */
    public List<AioPath> walk() throws IOException {
        return walk(Integer.MAX_VALUE);
    }

    /** {@link #walk()} down to {@code maxDepth} levels. */
    public List<AioPath> walk(int maxDepth) throws IOException {
        return FilePool.call(() -> {
            try (Stream<Path> s = Files.walk(path, maxDepth)) {
                return wrap(s);
            }
        });
    }

    /** {@link Files#size}. */
    public long size() throws IOException {
        return FilePool.call(() -> Files.size(path));
    }

    /** {@link Files#exists}. */
    public boolean exists() throws IOException {
        return FilePool.call(() -> Files.exists(path));
    }

    /** {@link Files#isDirectory}. */
    public boolean isDirectory() throws IOException {
        return FilePool.call(() -> Files.isDirectory(path));
    }

    private static List<AioPath> wrap(Stream<Path> paths) {
        List<AioPath> out = new ArrayList<>();
        paths.forEach(p -> out.add(new AioPath(p)));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AioPath other && path.equals(other.path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
