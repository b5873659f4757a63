package dev.aio4j.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * HTTP header fields in arrival order, with case-insensitive names (aiohttp's
 * {@code CIMultiDict}). A name may occur several times.
 *
 * <p>Mutable and not thread-safe: a request's headers are built once by the server and then read
 * by one task; a response's are filled in by its handler.
 */
public final class Headers {

    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    /** An empty set of fields. */
    public Headers() {}

    /** Adds a field, keeping earlier ones of the same name. */
    public Headers add(String name, String value) {
        checkName(name);
        checkValue(value);
        names.add(name);
        values.add(value);
        return this;
    }

    /** Replaces every field called {@code name} with one field. */
    public Headers set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    /** Removes every field called {@code name}; true if there was one. */
    public boolean remove(String name) {
        boolean removed = false;
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
                removed = true;
            }
        }
        return removed;
    }

    /** The first value of {@code name}, or null. */
    public String get(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    /** The first value of {@code name}, or {@code defaultValue}. */
    public String get(String name, String defaultValue) {
        String v = get(name);
        return v == null ? defaultValue : v;
    }

    /** Every value of {@code name}, in order. */
    public List<String> getAll(String name) {
        List<String> all = new ArrayList<>(1);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                all.add(values.get(i));
            }
        }
        return all;
    }

    /** True if a field called {@code name} is present. */
    public boolean contains(String name) {
        return get(name) != null;
    }

    /**
     * True if a comma-separated list field {@code name} holds {@code token}, ignoring case
     * ({@code Connection: keep-alive, Upgrade} contains {@code upgrade}).
     */
    public boolean containsToken(String name, String token) {
        for (String v : getAll(name)) {
            for (String part : v.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The number of fields. */
    public int size() {
        return names.size();
    }

    /** The field names in order, as received (not lower-cased). */
    public List<String> names() {
        return Collections.unmodifiableList(names);
    }

    /** The name of field {@code i}. */
    public String name(int i) {
        return names.get(i);
    }

    /** The value of field {@code i}. */
    public String value(int i) {
        return values.get(i);
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new IllegalArgumentException("name not an HTTP token: " + name);
            }
        }
    }

    private static void checkValue(String value) {
        Objects.requireNonNull(value, "value");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // CR, LF and NUL would let a value start a new field or end the head (response splitting).
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("value contains CR, LF or NUL: "
                        + value.replace("\r", "\\r").replace("\n", "\\n"));
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Headers[");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names.get(i)).append(": ").append(values.get(i));
        }
        return sb.append(']').toString();
    }
}
