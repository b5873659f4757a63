package dev.aio4j.process;

/**
 * The signals {@link Subprocess#sendSignal} can send, with their Linux numbers.
 *
 * <p>TERM and KILL are sent by the JDK itself ({@code ProcessHandle.destroy()} and
 * {@code destroyForcibly()}); the JDK has no API for the others, so they are sent by running the
 * system's {@code kill} program ({@code kill -s NAME PID}), which must be on the PATH (procps
 * ships it on Debian). On Windows only TERM and KILL exist, and both end the process.
 */
public enum Signal {
    HUP(1), INT(2), QUIT(3), KILL(9), USR1(10), USR2(12), TERM(15);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    /** The signal's number on Linux (x86-64 and arm64). */
    public int number() {
        return number;
    }
}
