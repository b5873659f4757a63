package dev.aio4j;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The process-wide table behind {@link EventLoop#addSignalHandler} and the runner's
 * cancel-on-signal: for each signal, a stack of handlers of which the newest runs.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: {@code slots} maps a signal to its {@link Slot}, which is the one JVM
 * handler ({@code sun.misc.Signal}) installed for it while its stack is not empty, with the
 * JVM handler it replaced. An entry is keyed by its owner (a loop, a runner's handler); adding
 * again for the same owner replaces the action in place, so the entry keeps its place.
 *
 * <p>Invariants (all guarded by the class lock):
 * <ol>
 *   <li>A slot exists exactly while its stack holds at least one entry; removing the last entry
 *       puts back the JVM handler found when the first was added. So "remove" always restores
 *       what was there before "add": the previous owner's handler, or the JVM's own.
 *   <li>The action that runs is the top entry's at the time the signal arrives.
 * </ol>
 *
 * <p>Threads: the JVM runs a handler on a thread of its own, one per signal delivered; an
 * action must only hand off (to a loop with {@code callSoonThreadsafe}) or halt.
 */
final class SignalDispatch {
    private SignalDispatch() {}

    /** What a signal does for one owner; runs on the JVM's signal thread. */
    interface Action {
        void onSignal(Signal signal);
    }

    private static final Map<Signal, Slot> slots = new EnumMap<>(Signal.class);

    /** Signals the JVM leaves ignored when the process started with them ignored (nohup, {@code cmd &}). */
    private static final java.util.Set<Signal> JVM_KEEPS_IGNORED =
            java.util.EnumSet.of(Signal.INT, Signal.TERM, Signal.HUP);

    private static final class Entry {
        final Object owner;
        Action action;

        Entry(Object owner, Action action) {
            this.owner = owner;
            this.action = action;
        }
    }

    private static final class Slot implements sun.misc.SignalHandler {
        final Signal signal;
        final ArrayList<Entry> stack = new ArrayList<>();
        sun.misc.SignalHandler jvmPrevious;

        Slot(Signal signal) {
            this.signal = signal;
        }

        @Override
        public void handle(sun.misc.Signal s) {
            Action action;
            synchronized (SignalDispatch.class) {
                action = stack.isEmpty() ? null : stack.getLast().action;
            }
            if (action != null) {
                action.onSignal(signal);
            }
        }
    }

    /**
     * Makes {@code action} the handler of {@code signal} for {@code owner}: a new entry on top,
     * or the owner's entry updated where it stands.
     *
     * @throws UnsupportedSignalException if the signal cannot be caught or the JVM refuses it
     */
    static synchronized void add(Signal signal, Object owner, Action action) {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(action, "action");
        if (!signal.catchable()) {
            throw new UnsupportedSignalException(signal.signalName() + " cannot be caught");
        }
        Slot slot = slots.get(signal);
        if (slot != null) {
            for (Entry e : slot.stack) {
                if (e.owner == owner) {
                    e.action = action;
                    return;
                }
            }
            slot.stack.add(new Entry(owner, action));
            return;
        }
        slot = new Slot(signal);
        sun.misc.Signal jvmSignal = new sun.misc.Signal(signal.name());
        try {
            slot.jvmPrevious = sun.misc.Signal.handle(jvmSignal, slot);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw new UnsupportedSignalException(
                    "the JVM does not let " + signal.signalName() + " be handled: " + e.getMessage());
        }
        if (slot.jvmPrevious == sun.misc.SignalHandler.SIG_IGN && JVM_KEEPS_IGNORED.contains(signal)) {
            // The JVM reports success but installs nothing for these when they were ignored at start.
            sun.misc.Signal.handle(jvmSignal, sun.misc.SignalHandler.SIG_IGN);
            throw new UnsupportedSignalException(signal.signalName() + " is ignored by this process (it was started"
                    + " with the signal ignored, e.g. as a background job of a shell or under nohup), and the JVM"
                    + " keeps it ignored");
        }
        slot.stack.add(new Entry(owner, action));
        slots.put(signal, slot);
    }

    /** Removes {@code owner}'s handler of {@code signal}; true if it had one. */
    static synchronized boolean remove(Signal signal, Object owner) {
        Slot slot = slots.get(signal);
        if (slot == null || !slot.stack.removeIf(e -> e.owner == owner)) {
            return false;
        }
        if (slot.stack.isEmpty()) {
            slots.remove(signal);
            sun.misc.Signal.handle(new sun.misc.Signal(signal.name()), slot.jvmPrevious);
        }
        return true;
    }

    /** Removes every handler {@code owner} has (a closing loop, a finished run). */
    static synchronized void removeAll(Object owner) {
        for (Signal s : Signal.values()) {
            remove(s, owner);
        }
    }

    /** True if {@code owner} has a handler for {@code signal}. */
    static synchronized boolean has(Signal signal, Object owner) {
        Slot slot = slots.get(signal);
        return slot != null && slot.stack.stream().anyMatch(e -> e.owner == owner);
    }
}
