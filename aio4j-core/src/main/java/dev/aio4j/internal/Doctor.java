package dev.aio4j.internal;

/**
 * Prints which mode aio4j runs in inside this JVM, why, and the exact fix when it is not carrier
 * mode. Run it with the same java options as the program:
 *
 * <pre>
 *   java [OPTIONS] -cp aio4j-core.jar dev.aio4j.internal.Doctor
 *   java [OPTIONS] -p aio4j-core.jar -m dev.aio4j/dev.aio4j.internal.Doctor
 *   ./aio4j doctor [OPTIONS]
 * </pre>
 *
 * <p>Exit status 0 in carrier mode (or in portable mode chosen with {@code -Daio4j.mode=portable}),
 * 1 otherwise.
 */
public final class Doctor {
    private Doctor() {}

    public static void main(String[] args) {
        Module m = Doctor.class.getModule();
        String mode = Schedulers.mode();
        System.out.println("aio4j doctor");
        System.out.println("  java:   " + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        System.out.println("  aio4j:  "
                + (m.isNamed() ? "named module " + m.getName() + " (module path)" : "class path (unnamed module)"));
        String jdkOptions = System.getenv("JDK_JAVA_OPTIONS");
        if (jdkOptions != null && !jdkOptions.isBlank()) {
            System.out.println("  JDK_JAVA_OPTIONS: " + jdkOptions);
        }
        System.out.println("  mode:   " + mode);
        System.out.println("  why:    " + why(mode));
        if (mode.equals("carrier") || Schedulers.portableChosen()) {
            System.out.println("  fix:    nothing to do");
            return;
        }
        System.out.println("  fix:    add " + Schedulers.addOpensFlag() + " to the java command"
                + (m.isNamed() ? " (on the module path =ALL-UNNAMED opens nothing to aio4j)" : ""));
        System.out.println(
                "          Maven tests: Surefire <argLine>; mvn exec:exec (exec:java runs in Maven's own JVM,"
                        + " where no flag applies); java -jar: Add-Opens: java.base/java.lang in the jar's manifest;"
                        + " anything else: JDK_JAVA_OPTIONS=\"" + Schedulers.addOpensFlag() + "\"");
        System.exit(1);
    }

    private static String why(String mode) {
        if (mode.equals("carrier")) {
            return "java.lang is open to aio4j, so each loop schedules its tasks' virtual threads";
        }
        if (Schedulers.portableChosen()) {
            return "-Daio4j.mode=portable chose portable mode";
        }
        return "java.lang is not open to aio4j: " + CarrierScheduler.unavailableReason()
                + "\n          so tasks run in portable mode: JDK blocking calls hold the loop and cannot be cancelled";
    }
}
