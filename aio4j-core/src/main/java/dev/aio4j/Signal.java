package dev.aio4j;

import java.util.Locale;
import java.util.Objects;

/**
 * The POSIX signals aio4j names: the five a program may handle ({@link #HUP}, {@link #INT},
 * {@link #TERM}, {@link #USR1}, {@link #USR2}); {@link #QUIT}, which the JVM keeps for its thread
 * dumps; and the two that no process can catch ({@link #KILL}, {@link #STOP}). Asking to handle
 * one of the last three fails with a clear {@link UnsupportedSignalException} rather than a
 * surprise; all of them can be sent to a child process (aio4j-process's {@code sendSignal}).
 *
 * <p>Differs from asyncio, which takes signal numbers from Python's {@code signal} module: Java
 * has no such module, and numbers differ between systems; the number is looked up from the JVM
 * when it is needed (an exit status of 128+N, say).
 */
public enum Signal {
    HUP,
    INT,
    QUIT,
    TERM,
    USR1,
    USR2,
    KILL,
    STOP;

    /**
     * False for the signals no process can catch (KILL, STOP). QUIT is catchable, but the JVM
     * keeps it, so {@link EventLoop#addSignalHandler} refuses it too.
     */
    public boolean catchable() {
        return this != KILL && this != STOP;
    }

    /** The name with the {@code SIG} prefix, as the C headers spell it ({@code "SIGTERM"}). */
    public String signalName() {
        return "SIG" + name();
    }

    /** This system's number for the signal (Linux: HUP 1, INT 2, QUIT 3, KILL 9, USR1 10, USR2 12, TERM 15). */
    public int number() {
        return new sun.misc.Signal(name()).getNumber();
    }

    /**
     * The signal called {@code name}, with or without the {@code SIG} prefix, in any case
     * ({@code "term"}, {@code "SIGTERM"}).
     *
     * @throws UnsupportedSignalException if aio4j names no such signal
     */
    public static Signal of(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) {
            n = n.substring(3);
        }
        for (Signal s : values()) {
            if (s.name().equals(n)) {
                return s;
            }
        }
        throw new UnsupportedSignalException(
                "unknown signal: " + name + " (aio4j names HUP, INT, QUIT, TERM, USR1, USR2, KILL, STOP)");
    }
}
