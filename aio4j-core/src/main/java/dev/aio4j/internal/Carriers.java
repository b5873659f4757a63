package dev.aio4j.internal;

import java.util.concurrent.atomic.AtomicBoolean;

/** Chooses the carrier mode once per JVM and says which one, and why, the first time. */
public final class Carriers {
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

    private Carriers() {
    }

    /** "carrier" when the JDK lets the loop schedule virtual threads, else "portable". */
    public static String mode() {
        String forced = System.getProperty("aio4j.mode", "");
        if (forced.equals("portable")) {
            return "portable";
        }
        return LoopCarrier.unavailableReason() == null ? "carrier" : "portable";
    }

    public static Carrier create(String name) {
        String mode = mode();
        if (ANNOUNCED.compareAndSet(false, true) && !Boolean.getBoolean("aio4j.quiet")) {
            String why = mode.equals("carrier")
                    ? "tasks are virtual threads scheduled by their loop"
                    : System.getProperty("aio4j.mode", "").equals("portable")
                            ? "forced by -Daio4j.mode=portable"
                            : "add --add-opens java.base/java.lang=ALL-UNNAMED for carrier mode ("
                                    + LoopCarrier.unavailableReason() + ")";
            System.err.println("aio4j: " + mode + " mode: " + why);
        }
        return mode.equals("carrier") ? new LoopCarrier(name) : new BatonCarrier(name);
    }
}
