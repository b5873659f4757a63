package dev.aio4j.process;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.process.internal.PipePumps;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Starts child processes whose pipes are streams on the running loop (asyncio's
 * {@code create_subprocess_exec} and {@code create_subprocess_shell}). Call from a task.
 *
 * <pre>{@code
 * Aio.run(() -> {
 *     try (Subprocess p = Processes.exec(ProcessOptions.piped(), "sort")) {
 *         ProcessOutput out = p.communicate("b\na\n");
 *         System.out.print(out.stdoutText()); // a, b
 *     }
 * });
 * }</pre>
 *
 * <p>Differs from asyncio: the options are a {@link ProcessOptions} record (the defaults
 * inherit all three streams, as asyncio's {@code None}); errors starting the program are the
 * JDK's {@code IOException} ("Cannot run program ...: Exec failed, error: 2 (No such file or directory)")
 * where asyncio raises {@code FileNotFoundError}; the start itself (a {@code posix_spawn}
 * through the JDK's helper, about a millisecond of native code) runs on a pump thread rather than
 * on the loop, so the other tasks go on meanwhile.
 */
public final class Processes {
    private Processes() {}

    /** Runs {@code program} with {@code args}, all three streams inherited. */
    public static Subprocess exec(String program, String... args) throws IOException {
        return exec(ProcessOptions.defaults(), program, args);
    }

    /** Runs {@code program} with {@code args} and {@code options}. */
    public static Subprocess exec(ProcessOptions options, String program, String... args) throws IOException {
        Objects.requireNonNull(program, "program");
        List<String> command = new ArrayList<>(args.length + 1);
        command.add(program);
        for (String a : args) {
            command.add(Objects.requireNonNull(a, "argument"));
        }
        return exec(command, options);
    }

    /**
     * Runs {@code command} (the program, then its arguments; no shell is involved) with
     * {@code options}.
     *
     * @throws IOException if the program cannot be started (missing, not executable, bad cwd)
     * @throws IllegalArgumentException if {@code command} is empty
     * @throws dev.aio4j.CancelledError if the task is cancelled while the program starts: the
     *     child, once started, is killed
     * @throws IllegalStateException if not called from a task
     */
    public static Subprocess exec(List<String> command, ProcessOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command is empty");
        }
        EventLoop loop = Aio.getRunningLoop();
        Process process = PipePumps.start(builder(command, options));
        return new Subprocess(loop, process, command, options);
    }

    /** Runs {@code command} through {@code /bin/sh -c}, all three streams inherited. */
    public static Subprocess shell(String command) throws IOException {
        return shell(command, ProcessOptions.defaults());
    }

    /**
     * Runs {@code command} through {@code /bin/sh -c} with {@code options} (asyncio's
     * {@code create_subprocess_shell}); {@link Subprocess#pid()} is the shell's. Quote what goes
     * into {@code command} yourself.
     */
    public static Subprocess shell(String command, ProcessOptions options) throws IOException {
        Objects.requireNonNull(command, "command");
        return exec(List.of("/bin/sh", "-c", command), options);
    }

    private static ProcessBuilder builder(List<String> command, ProcessOptions options) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (options.cwd() != null) {
            pb.directory(options.cwd().toFile());
        }
        if (options.environment() != null) {
            pb.environment().clear();
            pb.environment().putAll(options.environment());
        }
        pb.redirectInput(input(options.stdin()));
        pb.redirectOutput(output(options.stdout()));
        if (options.stderr() == Redirect.STDOUT) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(output(options.stderr()));
        }
        return pb;
    }

    private static ProcessBuilder.Redirect input(Redirect r) {
        if (r instanceof Redirect.ToFile f) {
            return ProcessBuilder.Redirect.from(f.path().toFile());
        }
        return switch ((Redirect.Kind) r) {
            case PIPE -> ProcessBuilder.Redirect.PIPE;
            case DEVNULL -> ProcessBuilder.Redirect.from(new File(DEV_NULL));
            case INHERIT -> ProcessBuilder.Redirect.INHERIT;
            case STDOUT -> throw new IllegalArgumentException("stdin is STDOUT (only stderr may be)");
        };
    }

    private static ProcessBuilder.Redirect output(Redirect r) {
        if (r instanceof Redirect.ToFile f) {
            return f.append()
                    ? ProcessBuilder.Redirect.appendTo(f.path().toFile())
                    : ProcessBuilder.Redirect.to(f.path().toFile());
        }
        return switch ((Redirect.Kind) r) {
            case PIPE -> ProcessBuilder.Redirect.PIPE;
            case DEVNULL -> ProcessBuilder.Redirect.DISCARD;
            case INHERIT -> ProcessBuilder.Redirect.INHERIT;
            case STDOUT -> throw new IllegalArgumentException("stdout is STDOUT (only stderr may be)");
        };
    }

    private static final String DEV_NULL =
            System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null";
}
