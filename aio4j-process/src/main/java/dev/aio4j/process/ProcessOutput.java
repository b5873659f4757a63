package dev.aio4j.process;

import java.nio.charset.StandardCharsets;

/**
 * What {@link Subprocess#communicate} collected (asyncio's {@code (stdout, stderr)} tuple, plus
 * the return code). The arrays are the caller's; {@code equals} compares them by identity.
 *
 * @param returncode the child's return code, as {@link Subprocess#returncode()} reports it
 * @param stdout everything the child wrote to stdout, or null unless stdout was PIPE
 * @param stderr everything the child wrote to stderr, or null unless stderr was PIPE
 */
public record ProcessOutput(int returncode, byte[] stdout, byte[] stderr) {

    /** stdout decoded as UTF-8, or null. */
    public String stdoutText() {
        return stdout == null ? null : new String(stdout, StandardCharsets.UTF_8);
    }

    /** stderr decoded as UTF-8, or null. */
    public String stderrText() {
        return stderr == null ? null : new String(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ProcessOutput[returncode=" + returncode + ", stdout="
                + (stdout == null ? "null" : stdout.length + " bytes") + ", stderr="
                + (stderr == null ? "null" : stderr.length + " bytes") + "]";
    }
}
