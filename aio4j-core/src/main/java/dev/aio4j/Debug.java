package dev.aio4j;

/** Where debug mode's default comes from: {@code -Daio4j.debug=true} or {@code AIO4J_DEBUG=1}. */
final class Debug {
    private Debug() {
    }

    static boolean enabledByDefault() {
        if (Boolean.getBoolean("aio4j.debug")) {
            return true;
        }
        String env = System.getenv("AIO4J_DEBUG");
        return env != null && !env.isEmpty() && !env.equals("0");
    }
}
