package dev.aio4j;

import java.security.CodeSource;
import java.util.List;

/**
 * Debug mode's defaults ({@code -Daio4j.debug=true} or {@code AIO4J_DEBUG=1}) and the creation
 * sites it records (asyncio's {@code _source_traceback}).
 */
final class Debug {
    private Debug() {}

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    static boolean enabledByDefault() {
        if (Boolean.getBoolean("aio4j.debug")) {
            return true;
        }
        String env = System.getenv("AIO4J_DEBUG");
        return env != null && !env.isEmpty() && !env.equals("0");
    }

    /**
     * Where something was created: the caller's stack from its first frame outside aio4j (with
     * {@code keepLibraryFrames}, from the first frame outside EventLoop), as a Throwable whose
     * stack trace is that and nothing else. Debug mode only: a stack walk.
     */
    static Throwable creationSite(String what, boolean keepLibraryFrames) {
        List<StackTraceElement> frames = WALKER.walk(s -> s.skip(1)
                .dropWhile(f ->
                        keepLibraryFrames ? f.getDeclaringClass() == EventLoop.class : isLibrary(f.getDeclaringClass()))
                .map(StackWalker.StackFrame::toStackTraceElement)
                .toList());
        Throwable site = new Throwable(what, null, false, true) {
            @Override
            public String toString() {
                return getMessage(); // the site's own text, without a class name
            }
        };
        site.setStackTrace(frames.toArray(StackTraceElement[]::new));
        return site;
    }

    /** Appends {@code site}'s frames to {@code sb}, one "\tat" line each, after its message. */
    static StringBuilder appendSite(StringBuilder sb, Throwable site) {
        sb.append('\n').append(site.getMessage());
        for (StackTraceElement e : site.getStackTrace()) {
            sb.append("\n\tat ").append(e);
        }
        return sb;
    }

    /** aio4j's own code (core, net, process, http, test), not its tests or examples. */
    static boolean isLibrary(Class<?> c) {
        Module m = c.getModule();
        if (m.isNamed()) {
            return m.getName().startsWith("dev.aio4j") && !m.getName().equals("dev.aio4j.examples");
        }
        String pkg = c.getPackageName();
        if (!pkg.equals("dev.aio4j") && !pkg.startsWith("dev.aio4j.")
                || pkg.startsWith("dev.aio4j.examples")
                || pkg.startsWith("dev.aio4j.bench")) {
            return false;
        }
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        return cs == null || !cs.getLocation().toString().endsWith("/test-classes/");
    }
}
