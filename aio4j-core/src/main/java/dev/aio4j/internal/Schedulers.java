package dev.aio4j.internal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Chooses the carrier mode once per JVM and says, the first time, what that means.
 *
 * <p>Carrier mode needs {@code java.lang} opened to aio4j: to the unnamed module when aio4j is
 * on the class path, to {@code dev.aio4j} when it is a named module on the module path
 * ({@code ALL-UNNAMED} then opens nothing to it). {@code -Daio4j.mode=portable} chooses portable
 * mode on purpose and silences the start-up line.
 */
public final class Schedulers {
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

    private Schedulers() {}

    /** "carrier" when the JDK lets the loop schedule virtual threads, else "portable". */
    public static String mode() {
        if (portableChosen()) {
            return "portable";
        }
        return CarrierScheduler.unavailableReason() == null ? "carrier" : "portable";
    }

    /** True if {@code -Daio4j.mode=portable} chose portable mode. */
    public static boolean portableChosen() {
        return System.getProperty("aio4j.mode", "").equals("portable");
    }

    /** The JVM option that opens what carrier mode needs to aio4j as this JVM loaded it. */
    public static String addOpensFlag() {
        Module m = Schedulers.class.getModule();
        return "--add-opens java.base/java.lang=" + (m.isNamed() ? m.getName() : "ALL-UNNAMED");
    }

    /** Why this JVM runs the mode it does, and what to change: the start-up line without its prefix. */
    public static String explanation() {
        if (mode().equals("carrier")) {
            return "carrier mode: tasks are virtual threads scheduled by their loop";
        }
        if (portableChosen()) {
            return "portable mode, chosen by -Daio4j.mode=portable";
        }
        String reason = CarrierScheduler.unavailableReason();
        return "portable mode: JDK blocking calls in tasks (sockets, sleeps, locks, JDBC, HttpClient) hold the whole"
                + " loop and cannot be cancelled, and pools shared by tasks can deadlock; add " + addOpensFlag()
                + " to the java command for carrier mode, or -Daio4j.mode=portable to choose this mode and silence"
                + " this line (see docs/BLOCKING.md)"
                + (reason != null && !reason.startsWith("InaccessibleObjectException") ? " [" + reason + "]" : "");
    }

    public static Scheduler create(String name) {
        String mode = mode();
        if (ANNOUNCED.compareAndSet(false, true) && !Boolean.getBoolean("aio4j.quiet") && !portableChosen()) {
            System.err.println("aio4j: " + explanation());
        }
        return mode.equals("carrier") ? new CarrierScheduler(name) : new BatonScheduler(name);
    }
}
