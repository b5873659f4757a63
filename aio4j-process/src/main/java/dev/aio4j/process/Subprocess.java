package dev.aio4j.process;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.EventLoop;
import dev.aio4j.Signal;
import dev.aio4j.internal.WaitQueue;
import dev.aio4j.net.Net;
import dev.aio4j.net.StreamReader;
import dev.aio4j.net.StreamWriter;
import dev.aio4j.process.internal.PipeTransport;
import dev.aio4j.process.internal.ReadPipeTransport;
import dev.aio4j.process.internal.WritePipeTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A child process started by {@link Processes#exec} or {@link Processes#shell} (asyncio's
 * {@code asyncio.subprocess.Process}), with its pipes as streams on the loop that started it.
 *
 * <p>{@link #stdin()} is a {@link StreamWriter} ({@code write} never blocks; {@code drain}
 * waits while more than 64 KiB is queued; {@code close} gives the child EOF), {@link #stdout()}
 * and {@link #stderr()} are {@link StreamReader}s. Each is null unless its stream was
 * {@link Redirect#PIPE}. Reads, writes, {@link #waitFor()} and {@link #communicate} suspend only
 * the calling task: the pipes are read and written by pump threads off the loop, and a child
 * writing faster than the task reads is held back by its full pipe, so memory stays about the
 * reader's limit.
 *
 * <p>Return code: {@link #returncode()} is empty while the child runs, then its exit status
 * (0-255). A child killed by signal N reports {@code 128 + N} (137 for KILL, 143 for TERM), the
 * JDK's encoding, where asyncio reports {@code -N}: the JDK reaps the child itself and keeps
 * only that number, so a death by signal cannot be told from {@code exit(128 + N)}.
 *
 * <p>Cancellation and closing: cancelling a task in {@code waitFor()} or {@code communicate()}
 * leaves the child running (asyncio). {@link #close()} kills a child still running, waits until
 * the JDK has reaped it and stops the pipes; closing the loop does the same for every child it
 * started that has not finished. Methods are loop-affine unless they say otherwise.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Lifecycle, on the loop:
 * <pre>
 *   RUNNING --exit seen--> EXITED --stdout and stderr at EOF--> FINISHED
 *      \--stdout and stderr at EOF, then exit seen----------------^
 * </pre>
 * The exit is seen through {@code Process.onExit()}, whose completion is handed to the loop; the
 * pipes end when their pumps read EOF. {@code waitFor()} waiters are released at FINISHED, as
 * asyncio releases them after {@code connection_lost}. At the exit the stdin pipe is closed (the
 * child can read no more), dropping what it could not write.
 *
 * <p>Invariants: (1) {@code exitCode} is set once, on the loop; (2) the loop's close callback is
 * registered from the start until FINISHED; (3) every pipe stream is closed by
 * its pump, or by whoever takes it over from an idle pump, never under a blocked call.
 */
public final class Subprocess implements AutoCloseable {

    /** The lifecycle (see the notes). */
    enum State {
        RUNNING,
        EXITED,
        FINISHED
    }

    /** How long {@code close()} waits for a killed child to be reaped. */
    private static final long REAP_TIMEOUT_SECONDS = 10;

    private final EventLoop loop;
    private final Process process;
    private final List<String> command;
    private final WritePipeTransport stdinPipe;
    private final ReadPipeTransport stdoutPipe;
    private final ReadPipeTransport stderrPipe;
    private final StreamWriter stdin;
    private final StreamReader stdout;
    private final StreamReader stderr;
    private final AutoCloseable onLoopClose = this::killBecauseTheLoopCloses;

    /** Loop only. */
    private State state = State.RUNNING;
    /** Written once on the loop; read from any thread. */
    private volatile Integer exitCode;
    /** Loop only: read pipes not yet at EOF. */
    private int openReadPipes;
    /** Loop only: tasks in waitFor(), all woken at FINISHED. */
    private final WaitQueue waiters = new WaitQueue(this);
    /** Loop only: close() was called. */
    private boolean closed;

    /** Wraps a started process; call on its loop, from a task. */
    Subprocess(EventLoop loop, Process process, List<String> command, ProcessOptions options) {
        assert Aio.inLoop(loop);
        this.loop = loop;
        this.process = process;
        this.command = List.copyOf(command);
        String pid = " of pid " + process.pid();
        if (options.stdin() == Redirect.PIPE) {
            stdinPipe = new WritePipeTransport(loop, "stdin" + pid, process.getOutputStream(), () -> {});
            stdin = Net.connectStreams(stdinPipe, new StreamReader()).writer();
        } else {
            stdinPipe = null;
            stdin = null;
        }
        stdout = options.stdout() == Redirect.PIPE ? new StreamReader(options.limit()) : null;
        stdoutPipe = stdout == null ? null : readPipe("stdout" + pid, process.getInputStream(), stdout);
        stderr = options.stderr() == Redirect.PIPE ? new StreamReader(options.limit()) : null;
        stderrPipe = stderr == null ? null : readPipe("stderr" + pid, process.getErrorStream(), stderr);
        loop.addCloseable(onLoopClose);
        if (stdoutPipe != null) {
            stdoutPipe.start();
        }
        if (stderrPipe != null) {
            stderrPipe.start();
        }
        loop.externalStarted(); // the exit arrives from a JDK thread: the loop is not stuck meanwhile
        process.onExit().whenComplete((p, error) -> {
            try {
                loop.callSoonThreadsafe(() -> {
                    loop.externalDone();
                    exited();
                });
            } catch (IllegalStateException closedLoop) {
                // the loop's close callback already dealt with the child
            }
        });
    }

    /** A pipe transport feeding {@code reader} from {@code in}; started once the child is set up. */
    private ReadPipeTransport readPipe(String name, InputStream in, StreamReader reader) {
        ReadPipeTransport pipe = new ReadPipeTransport(loop, name, in, reader.limit(), this::readPipeClosed);
        Net.connectStreams(pipe, reader);
        openReadPipes++;
        return pipe;
    }

    // ------------------------------------------------------------------ introspection

    /** The child's process id (for {@link Processes#shell}, the shell's). Any thread. */
    public long pid() {
        return process.pid();
    }

    /**
     * The return code once the exit was seen on the loop, empty while the child runs: the exit
     * status, or {@code 128 + N} after a death by signal N (see the class notes). Any thread.
     */
    public OptionalInt returncode() {
        Integer code = exitCode;
        return code == null ? OptionalInt.empty() : OptionalInt.of(code);
    }

    /** The child's stdin, or null unless it was PIPE. */
    public StreamWriter stdin() {
        return stdin;
    }

    /** The child's stdout, or null unless it was PIPE. */
    public StreamReader stdout() {
        return stdout;
    }

    /** The child's stderr, or null unless it was PIPE (STDOUT puts it into {@link #stdout()}). */
    public StreamReader stderr() {
        return stderr;
    }

    /** The JDK's handle on the child. */
    public ProcessHandle toHandle() {
        return process.toHandle();
    }

    // ------------------------------------------------------------------ waiting

    /**
     * Waits, suspending only the calling task, until the child has exited and its stdout and
     * stderr pipes are at EOF (asyncio's {@code wait()}); returns the return code.
     *
     * <p>As in asyncio, a child that fills a PIPE nobody reads never exits, so this would wait
     * for ever: read the pipes, or use {@link #communicate}. Cancelling the waiting task does not
     * touch the child.
     */
    public int waitFor() {
        if (state == State.FINISHED) {
            return exitCode;
        }
        waiters.park(loop);
        return exitCode;
    }

    /** The same as {@link #waitFor()}: aio4j's word for asyncio's {@code wait()}. */
    public int await() {
        return waitFor();
    }

    /**
     * Writes {@code input} to stdin (if not null) while reading stdout and stderr to EOF, closes
     * stdin, then waits for the exit (asyncio's {@code communicate}). The three run as tasks at
     * once, so a child that writes much before reading all its input cannot deadlock it. A child
     * that exits or closes its stdin before taking all of {@code input} is not an error (the
     * broken pipe is ignored, as asyncio does).
     *
     * @return the return code and the bytes of stdout and stderr (null for a stream that is not
     *     PIPE)
     * @throws IllegalStateException if {@code input} is given and stdin is not PIPE
     * @throws IOException if reading a pipe failed
     * @throws CancelledError if the calling task is cancelled: the three tasks are cancelled, the
     *     child keeps running
     */
    public ProcessOutput communicate(byte[] input) throws IOException {
        if (input != null && stdin == null) {
            throw new IllegalStateException("communicate(input) needs stdin=PIPE: " + this);
        }
        List<byte[]> out;
        try {
            out = Aio.<byte[]>gather(() -> feedStdin(input), () -> readAll(stdout), () -> readAll(stderr))
                    .await();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
        return new ProcessOutput(waitFor(), out.get(1), out.get(2));
    }

    /** {@link #communicate(byte[])} with UTF-8 text. */
    public ProcessOutput communicate(String input) throws IOException {
        return communicate(input == null ? null : input.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #communicate(byte[])} without input: stdin, if PIPE, is closed at once. */
    public ProcessOutput communicate() throws IOException {
        return communicate((byte[]) null);
    }

    private byte[] feedStdin(byte[] input) {
        if (stdin == null) {
            return null;
        }
        try {
            if (input != null && input.length > 0) {
                stdin.write(input);
            }
            stdin.drain();
        } catch (IOException brokenPipe) {
            // the child does not read all its input; asyncio ignores BrokenPipeError here too
        }
        stdin.close();
        return null;
    }

    private static byte[] readAll(StreamReader reader) throws IOException {
        return reader == null ? null : reader.read();
    }

    // ------------------------------------------------------------------ signals

    /**
     * Sends SIGTERM (asyncio's {@code terminate()}). Does nothing once the exit was seen. Any
     * thread.
     */
    public void terminate() {
        if (exitCode == null) {
            process.toHandle().destroy();
        }
    }

    /** Sends SIGKILL (asyncio's {@code kill()}). Does nothing once the exit was seen. Any thread. */
    public void kill() {
        if (exitCode == null) {
            process.toHandle().destroyForcibly();
        }
    }

    /**
     * Sends {@code signal} to the child (asyncio's {@code send_signal}); nothing once the exit
     * was seen. TERM and KILL go through the JDK at once; the others run the system's
     * {@code kill -s NAME PID}, suspending the calling task for the few milliseconds it takes.
     *
     * @throws IOException if the {@code kill} program is missing or failed (its message included)
     * @throws UnsupportedOperationException for signals other than TERM and KILL on Windows
     */
    public void sendSignal(Signal signal) throws IOException {
        switch (signal) {
            case TERM -> terminate();
            case KILL -> kill();
            default -> {
                if (exitCode == null) {
                    Signals.sendWithKillProgram(signal, process.pid());
                }
            }
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * Kills the child if it is still running (SIGKILL, to the processes it started too, since
     * they may hold its pipes), waits until the JDK has reaped it, and closes the pipes: stdout
     * and stderr read EOF, stdin drops what it has not written. After that {@link #waitFor()}
     * returns soon with the return code. Idempotent; a child already finished is left alone.
     *
     * <p>Differs from asyncio, which kills only the child: a grandchild left running with the
     * pipes open would keep a pump thread blocked in its read until it exits.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (state == State.FINISHED) {
            return;
        }
        if (exitCode == null) {
            killTreeAndAwaitReaped();
        }
        for (PipeTransport pipe : pipes()) {
            pipe.abort();
        }
    }

    /** The loop's close callback: the loop is not running, so no protocol is told anything. */
    private void killBecauseTheLoopCloses() {
        if (exitCode == null) {
            killTreeAndAwaitReaped();
        }
        for (PipeTransport pipe : pipes()) {
            pipe.release();
        }
    }

    /** The pipes this child has. */
    private List<PipeTransport> pipes() {
        return Stream.of(stdinPipe, stdoutPipe, stderrPipe)
                .filter(Objects::nonNull)
                .toList();
    }

    /**
     * Kills the child and the processes it started (they may hold its pipes open, which would
     * keep the pumps reading), then waits, parking so a task suspends, until the JDK has reaped
     * the child. The descendants are listed first: once the child is dead they are no longer its.
     * Best effort: a process the child forks between the listing and its death escapes.
     */
    private void killTreeAndAwaitReaped() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.toHandle().destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.onExit().get(REAP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new UncheckedIOException(new IOException(
                    "pid " + process.pid() + " was not reaped within " + REAP_TIMEOUT_SECONDS + " s after SIGKILL", e));
        }
    }

    // ------------------------------------------------------------------ loop callbacks

    private void exited() {
        assert Aio.inLoop(loop);
        if (exitCode != null) {
            return;
        }
        exitCode = process.exitValue();
        state = State.EXITED;
        if (stdinPipe != null) {
            stdinPipe.close();
        }
        tryFinish();
    }

    private void readPipeClosed() {
        assert Aio.inLoop(loop);
        openReadPipes--;
        tryFinish();
    }

    private void tryFinish() {
        assert Aio.inLoop(loop);
        if (exitCode == null || openReadPipes > 0 || state == State.FINISHED) {
            return;
        }
        state = State.FINISHED;
        loop.removeCloseable(onLoopClose);
        waiters.unparkAll();
    }

    @Override
    public String toString() {
        Integer code = exitCode;
        return "Subprocess[pid=" + process.pid() + ", " + (code == null ? "running" : "returncode=" + code) + ", "
                + String.join(" ", command) + "]";
    }
}
