package dev.aio4j;

/**
 * The timer of an {@link Aio#sleep}, which wakes its task itself. asyncio's sleep awaits a future
 * that a timer completes; here one object does both, and the sleeping task's stack holds no
 * future's wait. {@link Task#cancel} stops it and wakes the task in that future's place.
 */
final class SleepTimer extends TimerHandle implements Runnable {
    final Task<?> task;
    /** The message of the {@link Task#cancel} that stopped this sleep (its future's, in asyncio). */
    String cancelMessage;

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
        task.sleepEnded(this);
    }

    @Override
    public String toString() {
        return "TimerHandle[when=" + when() + ", sleep of " + task.getName() + (cancelled ? ", cancelled]" : "]");
    }
}
