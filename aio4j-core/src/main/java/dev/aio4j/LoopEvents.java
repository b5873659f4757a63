package dev.aio4j;

import dev.aio4j.internal.jfr.LoopStallEvent;
import dev.aio4j.internal.jfr.LoopStatisticsEvent;
import dev.aio4j.internal.jfr.SlowCallbackEvent;
import dev.aio4j.internal.jfr.TaskLifecycleEvent;
import java.util.Map;
import java.util.WeakHashMap;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * Where the loop's Flight Recorder events are built and committed (the event types live in
 * {@code internal.jfr}). Every method returns at once unless a recording has the event enabled.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Registration: a recorder listener, registered by the watchdog thread when the first loop
 * runs, keeps {@link #recording} up to date without starting the recorder. The periodic
 * statistics hook is added by the watchdog thread once a recording runs, not before:
 * {@code addPeriodicEvent} loads the recorder's machinery (about 0.2 s of CPU), which a program
 * that records nothing should never pay, and the listener may not call back into the recorder.
 *
 * <p>Step timing: a task step's length counts only the time it held the carrier, which the
 * carrier measures only when asked. {@link #recording} (true while any recording runs) asks for
 * it, as debug mode does, so that slow steps reach {@code dev.aio4j.SlowCallback} without debug
 * mode. Benign race: a recording that starts in the middle of a step may time that one step
 * wrong once.
 *
 * <p>Costs when nothing records: {@code isEnabled()} on an event object that escape analysis
 * removes, and one read of {@link #recording} per task step and per callback.
 */
final class LoopEvents {
    private LoopEvents() {}

    /** True while any Flight Recorder recording runs: steps and callbacks are timed. */
    static volatile boolean recording;

    static {
        refreshRecording(); // the first loop's constructor: sees a recording started with the JVM
    }

    private static boolean registered; // guarded by LoopEvents.class

    /** Steps and time of each loop at its previous statistics sample; the periodic thread only. */
    private static final Map<EventLoop, long[]> LAST_SAMPLE = new WeakHashMap<>();

    /** Registers the recording listener (cheap: it does not start the recorder); idempotent, any thread. */
    static synchronized void register() {
        if (registered) {
            return;
        }
        registered = true;
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recordingStateChanged(Recording r) {
                updateRecording();
            }
        });
        updateRecording();
    }

    private static boolean periodicAdded; // guarded by LoopEvents.class

    /**
     * Adds the statistics hook once a recording runs; called by the watchdog thread every round
     * (and by tests), never from the listener, which runs inside the recorder's own calls.
     */
    static synchronized void addPeriodicIfRecording() {
        if (recording && !periodicAdded) {
            periodicAdded = true;
            FlightRecorder.addPeriodicEvent(LoopStatisticsEvent.class, LoopEvents::emitStatistics);
        }
    }

    private static void updateRecording() {
        refreshRecording();
        for (EventLoop loop : Watchdog.runningLoops()) {
            loop.updateStepTiming();
        }
    }

    /**
     * Sets {@link #recording} from the recorder's state, without initialising the recorder; for
     * a loop that starts running before {@link #register} (a recording started with the JVM).
     */
    static void refreshRecording() {
        boolean any = false;
        if (FlightRecorder.isInitialized()) {
            for (Recording r : FlightRecorder.getFlightRecorder().getRecordings()) {
                any |= r.getState() == RecordingState.RUNNING;
            }
        }
        recording = any;
    }

    // ------------------------------------------------------------------ tasks

    /** A task was created; returns the time to measure its lifetime from, or 0 when not recorded. */
    static long taskCreated(Task<?> task) {
        TaskLifecycleEvent e = new TaskLifecycleEvent();
        if (!e.isEnabled()) {
            return 0;
        }
        fill(e, task, "created");
        e.commit();
        return System.nanoTime();
    }

    /** A task finished ({@code createdNanos} from {@link #taskCreated}). */
    static void taskFinished(Task<?> task, long createdNanos) {
        TaskLifecycleEvent e = new TaskLifecycleEvent();
        if (!e.isEnabled()) {
            return;
        }
        fill(e, task, "finished");
        e.outcome = task.cancelled() ? "cancelled" : task.hasExceptionUnsafe() ? "exception" : "result";
        e.lifetime = createdNanos == 0 ? 0 : System.nanoTime() - createdNanos;
        e.commit();
    }

    private static void fill(TaskLifecycleEvent e, Task<?> task, String phase) {
        e.loop = task.loop.name();
        e.task = task.getName();
        e.taskId = task.id();
        e.phase = phase;
    }

    // ------------------------------------------------------------------ slow callbacks and stalls

    /** A callback ({@code task} null) or a task step held the loop {@code tookNanos}, over the threshold. */
    static void slowCallback(EventLoop loop, Object what, boolean taskStep, long tookNanos) {
        SlowCallbackEvent e = new SlowCallbackEvent();
        if (!e.isEnabled()) {
            return;
        }
        e.loop = loop.name();
        e.kind = taskStep ? "task step" : "callback";
        e.callback = String.valueOf(what);
        e.took = tookNanos;
        e.threshold = loop.slowCallbackNanos();
        e.commit();
    }

    /**
     * The start of a stall seen by the watchdog: an event filled with the holder and its top
     * frames, to commit when the hold ends; null when no recording wants it.
     */
    static LoopStallEvent stallStarted(EventLoop loop, Object holder, Thread holderThread, StackTraceElement[] stack) {
        LoopStallEvent e = new LoopStallEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.loop = loop.name();
        e.holder = holder instanceof Task<?> t
                ? t.toString()
                : holder == loop ? "a callback of " + loop.name() : "a thread";
        e.holderThread = holderThread;
        StringBuilder frames = new StringBuilder();
        for (int i = 0; i < Math.min(8, stack.length); i++) {
            frames.append(i == 0 ? "" : "\n").append(stack[i]);
        }
        e.topFrames = frames.toString();
        return e;
    }

    /** Whether {@link #stallStarted} would build an event now. */
    static boolean stallWanted() {
        return new LoopStallEvent().isEnabled();
    }

    /** The hold that {@code e} describes ended after {@code heldNanos}. */
    static void stallEnded(LoopStallEvent e, long heldNanos) {
        e.held = heldNanos;
        e.commit();
    }

    // ------------------------------------------------------------------ statistics

    /** The periodic hook: one event per running loop. Runs on the recorder's periodic thread. */
    private static void emitStatistics() {
        long now = System.nanoTime();
        synchronized (LAST_SAMPLE) {
            for (EventLoop loop : Watchdog.runningLoops()) {
                LoopStatisticsEvent e = new LoopStatisticsEvent();
                if (!e.isEnabled()) {
                    return;
                }
                long steps = loop.scheduler.steps();
                long[] last = LAST_SAMPLE.put(loop, new long[] {steps, now});
                // Benign races: each count is read once, without stopping the loop.
                e.loop = loop.name();
                e.mode = loop.mode();
                e.steps = steps;
                e.stepsPerSecond = last == null || now == last[1] ? 0 : (steps - last[0]) * 1e9 / (now - last[1]);
                e.iterations = loop.iterations();
                e.readyCallbacks = loop.readyCallbacks();
                e.timers = loop.timerCount();
                e.tasks = loop.liveTasks;
                e.parkedTasks = loop.parkedTasks;
                e.commit();
            }
        }
    }
}
