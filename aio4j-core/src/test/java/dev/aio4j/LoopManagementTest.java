package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * A loop shows itself as {@code dev.aio4j:type=EventLoop,name=...} in the platform MBean server
 * from its first run until it closes: counters, and the task tree taken on the loop.
 */
class LoopManagementTest {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    /** Registration happens in the background: waits (bounded) until {@code name} is registered or not. */
    private static void awaitRegistered(ObjectName name, boolean registered) throws InterruptedException {
        for (int i = 0; i < 200 && SERVER.isRegistered(name) != registered; i++) {
            Thread.sleep(50);
        }
        assertThat(SERVER.isRegistered(name)).as("%s registered", name).isEqualTo(registered);
    }

    @Test
    void aRunningLoopShowsItsCountersAndTreeAndDisappearsWhenClosed() throws Exception {
        ObjectName name;
        try (Runner runner = new Runner(RunOptions.defaults().withSigintHandling(false))) {
            EventLoop loop = runner.getLoop();
            name = LoopManagement.objectName(loop);
            assertThat(name.toString()).isEqualTo("dev.aio4j:type=EventLoop,name=" + loop.name());
            String[] seen = runner.run(() -> {
                Aio.currentTask().setName("main");
                Task<Void> sleeper = Aio.createTask(() -> Aio.sleep(Duration.ofSeconds(30), (Void) null), "sleeper");
                Aio.getRunningLoop().waitAllTasksBlocked(); // the sleeper has set its timer
                // JMX reads from another thread, while this task waits for it: the tree goes through the loop.
                String[] got = Aio.toThread(() -> {
                    awaitRegistered(name, true);
                    return new String[] {
                        String.valueOf(SERVER.getAttribute(name, "Tasks")),
                        String.valueOf(SERVER.getAttribute(name, "Timers")),
                        (String) SERVER.getAttribute(name, "TaskTree"),
                        (String) SERVER.getAttribute(name, "TaskTable"),
                        String.valueOf(SERVER.getAttribute(name, "Running")),
                        (String) SERVER.getAttribute(name, "TaskTreeWithStacks")
                    };
                });
                sleeper.cancel();
                return got;
            });
            assertThat(seen[0]).isEqualTo("2");
            assertThat(Integer.parseInt(seen[1])).isGreaterThanOrEqualTo(1);
            assertThat(seen[2])
                    .contains("└── (T) main  waiting")
                    .contains("waits for Future[pending]")
                    .contains("└── (T) sleeper  waiting");
            assertThat(seen[3]).containsPattern("\\n\\d+ +sleeper +waiting ");
            assertThat(seen[4]).isEqualTo("true");
            assertThat(seen[5]).contains("at dev.aio4j.Aio.sleep(");
            assertThat((Long) SERVER.getAttribute(name, "Steps")).isPositive();
        }
        awaitRegistered(name, false);
    }

    @Test
    void aLoopThatNeverRanIsNotRegistered() throws Exception {
        EventLoop loop = EventLoop.newEventLoop();
        ObjectName name = LoopManagement.objectName(loop);
        loop.close();
        Thread.sleep(100);
        assertThat(SERVER.isRegistered(name)).isFalse();
    }
}
