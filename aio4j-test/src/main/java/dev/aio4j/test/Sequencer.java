package dev.aio4j.test;

import dev.aio4j.CancelledError;
import dev.aio4j.sync.Event;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Forces an order on code in different tasks by step numbers (Trio's
 * {@code trio.testing.Sequencer}): the block of step {@code n} runs only after the blocks of
 * steps {@code 0..n-1} have finished, whatever order the tasks reach them in.
 *
 * <pre>{@code
 * Sequencer seq = new Sequencer();
 * Aio.createTask(() -> {
 *     try (var step = seq.step(1)) { queue.put("b"); }
 * });
 * try (var step = seq.step(0)) { queue.put("a"); }
 * try (var step = seq.step(2)) { assertEquals("a", queue.get()); }
 * }</pre>
 *
 * <p>Each step number is used once; numbers start at 0 and must have no gaps (a missing step
 * makes the later ones wait forever, which the test's timeout then reports). A task cancelled
 * while it waits for its step breaks the sequencer: every waiting and later step then fails,
 * as in Trio.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>{@code done} is the number of finished steps; step {@code n} waits on the {@link Event} of
 * {@code n} until {@code done == n}; finishing step {@code n} sets the event of {@code n + 1}.
 * Bound to the loop of its first use, as aio4j's primitives are.
 */
public final class Sequencer {

    private final Map<Integer, Event> turns = new HashMap<>();
    private final Set<Integer> claimed = new HashSet<>();
    private int done;
    private String broken;

    /** A sequencer at step 0: {@code step(0)} passes at once. */
    public Sequencer() {}

    /** One step, held from {@link #step} to {@link #close}. */
    public final class Step implements AutoCloseable {
        private final int position;
        private boolean closed;

        private Step(int position) {
            this.position = position;
        }

        /** Ends the step: step {@code position + 1} may now run. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            done = position + 1;
            turn(done).set();
        }

        @Override
        public String toString() {
            return "Sequencer.Step[" + position + (closed ? ", done]" : "]");
        }
    }

    /**
     * Waits until steps {@code 0..position-1} have finished and returns step {@code position};
     * close it (try-with-resources) to let the next one run.
     *
     * @throws IllegalArgumentException if {@code position < 0}
     * @throws IllegalStateException if the step was already taken, or the sequencer is broken
     * @throws CancelledError if the task is cancelled while it waits (the sequencer breaks)
     */
    public Step step(int position) {
        if (position < 0) {
            throw new IllegalArgumentException("position < 0: " + position);
        }
        if (!claimed.add(position)) {
            throw new IllegalStateException("Sequencer step " + position + " was already used: " + this);
        }
        checkNotBroken();
        try {
            while (done < position && broken == null) {
                turn(position).await();
            }
        } catch (CancelledError e) {
            broken = "step " + position + " was cancelled while waiting for its turn";
            for (Event e2 : turns.values()) {
                e2.set();
            }
            throw e;
        }
        checkNotBroken();
        return new Step(position);
    }

    private Event turn(int position) {
        return turns.computeIfAbsent(position, p -> new Event());
    }

    private void checkNotBroken() {
        if (broken != null) {
            throw new IllegalStateException("Sequencer is broken: " + broken);
        }
    }

    @Override
    public String toString() {
        return "Sequencer[done=" + done + (broken != null ? ", broken]" : "]");
    }
}
