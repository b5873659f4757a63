package dev.aio4j;

import dev.aio4j.internal.Schedulers;
import dev.aio4j.internal.Strand;
import dev.aio4j.internal.jfr.LoopStallEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches every running loop and reports, with its live stack, a task (or callback) that holds
 * its loop too long: nothing else of that loop runs meanwhile.
 *
 * <ul>
 *   <li>Always (unless {@code -Daio4j.stallReport=false}): a hold of more than 1 s, once per task.
 *   <li>Debug mode: a hold of ten times the slow-callback duration (1 s by default), once per
 *       hold, whatever the property says.
 *   <li>Portable mode: a task that holds the baton while it waits in a JDK call (a sleep, a lock,
 *       a socket) for more than 100 ms, once per task; in carrier mode that wait would have
 *       suspended only the task.
 * </ul>
 *
 * <p>While a Flight Recorder recording wants it, a hold that reaches the stall threshold (1 s;
 * debug mode: ten times the slow-callback duration) becomes a {@code dev.aio4j.LoopStall} event,
 * committed when the hold ends with its whole length, whatever the log settings.
 *
 * <p>A report names the frame the task is in; when that is a native call or a class
 * initialiser, which block the loop's thread instead of suspending the task, it says so in one
 * line with the remedy.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>One daemon platform thread, "aio4j-watchdog", started with the first loop that runs, checks
 * every 100 ms (more often for a debug loop with a short slow-callback duration). The scheduler
 * counts the turns it gives to strands ({@code Scheduler.steps()}) and publishes the
 * strand it runs ({@code Scheduler.runningThread()}); a count that has not moved since the last
 * check while a strand runs is a hold, timed from the check that first saw it (so the time
 * reported is a lower bound, short by at most one interval). The watchdog reads only those two
 * racy values, the loop's debug settings and the holder's state and stack; it never touches
 * loop state, so it cannot deadlock with the loop it watches.
 */
final class Watchdog implements Runnable {
    private static final System.Logger LOG = System.getLogger("dev.aio4j");

    /** {@code -Daio4j.stallReport=false} turns the default report off (debug mode keeps its own). */
    static boolean reportByDefault() {
        return !"false".equalsIgnoreCase(System.getProperty("aio4j.stallReport"));
    }

    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MIN_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long PORTABLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** What the watchdog remembers of one loop; touched only by the watchdog thread. */
    private static final class Watch {
        long steps = -1;
        long sinceNanos;
        boolean reported;
        /** The stall in progress, for a recording that wants dev.aio4j.LoopStall; else null. */
        LoopStallEvent stall;
    }

    private static final Map<EventLoop, Watch> WATCHED = new ConcurrentHashMap<>();
    private static Thread thread; // guarded by Watchdog.class

    private Watchdog() {}

