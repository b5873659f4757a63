package dev.aio4j;

/**
 * The timer of an {@link Aio#sleep}, which wakes its task itself. asyncio's sleep awaits a future
 * that a timer completes; here one object does both, and the sleeping task's stack holds no
 * future's wait. {@link Task#cancel} stops it and wakes the task in that future's place.
 */
final class SleepTimer extends TimerHandle implements Runnable {
    final Task<?> task;
    /** Set when the deadline came: the sleep is over (a cancel() from then on is the task's own). */
    boolean ran;

    SleepTimer(EventLoop loop, long whenNanos, long sequence, Task<?> task) {
        super(loop, whenNanos, sequence);
        this.task = task;
    }

    @Override
    Runnable callback() {
        return this;
    }

    /** The deadline came: the sleep is over. */
    @Override
    public void run() {
        ran = true;
        task.wake();
    }

    @Override
    public String toString() {
        return "TimerHandle[when=" + when() + ", sleep of " + task.getName() + (cancelled ? ", cancelled]" : "]");
    }
}
