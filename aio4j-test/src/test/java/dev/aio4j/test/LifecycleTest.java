package dev.aio4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.Task;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One loop per test, shared by its @BeforeEach, the test and its @AfterEach; parameters. */
@AioTest
@TestMethodOrder(MethodOrderer.MethodName.class)
class LifecycleTest {

    private static EventLoop previousTestsLoop;
    private EventLoop setUpLoop;
    private Server server;
    private Task<Void> heartbeat;
    private int beats;

    @BeforeEach
    void startAServerOnTheTestsLoop(EventLoop loop) throws Exception {
        setUpLoop = Aio.getRunningLoop();
        assertThat(loop).isSameAs(setUpLoop);
        assertThat(Aio.currentTask()).isNotNull();
        server = Net.startServer(
                (reader, writer) -> {
                    writer.write(reader.readline());
                    writer.close();
                },
                "127.0.0.1",
                0);
        heartbeat = Aio.createTask(
                () -> {
                    while (true) {
                        beats++;
                        Aio.sleep(Duration.ofMillis(1));
                    }
                },
                "heartbeat");
    }

    @AfterEach
    void stopTheServerOnTheSameLoop(EventLoop loop) {
        assertThat(Aio.getRunningLoop()).isSameAs(setUpLoop).isSameAs(loop);
        heartbeat.cancel();
        server.close();
        server.closeClients();
        server.waitClosed();
        previousTestsLoop = loop;
    }

    @Test
    void a_theTestRunsOnTheLoopItsSetUpRanOn(EventLoop loop, TestClock clock) throws Exception {
        assertThat(loop).isSameAs(setUpLoop).isSameAs(Aio.getRunningLoop());
        assertThat(clock.isVirtual()).isFalse();
        Connection c = Net.openConnection("127.0.0.1", server.port());
        c.writer().write("ping\n");
        assertThat(new String(c.reader().readline(), StandardCharsets.UTF_8)).isEqualTo("ping\n");
        c.writer().close();
        c.writer().waitClosed();
        assertThat(beats).as("the set-up's task kept running during the test").isPositive();
    }

    @Test
    void b_eachTestHasAFreshLoop(EventLoop loop) {
        assertThat(previousTestsLoop).isNotNull().isNotSameAs(loop);
        assertThat(previousTestsLoop.isClosed()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void c_parameterizedTestsRunOnTheLoopToo(int n, EventLoop loop) {
        assertThat(Aio.getRunningLoop()).isSameAs(loop).isSameAs(setUpLoop);
        assertThat(n).isPositive();
    }

    @RepeatedTest(2)
    void d_repeatedTestsGetALoopEachTime(EventLoop loop) {
        assertThat(loop).isNotSameAs(previousTestsLoop).isSameAs(setUpLoop);
    }

    @Nested
    @AioTest(virtualTime = true)
    class OnVirtualTime {
        @Test
        void nestedClassesAddToTheOuterSettings(TestClock clock) {
            assertThat(clock.isVirtual()).isTrue();
            assertThat(Aio.getRunningLoop()).isSameAs(setUpLoop); // the outer @BeforeEach ran on it
        }
    }
}
