package dev.aio4j.process;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a child's stdin, stdout or stderr goes (asyncio's {@code PIPE}, {@code DEVNULL},
 * {@code STDOUT}, {@code None} and file arguments of {@code create_subprocess_exec}).
 *
 * <ul>
 *   <li>{@link #PIPE}: a pipe to this process — {@code stdin()} is a StreamWriter,
 *       {@code stdout()}/{@code stderr()} StreamReaders.
 *   <li>{@link #DEVNULL}: {@code /dev/null}.
 *   <li>{@link #INHERIT}: the same file as this JVM's (asyncio's {@code None}, the default).
 *   <li>{@link #STDOUT}: for stderr only, into the same place as stdout.
 *   <li>{@link #file(Path)}: read stdin from a file, or write (truncating) stdout/stderr to one;
 *       {@link #appendTo(Path)} appends.
 * </ul>
 */
public sealed interface Redirect {

    /** A pipe to this process. */
    Redirect PIPE = Kind.PIPE;
    /** {@code /dev/null}. */
    Redirect DEVNULL = Kind.DEVNULL;
    /** This JVM's own stream. */
    Redirect INHERIT = Kind.INHERIT;
    /** stderr only: wherever stdout goes. */
    Redirect STDOUT = Kind.STDOUT;

    /** The file at {@code path}: read for stdin, created or truncated for stdout and stderr. */
    static Redirect file(Path path) {
        return new ToFile(path, false);
    }

    /** stdout or stderr appended to the file at {@code path} (created if missing). */
    static Redirect appendTo(Path path) {
        return new ToFile(path, true);
    }

    /** The constants. */
    enum Kind implements Redirect {
        /** {@link Redirect#PIPE}. */
        PIPE,
        /** {@link Redirect#DEVNULL}. */
        DEVNULL,
        /** {@link Redirect#INHERIT}. */
        INHERIT,
        /** {@link Redirect#STDOUT}. */
        STDOUT
    }

    /** A file, read or written. */
    record ToFile(Path path, boolean append) implements Redirect {
        /**
         * Checks the path.
         *
         * @throws NullPointerException if {@code path} is null
         */
        public ToFile {
            Objects.requireNonNull(path, "path");
        }
    }
}
