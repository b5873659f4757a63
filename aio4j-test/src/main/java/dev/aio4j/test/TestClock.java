package dev.aio4j.test;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.VirtualClock;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The time of a test's loop, and the ways a test moves it (Trio's {@code MockClock},
 * kotlinx-coroutines-test's {@code TestCoroutineScheduler}). Declare a parameter of this type
 * in a test or lifecycle method of an {@link AioTest}.
 *
 * <p>With {@code @AioTest(virtualTime = true)} the loop runs on a {@link VirtualClock} with
 * autojump: whenever every task waits, time jumps to the next timer, so a test that sleeps an
 * hour or waits for a 30-second timeout finishes in microseconds. {@link #advance} moves time by
 * hand, {@link #runUntilIdle} runs every timer there is, {@link #waitAllTasksBlocked} lets the
 * other tasks run until each of them waits. On the real clock only the last works.
 *
 * <p>Methods that wait must be called from a task of the test's loop (the test method itself
 * is one).
 */
public final class TestClock {

    /** runUntilIdle gives up after this many timers: something sleeps in a loop forever. */
    private static final int MAX_TIMERS = 1_000_000;

    private final EventLoop loop;
    private final VirtualClock virtual;
    private final long startNanos;

    TestClock(EventLoop loop, long startNanos) {
        this.loop = loop;
        this.virtual = loop.clock() instanceof VirtualClock vc ? vc : null;
        this.startNanos = startNanos;
    }

    /** True on virtual time ({@code @AioTest(virtualTime = true)}). */
    public boolean isVirtual() {
        return virtual != null;
    }

    /** The loop time passed since the test's loop was made: virtual or real. Any thread. */
    public Duration elapsed() {
        return Duration.ofNanos(loop.nanoTime() - startNanos);
    }

    /**
     * Moves virtual time forward by {@code d}, then lets every task whose timer fell due run
     * until all tasks wait again. From a thread that is not one of the loop's tasks, it only
     * moves time (the loop fires the timers at its next iteration).
     *
     * @throws IllegalStateException on the real clock
     * @throws IllegalArgumentException if {@code d} is negative
     */
    public void advance(Duration d) {
        Objects.requireNonNull(d, "d");
        requireVirtual("advance");
        virtual.advance(d);
        if (onLoop()) {
            loop.waitAllTasksBlocked();
        }
    }

    /**
     * Runs the loop until nothing is left to do: every other task waits and no timer is
     * scheduled, jumping virtual time from timer to timer (kotlinx's {@code advanceUntilIdle}).
     * On the real clock it waits for each timer in real time.
     *
     * @throws IllegalStateException if a million timers fire and the loop is still busy (a task
     *     that sleeps in a loop never lets it go idle: cancel it first, or use {@link #advance})
     */
    public void runUntilIdle() {
        for (int fired = 0; ; fired++) {
            loop.waitAllTasksBlocked();
            OptionalLong next = loop.nextTimerNanos();
            if (next.isEmpty()) {
                return;
            }
            if (fired == MAX_TIMERS) {
                throw new IllegalStateException("runUntilIdle(): still busy after " + MAX_TIMERS + " timers ("
                        + elapsed() + " of loop time); a task that sleeps in a loop never lets the loop go idle:"
                        + " cancel it first, or use advance(d)");
            }
            // Sleeping until the next timer: autojump moves virtual time there at once, and
            // timers due at the same time fire in the order they were scheduled, ours last.
            Aio.sleep(Duration.ofNanos(Math.max(1, next.getAsLong() - loop.nanoTime())));
        }
    }

    /**
     * Waits until every other task of the loop waits in one of aio4j's waits (a future, lock,
     * queue, socket, sleep), no callback is ready and no work is out on another thread (Trio's
     * {@code wait_all_tasks_blocked}). Time does not move meanwhile. Use it instead of a number
     * of yields to let background tasks reach their next wait.
     */
    public void waitAllTasksBlocked() {
        loop.waitAllTasksBlocked();
    }

    private boolean onLoop() {
        try {
            return Aio.getRunningLoop() == loop && Aio.currentTask() != null;
        } catch (IllegalStateException notOnALoop) {
            return false;
        }
    }

    private void requireVirtual(String what) {
        if (virtual == null) {
            throw new IllegalStateException(what + "() needs virtual time: this test runs on the real clock;"
                    + " use @AioTest(virtualTime = true)");
        }
    }

    @Override
    public String toString() {
        return "TestClock[" + (virtual != null ? "virtual" : "real") + ", elapsed=" + elapsed() + "]";
    }
}
