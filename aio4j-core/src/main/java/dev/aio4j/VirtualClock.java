package dev.aio4j;

import java.time.Duration;

/**
 * A clock that moves only when told to, or, with autojump, whenever every task of its loop is
 * waiting: the loop then jumps straight to its next timer (Trio's MockClock with
 * {@code autojump_threshold=0}). A test that sleeps a virtual hour finishes in microseconds.
 *
 * <p>The loop does not jump while a task is inside a JDK blocking call or while work handed to
 * another thread ({@code toThread}, awaited CompletableFutures) is outstanding; it polls real
 * time in 1 ms steps until that work comes back. While the loop watches channels (sockets), it
 * jumps only after 5 ms of real time in which no I/O arrived, so that a real peer can answer
 * before a virtual timeout expires (Trio's autojump threshold).
 *
 * <p>Thread-safe: time is read from any thread; it is advanced by the loop or by the test.
 */
public final class VirtualClock implements Clock {
    private volatile long now;
    private final boolean autojump;

    private VirtualClock(boolean autojump) {
        this.autojump = autojump;
    }

    /** A clock at 0 that jumps whenever every task waits. */
    public static VirtualClock autojump() {
        return new VirtualClock(true);
    }

    /** A clock at 0 that moves only through {@link #advance}. */
    public static VirtualClock manual() {
        return new VirtualClock(false);
    }

    @Override
    public long nanoTime() {
        return now;
    }

    public boolean isAutojump() {
        return autojump;
    }

    /** Moves time forward by {@code d}; timers fall due at the loop's next iteration. */
    public synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("d < 0: " + d);
        }
        now += d.toNanos();
    }

    /** Moves time to {@code nanos} if that is later than now. */
    synchronized void advanceTo(long nanos) {
        if (nanos > now) {
            now = nanos;
        }
    }

    @Override
    public String toString() {
        return "VirtualClock[" + now + " ns" + (autojump ? ", autojump]" : "]");
    }
}
