package dev.aio4j;

import dev.aio4j.internal.PersistentArrayMap;
import dev.aio4j.internal.Strand;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * A mapping of {@link ContextVar}s to their values (Python's {@code contextvars.Context}): the
 * values that code running "in" this context sees.
 *
 * <p>Every task runs in its own context, a copy of its creator's taken when it is created (or
 * the one given to {@code createTask}); a value set inside a task stays there, across its waits,
 * and is seen by the tasks it creates afterwards, never by its creator or siblings. Callbacks
 * ({@code callSoon}, {@code callLater}, done callbacks, readiness callbacks) run in a copy of the
 * context they were scheduled from; {@link Aio#toThread} runs its function in a copy of the
 * caller's; a {@link Runner} runs all its main tasks in one context. Other threads each have a
 * context of their own, empty when the thread starts. docs/context.md has the whole picture.
 *
 * <p>ThreadLocals registered with {@link #addBridge} travel the same way (see
 * {@link ContextBridge}).
 *
 * <p>A context is not thread-safe, like the loop's other objects: a task's context is touched by
 * its loop, any other by one thread at a time.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: {@code vars} is an immutable map (a {@link PersistentArrayMap}) from
 * ContextVars, and from bridges to the ThreadLocal values they captured; setting a variable
 * replaces the map, so a copy shares it and costs one small object. The current context is
 * found where the current strand is: the strand's {@code context} field for a task or a loop
 * callback, a ThreadLocal only for threads that are not a loop's.
 *
 * <p>Invariants:
 * <ol>
 *   <li>{@code entered} is true exactly while {@link #run} runs in this context; a task's own
 *       context is not marked, since a task is its own thread and nothing else runs it.
 *   <li>Bridged ThreadLocals hold the values of the current context while code runs in it;
 *       {@code vars} holds them for a context that is not running, as captured when it was
 *       copied or last left.
 *   <li>A strand's or handle's context is null only for an empty context nobody has asked
 *       for yet: until the first {@code ContextVar.set} or bridge of the JVM ({@link #inUse})
 *       tasks and callbacks skip the copy, and the context is made on first use.
 * </ol>
 *
 * <p>Differs from Python: {@code run} takes a {@link Callable} and rethrows a checked exception
 * wrapped in {@code CompletionException}; the map view is {@link #asMap()}.
 */
public final class Context {

    private static final ThreadLocal<Context> OFF_LOOP = ThreadLocal.withInitial(Context::new);
    private static volatile ContextBridge<?>[] bridges = new ContextBridge<?>[0];
    /**
     * False until the first {@link ContextVar#set} or bridge of this JVM: until then every
     * context is empty, so tasks and callbacks skip the copy and get an empty context only if
     * they ask for one.
     */
    static volatile boolean inUse;

    PersistentArrayMap vars;
    private boolean entered;

    /** A new, empty context (Python's {@code Context()}). */
    public Context() {
        this(PersistentArrayMap.EMPTY);
    }

    private Context(PersistentArrayMap vars) {
        this.vars = vars;
    }

    /**
     * A copy of the current context (Python's {@code copy_context()}), with the current values
     * of the bridged ThreadLocals. O(1) in the number of variables.
     */
    public static Context copyContext() {
        return current().copyWithBridges();
    }

    /** A copy of this context: the same values, changed independently from now on. */
    public Context copy() {
        return new Context(vars);
    }

    /**
     * Runs {@code fn} in this context and returns its value: {@link ContextVar#set} inside changes
     * this context, and the caller's context is back when it returns or throws.
     *
     * @throws IllegalStateException if this context is already entered by a {@code run}
     * @throws java.util.concurrent.CompletionException wrapping a checked exception of {@code fn};
     *     unchecked ones are thrown as they are
     */
    public <T> T run(Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        if (entered) {
            throw new IllegalStateException("cannot enter context: " + this + " is already entered");
        }
        Strand strand = Strand.current();
        Context previous = strand != null ? currentOf(strand) : OFF_LOOP.get();
        Object[] previousBridged = enterBridges(this);
        entered = true;
        install(strand, this);
        try {
            return fn.call();
        } catch (Throwable t) {
            throw Futures.unchecked(t);
        } finally {
            entered = false;
            leaveBridges(this, previousBridged);
            install(strand, previous);
        }
    }

    /** {@link #run(Callable)} for a function that returns nothing. */
    public void run(CheckedRunnable fn) {
        run(Aio.asCallable(fn));
    }

    // ------------------------------------------------------------------ the mapping

    /** The value of {@code var} in this context, or null if it has none (not its default). */
    public <T> T get(ContextVar<T> var) {
        Object v = vars.get(Objects.requireNonNull(var, "var"));
        return v == PersistentArrayMap.MISSING ? null : var.cast(v);
    }

    /** True if {@code var} has a value in this context. */
    public boolean containsKey(ContextVar<?> var) {
        return vars.get(Objects.requireNonNull(var, "var")) != PersistentArrayMap.MISSING;
    }

    /** The number of variables with a value in this context. */
    public int size() {
        return asMap().size();
    }

    /**
     * A read-only view of the variables set in this context and their values, in the order they
     * were first set; it follows later changes. Bridged ThreadLocals are not in it.
     */
    public Map<ContextVar<?>, Object> asMap() {
        return new View();
    }

    @Override
    public String toString() {
        return "Context@" + Integer.toHexString(System.identityHashCode(this)) + asMap();
    }

    // ------------------------------------------------------------------ bridges

    /**
     * Makes {@code bridge}'s ThreadLocal travel with contexts from now on: captured whenever a
     * context is copied (task creation, callback scheduling, {@code toThread}), restored whenever
     * code starts running in that context. Registering the same bridge twice has no effect.
     */
    public static synchronized void addBridge(ContextBridge<?> bridge) {
        Objects.requireNonNull(bridge, "bridge");
        ContextBridge<?>[] b = bridges;
        for (ContextBridge<?> x : b) {
            if (x == bridge) {
                return;
            }
        }
        ContextBridge<?>[] more = java.util.Arrays.copyOf(b, b.length + 1);
        more[b.length] = bridge;
        bridges = more;
        inUse = true;
    }

    /** Stops {@code bridge} from travelling; returns whether it was registered. */
    public static synchronized boolean removeBridge(ContextBridge<?> bridge) {
        ContextBridge<?>[] b = bridges;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == bridge) {
                ContextBridge<?>[] fewer = new ContextBridge<?>[b.length - 1];
                System.arraycopy(b, 0, fewer, 0, i);
                System.arraycopy(b, i + 1, fewer, i, b.length - i - 1);
                bridges = fewer;
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ the current context (library)

    /** The context code on this thread runs in. */
    static Context current() {
        Strand strand = Strand.current();
        return strand != null ? currentOf(strand) : OFF_LOOP.get();
    }

    /** The context of {@code strand}, made empty on first use (see {@link #inUse}). */
    static Context currentOf(Strand strand) {
        Context c = strand.context;
        if (c == null) {
            strand.context = c = new Context();
        }
        return c;
    }

    /** What a task or callback scheduled now runs in: a copy of the current context, or null for an empty one. */
    static Context captureForSchedule() {
        return inUse ? current().copyWithBridges() : null;
    }

    static void markInUse() {
        if (!inUse) {
            inUse = true;
        }
    }

    private static void install(Strand strand, Context context) {
        if (strand != null) {
            strand.context = context;
        } else {
            OFF_LOOP.set(context);
        }
    }

    /** A copy of this context that also holds the current values of the bridged ThreadLocals. */
    Context copyWithBridges() {
        ContextBridge<?>[] b = bridges;
        PersistentArrayMap v = vars;
        for (ContextBridge<?> bridge : b) {
            v = v.with(bridge, bridge.capture());
        }
        return new Context(v);
    }

    /** Runs {@code handle}'s callback on the loop strand {@code strand}, in the handle's context. */
    static void runCallback(Strand strand, Handle handle) {
        Context previous = strand.context;
        Context context = handle.context;
        Runnable callback = handle.callback();
        if (context == null) {
            strand.context = null; // an empty context, made if the callback uses it
            try {
                callback.run();
            } finally {
                handle.context = strand.context; // for the exception handler
                strand.context = previous;
            }
            return;
        }
        Object[] previousBridged = enterBridges(context);
        context.entered = true;
        strand.context = context;
        try {
            callback.run();
        } finally {
            context.entered = false;
            leaveBridges(context, previousBridged);
            strand.context = previous;
        }
    }

    /** On a new task's thread, before its body: the bridged ThreadLocals take the task's values. */
    static void startTask(Context context) {
        if (context != null && bridges.length > 0) {
            enterBridges(context);
        }
    }

    /** Saves the thread's bridged values and installs {@code context}'s; null if none are bridged. */
    private static Object[] enterBridges(Context context) {
        ContextBridge<?>[] b = bridges;
        if (b.length == 0) {
            return null;
        }
        Object[] saved = new Object[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            saved[2 * i] = b[i];
            saved[2 * i + 1] = b[i].capture();
            Object v = context.vars.get(b[i]);
            restore(b[i], v == PersistentArrayMap.MISSING ? null : v);
        }
        return saved;
    }

    /** Records the thread's bridged values into {@code context} and puts the saved ones back. */
    private static void leaveBridges(Context context, Object[] saved) {
        if (saved == null) {
            return;
        }
        for (int i = 0; i < saved.length; i += 2) {
            ContextBridge<?> bridge = (ContextBridge<?>) saved[i];
            context.vars = context.vars.with(bridge, bridge.capture());
            restore(bridge, saved[i + 1]);
        }
    }

    @SuppressWarnings("unchecked")
    private static <S> void restore(ContextBridge<S> bridge, Object value) {
        bridge.restore((S) value);
    }

    /** The entries whose key is a ContextVar. */
    private final class View extends AbstractMap<ContextVar<?>, Object> {
        @Override
        public Set<Entry<ContextVar<?>, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<ContextVar<?>, Object>> iterator() {
                    PersistentArrayMap snapshot = vars;
                    return new Iterator<>() {
                        int next = advance(0);

                        private int advance(int from) {
                            while (from < snapshot.size() && !(snapshot.keyAt(from) instanceof ContextVar<?>)) {
                                from++;
                            }
                            return from;
                        }

                        @Override
                        public boolean hasNext() {
                            return next < snapshot.size();
                        }

                        @Override
                        public Entry<ContextVar<?>, Object> next() {
                            if (!hasNext()) {
                                throw new NoSuchElementException();
                            }
                            var e = new SimpleImmutableEntry<ContextVar<?>, Object>(
                                    (ContextVar<?>) snapshot.keyAt(next), snapshot.valueAt(next));
                            next = advance(next + 1);
                            return e;
                        }
                    };
                }

                @Override
                public int size() {
                    int n = 0;
                    PersistentArrayMap snapshot = vars;
                    for (int i = 0; i < snapshot.size(); i++) {
                        if (snapshot.keyAt(i) instanceof ContextVar<?>) {
                            n++;
                        }
                    }
                    return n;
                }
            };
        }

        @Override
        public Object get(Object key) {
            Object v = key instanceof ContextVar<?> ? vars.get(key) : PersistentArrayMap.MISSING;
            return v == PersistentArrayMap.MISSING ? null : v;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof ContextVar<?> && vars.get(key) != PersistentArrayMap.MISSING;
        }
    }
}
