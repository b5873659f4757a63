package dev.aio4j.process;

import dev.aio4j.net.StreamReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Options of {@link Processes#exec} and {@link Processes#shell} (asyncio's keyword arguments of
 * {@code create_subprocess_exec}). Immutable; start from {@link #defaults()} or {@link #piped()}
 * and use the withers.
 *
 * @param stdin where the child reads from: PIPE, DEVNULL, INHERIT or a file (not STDOUT)
 * @param stdout where the child's stdout goes: PIPE, DEVNULL, INHERIT or a file (not STDOUT)
 * @param stderr where the child's stderr goes: any {@link Redirect}, STDOUT included
 * @param cwd the child's working directory, or null for this JVM's
 * @param environment the child's whole environment (asyncio's {@code env}), or null to inherit
 *     this JVM's; start from {@code System.getenv()} to add to it
 * @param limit the limit of the stdout and stderr StreamReaders (64 KiB)
 */
public record ProcessOptions(
        Redirect stdin, Redirect stdout, Redirect stderr, Path cwd, Map<String, String> environment, int limit) {

    /**
     * Checks the options.
     *
     * @throws NullPointerException if a redirect is null
     * @throws IllegalArgumentException if stdin or stdout is {@code STDOUT}, stdin appends to a
     *     file, or the limit is not positive
     */
    public ProcessOptions {
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        if (stdin == Redirect.STDOUT) {
            throw new IllegalArgumentException("stdin is STDOUT (only stderr may be)");
        }
        if (stdout == Redirect.STDOUT) {
            throw new IllegalArgumentException("stdout is STDOUT (only stderr may be)");
        }
        if (stdin instanceof Redirect.ToFile f && f.append()) {
            throw new IllegalArgumentException("stdin appends to a file: " + f.path());
        }
        if (limit <= 0) {
            throw new IllegalArgumentException("limit <= 0: " + limit);
        }
        environment = environment == null ? null : Map.copyOf(environment);
    }

    /** asyncio's defaults: all three streams inherited, this JVM's directory and environment. */
    public static ProcessOptions defaults() {
        return new ProcessOptions(
                Redirect.INHERIT, Redirect.INHERIT, Redirect.INHERIT, null, null, StreamReader.DEFAULT_LIMIT);
    }

    /** stdin, stdout and stderr all PIPE; the rest as {@link #defaults()}. */
    public static ProcessOptions piped() {
        return new ProcessOptions(Redirect.PIPE, Redirect.PIPE, Redirect.PIPE, null, null, StreamReader.DEFAULT_LIMIT);
    }

    /** These options with another {@code stdin}. */
    public ProcessOptions withStdin(Redirect stdin) {
        return new ProcessOptions(stdin, stdout, stderr, cwd, environment, limit);
    }

    /** These options with another {@code stdout}. */
    public ProcessOptions withStdout(Redirect stdout) {
        return new ProcessOptions(stdin, stdout, stderr, cwd, environment, limit);
    }

    /** These options with another {@code stderr}. */
    public ProcessOptions withStderr(Redirect stderr) {
        return new ProcessOptions(stdin, stdout, stderr, cwd, environment, limit);
    }

    /** These options with another working directory (null: this JVM's). */
    public ProcessOptions withCwd(Path cwd) {
        return new ProcessOptions(stdin, stdout, stderr, cwd, environment, limit);
    }

    /** These options with another whole environment (null: this JVM's). */
    public ProcessOptions withEnvironment(Map<String, String> environment) {
        return new ProcessOptions(stdin, stdout, stderr, cwd, environment, limit);
    }

    /** These options with another limit for the stdout and stderr StreamReaders. */
    public ProcessOptions withLimit(int limit) {
        return new ProcessOptions(stdin, stdout, stderr, cwd, environment, limit);
    }
}
