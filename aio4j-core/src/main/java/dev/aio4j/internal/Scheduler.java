package dev.aio4j.internal;

import java.nio.channels.Selector;
import java.util.function.BooleanSupplier;

/**
 * How one event loop runs its strands so that exactly one runs at a time, in asyncio's order.
 *
 * <p>Words used in this package, one concept each:
 * <ul>
 *   <li><b>scheduler</b>: this interface, one per loop;
 *   <li><b>mode</b>: which implementation this JVM uses, chosen once by {@link Schedulers}:
 *       <b>carrier mode</b> ({@link CarrierScheduler}: the loop owns the platform thread that
 *       carries its tasks' virtual threads; needs {@code --add-opens java.base/java.lang=ALL-UNNAMED})
 *       or <b>portable mode</b> ({@link BatonScheduler}: tasks are virtual threads of the JDK's
 *       default scheduler that pass a baton);
 *   <li><b>carrier</b>: a platform thread that runs virtual threads, as in the JDK; in carrier
 *       mode, the loop's own thread "aio4j-loop-N".
 * </ul>
 *
 * <h2>One ready order</h2>
 *
 * <p>asyncio keeps callbacks and task steps in one ready queue. Here callbacks wait in the loop's
 * deque and task steps with the scheduler, in two FIFOs that together keep asyncio's single
 * order: the scheduler numbers task steps in the order they become ready (a strand started,
 * unparked or yielding), and a callback records, when it becomes ready, how many steps had
 * become ready before it ({@link #stepsMadeReady}). The loop strand runs callbacks in FIFO order
 * and, when the first ready step's number is below the next callback's count, calls
 * {@link #runStrandsBefore} with that count: the scheduler runs the steps numbered below it, in
 * order, then gives the loop strand back. A switch to the loop strand is thus paid only where
 * callbacks and steps interleave, and a queued step costs no more than before: no number is
 * stored with it.
 *
 * <p>Threading: {@link #wakeIdle} may be called from any thread. {@link #start}, {@link #unpark}
 * and {@link #stepsMadeReady} are called by the strand that runs now, or by the thread that owns
 * the loop while it is stopped (the order of what that thread schedules is kept). Every other
 * method is called by the strand that runs now.
 */
public interface Scheduler {

    /** "carrier" or "portable". */
    String mode();

    /** Creates the loop strand's thread, unstarted, to run {@code body}; it may be a platform thread. */
    void createLoopStrand(Strand loop, Runnable body);

    /**
     * Starts a strand: the loop strand, once created, or a task strand, whose thread runs the
     * strand itself ({@link Strand#run}) and may be created only when its first step is about
     * to run. The first step runs after every strand already ready.
     */
    void start(Strand strand);

    /** Suspends the calling strand until {@link #unpark}ed; may return spuriously. */
    void park(Strand self);

    /** Makes a strand ready, counting its step (or gives it a permit if it is running). */
    void unpark(Strand strand);

    /** Puts the calling task's strand at the end of the ready order and lets the others run. */
    void yieldNow(Strand self);

    /**
     * Task steps made ready so far, which is also the number the next one gets. A callback made
     * ready now records it: it runs after exactly these steps.
     */
    long stepsMadeReady();

    /** Loop strand only: counts the strands made ready by other threads since the last call. */
    void admitForeignStrands();

    /** True if some task strand is ready to run, or about to be admitted. */
    boolean strandsReady();

    /** The number of the first ready task step, or {@code Long.MAX_VALUE} if none is. */
    long firstReadyStep();

    /**
     * Loop strand only: runs the ready task steps numbered below {@code limit}, in number order,
     * and returns once none is left. Steps they make ready get numbers of at least
     * {@link #stepsMadeReady()}, so they wait, when {@code limit} is at most that, for a later call.
     */
    void runStrandsBefore(Strand loop, long limit);

    /**
     * Loop strand only: {@link #runStrandsBefore} for the last steps of an iteration, the ones
     * after its last callback. Once they have run, if more steps are ready, the scheduler may
     * ask {@code skipIteration} whether the next iteration would do nothing but run exactly
     * those steps (no callback, timer, I/O or stop to handle); if it answers yes, it has counted
     * that iteration as run, and the scheduler runs the steps without switching to the loop
     * strand, then asks again. The order is asyncio's either way; only the switches are saved.
     */
    default void runLastStrands(Strand loop, long limit, BooleanSupplier skipIteration) {
        runStrandsBefore(loop, limit);
    }

    /**
     * Loop strand only: waits until the selector has ready keys, {@link #wakeIdle} is called, or
     * {@code timeoutNanos} passes ({@code < 0}: no limit; {@code 0}: poll). Returns the number
     * of keys the selector reported, or -1 if it did not poll.
     */
    int idle(Strand loop, Selector selector, long timeoutNanos) throws java.io.IOException;

    /** Ends an {@link #idle} of the loop strand early. Any thread. */
    void wakeIdle(Strand loop, Selector selector);

    /**
     * Loop strand only, while the loop is stopped: waits, holding every other strand back, until
     * {@link #resumeLoop} is called. Returns at once if {@code resumed} (true once a new run or
     * the close has begun; written before that run's {@link #resumeLoop}) already says so. May
     * return spuriously.
     */
    void suspendLoop(Strand loop, BooleanSupplier resumed);

    /** Lets a suspended loop strand (and so every strand) run again. Any thread. */
    void resumeLoop(Strand loop);

    /** Called by a strand as the last thing it does. */
    void exit(Strand self);

    /**
     * Starts a task strand at once (an eager task): {@code strand} runs before every strand
     * already ready, and {@code creator}, the calling strand, continues right
     * after {@code strand} first parks, yields or exits. Returns in the creator, then.
     */
    void startEager(Strand creator, Strand strand);

    // ---- watching (any thread, racy by design: a watchdog samples them)

    /** How many times a strand has been given its turn so far; grows while strands switch. */
    long steps();

    /** The thread of the strand that holds the loop now, or null while the loop waits. */
    Thread runningThread();

    /** Debug mode: starts or stops adding to each strand the time it holds the loop. Any thread. */
    void measureHeldTime(boolean on);

    /**
     * Called by a running strand, while {@link #measureHeldTime} is on: a running total of
     * the time it has held the loop, counting only time in which no other strand could run.
     * Differences between two readings are what matter.
     */
    long heldNanos(Strand self);

    /** Stops the scheduler; strands that have not finished never run again. */
    void shutdown();
}
