package dev.aio4j.process;

import dev.aio4j.Aio;
import dev.aio4j.Signal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Sends the signals the JDK cannot: through the system's {@code kill} program. */
final class Signals {
    private Signals() {}

    /**
     * Runs {@code kill -s NAME PID} and waits for it, suspending only the calling task.
     *
     * @throws IOException if {@code kill} cannot be run or reports an error
     */
    static void sendWithKillProgram(Signal signal, long pid) throws IOException {
        if (System.getProperty("os.name", "").startsWith("Windows")) {
            throw new UnsupportedOperationException("only TERM and KILL can be sent on Windows, not " + signal);
        }
        Process kill;
        try {
            kill = new ProcessBuilder("kill", "-s", signal.name(), Long.toString(pid))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(false)
                    .start();
        } catch (IOException e) {
            throw new IOException(
                    "cannot send SIG" + signal + " to pid " + pid + ": the kill program did not start", e);
        }
        kill.getOutputStream().close();
        int status = Aio.await(kill.onExit()).exitValue();
        if (status != 0) {
            // The child has exited by now, so its few bytes of stderr were drained into memory.
            String message = new String(kill.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            throw new IOException("kill -s " + signal + " " + pid + " failed with status " + status + ": " + message);
        }
    }
}
