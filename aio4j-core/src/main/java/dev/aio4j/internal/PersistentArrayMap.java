package dev.aio4j.internal;

import java.util.Arrays;

/**
 * An immutable map from keys compared by identity to values, in insertion order: every change
 * returns a new map and leaves this one as it was, so sharing a map is a copy.
 *
 * <p>Implementation notes: one array of alternating keys and values. Lookups scan it; an update
 * copies it. Chosen over a hash trie (CPython's HAMT) for the handful of variables a context
 * holds: a scan of up to 16 identity comparisons is a few nanoseconds with no node walk, and
 * copying 32 references costs about what copying a trie path does. {@code ContextBench}
 * measured, up to 16 variables on a loaded 2-core machine, a {@code ContextVar.get} in 5-13 ns
 * and a context copy in 6-23 ns; no trie was built to compare. A context with hundreds of
 * variables would want one. Values may be null; {@link #MISSING} marks an absent key.
 */
public final class PersistentArrayMap {
    /** Returned by {@link #get} for a key the map does not hold. */
    public static final Object MISSING = new Object() {
        @Override
        public String toString() {
            return "<missing>";
        }
    };

    public static final PersistentArrayMap EMPTY = new PersistentArrayMap(new Object[0]);

    /** Keys at even indexes, each followed by its value. */
    private final Object[] entries;

    private PersistentArrayMap(Object[] entries) {
        this.entries = entries;
    }

    public int size() {
        return entries.length >> 1;
    }

    public boolean isEmpty() {
        return entries.length == 0;
    }

    /** The value of {@code key}, or {@link #MISSING}. */
    public Object get(Object key) {
        Object[] e = entries;
        for (int i = 0; i < e.length; i += 2) {
            if (e[i] == key) {
                return e[i + 1];
            }
        }
        return MISSING;
    }

    /** This map with {@code key} mapped to {@code value}; a new key goes last. */
    public PersistentArrayMap with(Object key, Object value) {
        Object[] e = entries;
        for (int i = 0; i < e.length; i += 2) {
            if (e[i] == key) {
                if (e[i + 1] == value) {
                    return this;
                }
                Object[] copy = e.clone();
                copy[i + 1] = value;
                return new PersistentArrayMap(copy);
            }
        }
        Object[] copy = Arrays.copyOf(e, e.length + 2);
        copy[e.length] = key;
        copy[e.length + 1] = value;
        return new PersistentArrayMap(copy);
    }

    /** This map without {@code key}. */
    public PersistentArrayMap without(Object key) {
        Object[] e = entries;
        for (int i = 0; i < e.length; i += 2) {
            if (e[i] == key) {
                if (e.length == 2) {
                    return EMPTY;
                }
                Object[] copy = new Object[e.length - 2];
                System.arraycopy(e, 0, copy, 0, i);
                System.arraycopy(e, i + 2, copy, i, e.length - i - 2);
                return new PersistentArrayMap(copy);
            }
        }
        return this;
    }

    /** The key of entry {@code index}, in insertion order. */
    public Object keyAt(int index) {
        return entries[index << 1];
    }

    /** The value of entry {@code index}. */
    public Object valueAt(int index) {
        return entries[(index << 1) + 1];
    }
}