    /** Starts watching a loop that starts running; starts the watchdog thread the first time. */
    static void watch(EventLoop loop) {
        WATCHED.put(loop, new Watch());
        try {
            LoopEvents.refreshRecording(); // a recording may have started while the loop was stopped
        } catch (LinkageError noRecorder) {
            // a runtime without jdk.jfr: nothing records
        }
        loop.updateStepTiming();
        synchronized (Watchdog.class) {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon(true).name("aio4j-watchdog").start(new Watchdog());
            }
        }
    }

    /** Stops watching a loop that has stopped. */
    static void unwatch(EventLoop loop) {
        WATCHED.remove(loop);
    }

    /** The loops running now (a weakly consistent view). Any thread. */
    static Iterable<EventLoop> runningLoops() {
        return WATCHED.keySet();
    }

    @Override
    public void run() {
        try {
            LoopEvents.register(); // here, off every loop
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.DEBUG, "Flight Recorder events unavailable", t);
        }
        while (true) {
            long interval = CHECK_NANOS;
            for (EventLoop loop : WATCHED.keySet()) {
                if (loop.getDebug()) {
                    interval = Math.min(interval, Math.max(MIN_CHECK_NANOS, debugLimit(loop) / 4));
                }
            }
            LockSupport.parkNanos(interval); // never interrupted: nothing else knows this thread
            if (LoopEvents.recording) {
                try {
                    LoopEvents.addPeriodicIfRecording();
                } catch (RuntimeException | LinkageError e) {
                    LOG.log(System.Logger.Level.DEBUG, "Flight Recorder statistics unavailable", e);
                }
            }
            long now = System.nanoTime();
            for (Map.Entry<EventLoop, Watch> e : WATCHED.entrySet()) {
                try {
                    check(e.getKey(), e.getValue(), now);
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.DEBUG, "watchdog check failed", ex);
                }
            }
        }
    }

    private static long debugLimit(EventLoop loop) {
        return loop.slowCallbackNanos() * 10;
    }

    private static void check(EventLoop loop, Watch w, long now) {
        long steps = loop.scheduler.steps();
        Thread holder = loop.scheduler.runningThread();
        if (steps != w.steps || holder == null || !loop.isRunning()) {
            if (w.stall != null) {
                LoopEvents.stallEnded(w.stall, now - w.sinceNanos);
                w.stall = null;
            }
            w.steps = steps;
            w.sinceNanos = now;
            w.reported = false;
            return;
        }
        long held = now - w.sinceNanos;
        loop.recordHold(held);
        if (w.stall == null && held >= (loop.getDebug() ? debugLimit(loop) : HOLD_NANOS) && LoopEvents.stallWanted()) {
            Strand s = holder.getUncaughtExceptionHandler() instanceof Strand st ? st : null;
            w.stall = LoopEvents.stallStarted(
                    loop, s == null ? null : s.task != null ? s.task : loop, holder, holder.getStackTrace());
        }
        if (w.reported || held < PORTABLE_WAIT_NANOS) {
            return;
        }
        boolean debug = loop.getDebug();
        Strand strand = holder.getUncaughtExceptionHandler() instanceof Strand s ? s : null;
        if (!debug && strand != null && strand.stallReported) {
            w.reported = true; // once per task: this one has been named before
            return;
        }
        Object owner = strand == null ? null : strand.task != null ? strand.task : strand.loop();
        StackTraceElement[] stack = holder.getStackTrace();
        boolean portableWait = owner instanceof Task<?> && loop.mode().equals("portable") && inJdkWait(holder, stack);
        boolean due = (debug && held >= debugLimit(loop))
                || ((reportByDefault() || portableWait) && held >= (portableWait ? PORTABLE_WAIT_NANOS : HOLD_NANOS));
        if (!due) {
            return;
        }
        w.reported = true;
        if (strand != null) {
            strand.stallReported = true;
        }
        LOG.log(System.Logger.Level.WARNING, report(loop, owner, stack, held, portableWait));
    }

    /** Portable mode: the baton holder is parked, sleeping or blocked inside a JDK call. */
    private static boolean inJdkWait(Thread holder, StackTraceElement[] stack) {
        Thread.State st = holder.getState();
        if (st != Thread.State.WAITING && st != Thread.State.TIMED_WAITING && st != Thread.State.BLOCKED) {
            return false;
        }
        for (StackTraceElement f : stack) {
            if (f.getMethodName().equals("awaitGrant")
                    && f.getClassName().equals("dev.aio4j.internal.BatonScheduler")) {
                return false; // waiting for the baton itself, not holding it in a JDK call
            }
        }
        return true;
    }

    static String report(
            EventLoop loop, Object owner, StackTraceElement[] stack, long heldNanos, boolean portableWait) {
        String who =
                owner instanceof Task<?> t ? t.toString() : owner == loop ? "a callback of " + loop.name() : "a thread";
        StackTraceElement frame = blockingFrame(stack);
        StringBuilder sb = new StringBuilder()
                .append(who)
                .append(" has held ")
                .append(loop.name())
                .append(" for ")
                .append(TimeUnit.NANOSECONDS.toMillis(heldNanos))
                .append(" ms")
                .append(frame != null ? " in " + frame.getClassName() + "." + frame.getMethodName() : "")
                .append(": no other task or callback of the loop ran meanwhile.");
        if (portableWait) {
            sb.append("\nIn portable mode a JDK blocking call holds the loop: add ")
                    .append(Schedulers.addOpensFlag())
                    .append(" for carrier mode, where it suspends only the task, or use Aio.toThread.");
        } else if (frame != null && frame.getMethodName().equals("<clinit>")) {
            sb.append("\nA class initialiser that waits pins the task to the loop's thread: initialise the class"
                    + " before the loop runs, or through Aio.toThread.");
        } else if (frame != null && frame.isNativeMethod()) {
            sb.append("\nA native call (file, pipe or FIFO I/O, JNI) blocks the loop's thread instead of suspending"
                    + " the task: run it with Aio.toThread, or use aio4j's file and process APIs.");
        } else {
            sb.append(
                    "\nA task that computes or blocks without waiting holds the loop: move the work to Aio.toThread.");
        }
        for (StackTraceElement e : stack) {
            sb.append("\n\tat ").append(e);
        }
        return sb.toString();
    }

    /** The frame to name: the class initialiser the task is in, else the innermost frame. */
    private static StackTraceElement blockingFrame(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            if (f.getMethodName().equals("<clinit>")) {
                return f;
            }
        }
        return stack.length > 0 ? stack[0] : null;
    }
}
