package dev.aio4j;

import dev.aio4j.internal.PersistentArrayMap;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A variable whose value depends on the {@link Context} code runs in (Python's
 * {@code contextvars.ContextVar}): task-local state that follows a task across its waits, is
 * inherited by the tasks it creates and by {@link Aio#toThread}, and never leaks back.
 *
 * <pre>{@code
 * static final ContextVar<String> REQUEST_ID = new ContextVar<>("requestId");
 *
 * ContextVar.Token<String> token = REQUEST_ID.set(id);
 * try {
 *     handle(request);          // every task it creates sees id
 * } finally {
 *     REQUEST_ID.reset(token);  // optional inside a task: its context dies with it
 * }
 * }</pre>
 *
 * <p>Create variables once, as constants: a context holds a reference to each variable set in
 * it. Values may be null; {@code null} is then the value, not "unset".
 *
 * @param <T> the type of the value
 */
public final class ContextVar<T> {

    private final String name;
    private final boolean hasDefault;
    private final T defaultValue;

    /** A variable without a default: {@link #get()} throws until it is set. */
    public ContextVar(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.hasDefault = false;
        this.defaultValue = null;
    }

    /** A variable whose {@link #get()} returns {@code defaultValue} where it is not set. */
    public ContextVar(String name, T defaultValue) {
        this.name = Objects.requireNonNull(name, "name");
        this.hasDefault = true;
        this.defaultValue = defaultValue;
    }

    /** The variable's name, for debugging. */
    public String name() {
        return name;
    }

    /**
     * The value in the current context, else the variable's default.
     *
     * @throws NoSuchElementException if it has neither (Python's LookupError)
     */
    public T get() {
        Object v = Context.current().vars.get(this);
        if (v != PersistentArrayMap.MISSING) {
            return cast(v);
        }
        if (hasDefault) {
            return defaultValue;
        }
        throw new NoSuchElementException("ContextVar '" + name + "' has no value in this context and no default");
    }

    /** The value in the current context, else {@code fallback} (not the variable's default). */
    public T get(T fallback) {
        Object v = Context.current().vars.get(this);
        return v != PersistentArrayMap.MISSING ? cast(v) : fallback;
    }

    /**
     * Sets the value in the current context and returns a token that {@link #reset} takes to
     * put the previous value back.
     */
    public Token<T> set(T value) {
        Context.markInUse();
        Context ctx = Context.current();
        Object old = ctx.vars.get(this);
        ctx.vars = ctx.vars.with(this, value);
        return new Token<>(this, ctx, old);
    }

    /**
     * Puts back the value the variable had before the {@link #set} that returned {@code token}
     * (unset, if it had none).
     *
     * @throws IllegalStateException if the token was already used
     * @throws IllegalArgumentException if the token belongs to another variable, or was made in
     *     another context than the current one
     */
    public void reset(Token<T> token) {
        Objects.requireNonNull(token, "token");
        if (token.used) {
            throw new IllegalStateException(token + " has already been used once");
        }
        if (token.var != this) {
            throw new IllegalArgumentException("token of another ContextVar than " + this + ": " + token);
        }
        Context ctx = Context.current();
        if (token.context != ctx) {
            throw new IllegalArgumentException("token of another Context: " + token);
        }
        ctx.vars = token.oldValue == PersistentArrayMap.MISSING
                ? ctx.vars.without(this)
                : ctx.vars.with(this, token.oldValue);
        token.used = true;
    }

    @SuppressWarnings("unchecked")
    T cast(Object v) {
        return (T) v;
    }

    @Override
    public String toString() {
        return "ContextVar[" + name + (hasDefault ? ", default=" + defaultValue : "") + "]@"
                + Integer.toHexString(System.identityHashCode(this));
    }

    /**
     * What {@link ContextVar#set} returns: the variable, the context it was set in and the value
     * it had before, for one {@link ContextVar#reset}.
     *
     * @param <T> the type of the variable's value
     */
    public static final class Token<T> {
        private final ContextVar<T> var;
        private final Context context;
        private final Object oldValue;
        private boolean used;

        private Token(ContextVar<T> var, Context context, Object oldValue) {
            this.var = var;
            this.context = context;
            this.oldValue = oldValue;
        }

        /** The variable that was set. */
        public ContextVar<T> var() {
            return var;
        }

        /** True if the variable had a value before the set (Python: old_value is not MISSING). */
        public boolean hadOldValue() {
            return oldValue != PersistentArrayMap.MISSING;
        }

        /** The value before the set, or null if it had none (see {@link #hadOldValue()}). */
        public T oldValue() {
            return oldValue == PersistentArrayMap.MISSING ? null : var.cast(oldValue);
        }

        @Override
        public String toString() {
            return "Token[" + (used ? "used, " : "") + "var=" + var + "]";
        }
    }
}
