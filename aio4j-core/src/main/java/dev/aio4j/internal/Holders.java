package dev.aio4j.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Who holds a primitive that one task holds at a time (a Lock), for the deadlock detector, which
 * follows a waiter to the holder. Each such primitive registers how to read its holder when its
 * class is initialised, so the public class needs no extra public method or interface.
 */
public final class Holders {
    private static final Map<Class<?>, Function<Object, Object>> READERS = new ConcurrentHashMap<>();

    private Holders() {}

    /** Registers how to read the holder of instances of {@code type} (exactly that class). */
    public static void register(Class<?> type, Function<Object, Object> holderOf) {
        READERS.put(type, holderOf);
    }

    /**
     * The owner of the strand holding {@code primitive} (a Task), or null if nobody holds it or
     * its class keeps no holder. Call on the primitive's loop.
     */
    public static Object holderOf(Object primitive) {
        Function<Object, Object> reader = READERS.get(primitive.getClass());
        return reader == null ? null : reader.apply(primitive);
    }

    /**
     * The owner of the strand {@code thread} runs (a Task, or a loop in a callback), or null for
     * null or a thread no loop schedules. Primitives record the holding thread, one intrinsic
     * read on their fast path, and pay for this lookup only when a snapshot asks.
     */
    public static Object ownerOf(Thread thread) {
        if (thread == null || !(thread.getUncaughtExceptionHandler() instanceof Strand s)) {
            return null;
        }
        return s.task != null ? s.task : s.loop();
    }
}
