package dev.aio4j;

/** A callback scheduled at a point of the loop's time by {@link EventLoop#callLater} or {@link EventLoop#callAt}. */
public sealed class TimerHandle extends Handle implements Comparable<TimerHandle> permits SleepTimer {
    final EventLoop loop;
    final long whenNanos;
    final long sequence;
    boolean scheduled = true;

    TimerHandle(EventLoop loop, long whenNanos, long sequence, Runnable callback) {
        super(callback);
        this.loop = loop;
        this.whenNanos = whenNanos;
        this.sequence = sequence;
    }

    /** A timer with no callback of its own and no context (a {@link SleepTimer}). */
    TimerHandle(EventLoop loop, long whenNanos, long sequence) {
        super(null, null);
        this.loop = loop;
        this.whenNanos = whenNanos;
        this.sequence = sequence;
    }

    /** When the callback is due, in the seconds of {@link EventLoop#time()}. */
    public double when() {
        return whenNanos / 1e9;
    }

    /** When the callback is due, in the nanoseconds of {@link EventLoop#nanoTime()}. */
    public long whenNanos() {
        return whenNanos;
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            if (scheduled) {
                loop.timerCancelled();
            }
        }
    }

    @Override
    public int compareTo(TimerHandle o) {
        int c = Long.compare(whenNanos, o.whenNanos);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }

    @Override
    public String toString() {
        return "TimerHandle[when=" + when() + ", " + callback() + (cancelled ? ", cancelled]" : "]");
    }
}
