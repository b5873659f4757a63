package dev.aio4j.internal;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Portable mode: strands are ordinary threads (tasks are virtual threads on the JDK's default
 * scheduler, the loop strand a platform thread) that pass a baton so that only one runs at a
 * time.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: {@code ready} is a FIFO of task strands waiting for the baton, each with the
 * number of its step ({@link Scheduler}, "One ready order"), in number order; {@code busy} is true while
 * some strand holds the baton. A strand holds the baton from the moment it is granted until it
 * parks, yields or exits, when it hands it straight to the next strand: the head of {@code ready},
 * or the loop strand if it waits in {@link #runStrandsBefore} and the head's number is not below
 * its limit ({@code loopPending}, {@code loopLimit}). The loop strand enters {@code ready} only to
 * take the baton back after an idle wait, when nothing else is ready.
 *
 * <p>Invariants:
 * <ol>
 *   <li>At most one strand holds the baton; only the holder, or a thread that wins the CAS of
 *       {@code busy} from false to true, grants it.
 *   <li>A strand is in {@code ready} at most once ({@code Strand.queued}); being queued while it
 *       runs acts as an unpark permit.
 *   <li>Steps are counted by the baton holder, or by the thread that owns the loop while the
 *       loop is stopped (the loop strand then holds the baton and waits): one thread at a time,
 *       each hand-off ordering it after the previous one.
 *   <li>The loop strand keeps the baton while the loop is stopped, so nothing runs then; it gives
 *       the baton up during an idle wait, in which it touches no loop state.
 * </ol>
 *
 * <p>Races handled: a strand made ready while nobody holds the baton; the releaser clears
 * {@code busy} and then re-checks {@code ready}, and the enqueuer re-checks {@code busy} after
 * enqueueing. An idle loop woken before it starts waiting: the waker sets {@code wakePending}
 * and then reads {@code idleState}; the loop publishes {@code idleState} and then reads
 * {@code wakePending}.
 *
 * <p>Not guaranteed: a JDK blocking call inside a task (a socket read, {@code Thread.sleep},
 * a contended monitor) holds the baton, so the whole loop waits for it, as a blocking call does
 * in asyncio.
 */
public final class BatonScheduler implements Scheduler {

    private static final int NOT_IDLE = 0, PARKING = 1, SELECTING = 2;

    private final ConcurrentLinkedQueue<Strand> ready = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean busy = new AtomicBoolean();
    /**
     * Strands that started an eager strand and wait for its first step to end, innermost first.
     * Touched only by the baton holder (the hand-off orders the accesses).
     */
    private final java.util.ArrayDeque<Strand> eagerCreators = new java.util.ArrayDeque<>();

    private final String name;
    /** The loop strand, set when it is created. */
    private Strand loopStrand;
    /** Steps made ready so far: the next step's number; see invariant 4 for who counts one. */
    private long stepsMadeReady;
    /** True while the loop strand waits in runStrandsBefore; touched only by the baton holder. */
    private boolean loopPending;
    /** While {@code loopPending}: strands numbered below this run before the loop strand. */
    private long loopLimit;
    /** The strand holding the baton, or null while it is free; for the watchdog. */
    private volatile Strand holder;
    /** Grants so far; for the watchdog. Written only by whoever grants (one at a time). */
    private volatile long grants;

    private volatile int idleState = NOT_IDLE;
    private volatile boolean wakePending;

    public BatonScheduler(String name) {
        this.name = name;
    }

    @Override
    public String mode() {
        return "portable";
    }

    @Override
    public void createLoopStrand(Strand loop, Runnable body) {
        loopStrand = loop;
        loop.thread = Thread.ofPlatform()
                .name(name)
                .daemon(true)
                .uncaughtExceptionHandler(loop)
                .unstarted(() -> {
                    awaitGrant(loop);
                    body.run();
                });
    }

    /** Creates a task strand's thread, unstarted: it waits for the baton, then runs the strand. */
    private void createTaskThread(Strand strand) {
        strand.thread = Thread.ofVirtual()
                .inheritInheritableThreadLocals(false)
                .uncaughtExceptionHandler(strand)
                .unstarted(() -> {
                    awaitGrant(strand);
                    strand.run();
                });
    }

    @Override
    public void start(Strand strand) {
        if (strand != loopStrand) {
            createTaskThread(strand);
        }
        strand.thread.start();
        unpark(strand);
    }

    /** Hands the baton straight to the new strand; the creator gets it back first (see release). */
    @Override
    public void startEager(Strand creator, Strand strand) {
        createTaskThread(strand);
        strand.thread.start();
        eagerCreators.push(creator);
        grant(strand);
        awaitGrant(creator);
    }

    @Override
    public void park(Strand self) {
        release();
        awaitGrant(self);
    }

    @Override
    public void unpark(Strand strand) {
        if (strand.markQueued()) {
            // The loop strand comes back from an idle wait only, when nothing else is ready.
            strand.readySeq = strand == loopStrand ? Strand.NO_READY_SEQ : stepsMadeReady++;
            ready.offer(strand);
            if (!busy.get()) {
                dispatch();
            }
        }
    }

    @Override
    public void yieldNow(Strand self) {
        unpark(self);
        release();
        awaitGrant(self);
    }

    @Override
    public long stepsMadeReady() {
        return stepsMadeReady;
    }

    @Override
    public void admitForeignStrands() {
        // Strands are made ready only by the baton holder or the stopped loop's owner.
    }

    @Override
    public boolean strandsReady() {
        return !ready.isEmpty();
    }

    @Override
    public long firstReadyStep() {
        Strand head = ready.peek();
        return head == null ? Long.MAX_VALUE : head.readySeq;
    }

    @Override
    public void runStrandsBefore(Strand loop, long limit) {
        assert holder == loop && loop == loopStrand;
        loopLimit = limit;
        loopPending = true;
        release();
        awaitGrant(loop);
    }

    @Override
    public int idle(Strand loop, Selector selector, long timeoutNanos) throws IOException {
        assert holder == loop && loop == loopStrand;
        if (timeoutNanos == 0) {
            return selector.selectNow();
        }
        boolean useSelector = !selector.keys().isEmpty();
        release();
        int n = -1;
        idleState = useSelector ? SELECTING : PARKING;
        try {
            if (!wakePending) {
                if (useSelector) {
                    n = timeoutNanos < 0
                            ? selector.select()
                            : selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999)));
                } else if (timeoutNanos < 0) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, timeoutNanos);
                }
            }
        } finally {
            idleState = NOT_IDLE;
            wakePending = false;
            unpark(loop);
            awaitGrant(loop);
        }
        return n;
    }

    @Override
    public void wakeIdle(Strand loop, Selector selector) {
        wakePending = true;
        int s = idleState;
        if (s == SELECTING) {
            selector.wakeup();
        } else if (s == PARKING) {
            LockSupport.unpark(loop.thread);
        }
    }

    @Override
    public void suspendLoop(Strand loop, BooleanSupplier resumed) {
        if (resumed.getAsBoolean()) {
            return;
        }
        LockSupport.park(this); // keeps the baton: nothing runs while the loop is stopped
    }

    @Override
    public void resumeLoop(Strand loop) {
        LockSupport.unpark(loop.thread);
    }

    @Override
    public void exit(Strand self) {
        // A strand that woke itself while running (a task cancelled by itself whose next wait's
        // future is cancelled at once) still sits in ready as a permit; granting the baton to it
        // once it has ended would lose the baton and stop the loop.
        if (self.isQueued() && ready.remove(self)) {
            self.clearQueued();
        }
        release();
    }

    @Override
    public void shutdown() {
        ready.clear();
    }

    @Override
    public long steps() {
        return grants;
    }

    @Override
    public Thread runningThread() {
        Strand s = holder;
        return s == null ? null : s.thread;
    }

    @Override
    public void measureHeldTime(boolean on) {}

    /** A strand holds the baton from its grant until it waits in the library: wall time counts. */
    @Override
    public long heldNanos(Strand self) {
        return System.nanoTime();
    }

    /** Hands the baton to the next ready strand, or frees it. Call only while holding it. */
    private void release() {
        Strand creator = eagerCreators.poll();
        if (creator != null) {
            grant(creator); // an eager strand's first step ended: its creator continues
            return;
        }
        Strand next = ready.peek();
        if (loopPending && (next == null || next.readySeq >= loopLimit)) {
            loopPending = false;
            grant(loopStrand); // every strand numbered below the loop's limit has run
            return;
        }
        if (next != null) {
            ready.poll();
            grant(next);
            return;
        }
        holder = null;
        busy.set(false);
        if (!ready.isEmpty()) {
            dispatch();
        }
    }

    /** Gives the free baton to the head of {@code ready}, if both exist. */
    private void dispatch() {
        while (!ready.isEmpty() && busy.compareAndSet(false, true)) {
            Strand next = ready.poll();
            if (next != null) {
                grant(next);
                return;
            }
            busy.set(false);
        }
    }

    private void grant(Strand strand) {
        holder = strand;
        grants++; // only the holder of the baton, or the winner of busy's CAS, grants
        strand.clearQueued();
        strand.granted = true;
        LockSupport.unpark(strand.thread);
    }

    private void awaitGrant(Strand self) {
        boolean interrupted = false;
        while (!self.granted) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true; // an interrupt must not turn this wait into a spin
            }
        }
        self.granted = false;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
