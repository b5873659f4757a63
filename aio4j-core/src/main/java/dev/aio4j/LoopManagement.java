package dev.aio4j;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * A loop's {@link EventLoopMXBean}: registers it in the platform MBean server when the loop
 * first runs and unregisters it when the loop closes.
 *
 * <p>Implementation notes: both happen on one background thread, in order (a loop closed at
 * once is registered, then unregistered), so a loop never pays for starting the JMX machinery
 * (the first platform MBean server costs tens of milliseconds). The thread ends when idle. The
 * getters read the loop's counters racily (plain fields, written by the loop strand); a torn
 * or stale count is harmless in a monitoring view. The task tree is taken on the loop with a
 * limit, so a loop held by a task answers with a sentence instead of hanging the JMX client; a
 * loop that is not running (between two runs of a Runner) is read as it is, racily.
 */
final class LoopManagement implements EventLoopMXBean {

    private static final System.Logger LOG = System.getLogger("dev.aio4j");
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("aio4j.jmx"));
    /** How long a JMX read of the task tree waits for the loop. */
    private static final Duration TREE_LIMIT = Duration.ofSeconds(5);

    private static final ThreadPoolExecutor REGISTRAR =
            new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> Thread.ofPlatform()
                    .daemon(true)
                    .name("aio4j-jmx")
                    .unstarted(r));

    private final EventLoop loop;

    private LoopManagement(EventLoop loop) {
        this.loop = loop;
    }

    /** The name a loop's MBean has: {@code dev.aio4j:type=EventLoop,name=aio4j-loop-N}. */
    static ObjectName objectName(EventLoop loop) {
        try {
            return new ObjectName(
                    "dev.aio4j:type=EventLoop,name=" + loop.name()); // aio4j-loop-N: no character to quote
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers {@code loop}'s MBean in the background; once per loop (the loop calls it on its first run). */
    static void register(EventLoop loop) {
        if (!ENABLED) {
            return;
        }
        REGISTRAR.execute(() -> {
            try {
                ManagementFactory.getPlatformMBeanServer().registerMBean(new LoopManagement(loop), objectName(loop));
            } catch (JMException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "could not register the MBean of " + loop, e);
            }
        });
    }

    /** Unregisters {@code loop}'s MBean in the background, after its registration. */
    static void unregister(EventLoop loop) {
        if (!ENABLED) {
            return;
        }
        REGISTRAR.execute(() -> {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(objectName(loop));
            } catch (JMException | RuntimeException e) {
                // never registered (JMX refused it): nothing to undo
            }
        });
    }

    @Override
    public String getName() {
        return loop.name();
    }

    @Override
    public String getDescription() {
        return loop.toString();
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public int getTasks() {
        return loop.liveTasks;
    }

    @Override
    public int getReady() {
        return loop.readyCallbacks();
    }

    @Override
    public int getTimers() {
        return loop.timerCount();
    }

    @Override
    public int getWatchedChannels() {
        return loop.channelCount();
    }

    @Override
    public long getSteps() {
        return loop.scheduler.steps();
    }

    @Override
    public long getSlowestStepMillis() {
        return TimeUnit.NANOSECONDS.toMillis(loop.slowestHoldNanos);
    }

    @Override
    public String getTaskTree() {
        return tree(false);
    }

    @Override
    public String getTaskTreeWithStacks() {
        return tree(true);
    }

    @Override
    public String getTaskTable() {
        TaskTree t = loop.isClosed() ? null : loop.taskTreeWithin(false, TREE_LIMIT);
        return t != null ? t.toTable() : unanswered();
    }

    private String tree(boolean withStacks) {
        TaskTree t = loop.isClosed() ? null : loop.taskTreeWithin(withStacks, TREE_LIMIT);
        return t != null ? t.toTreeString(withStacks) : unanswered();
    }

    private String unanswered() {
        return loop.isClosed()
                ? loop + ": closed\n"
                : loop + ": the loop did not answer within " + TREE_LIMIT.toSeconds() + " s (a task holds it)\n";
    }
}
