package dev.aio4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Virtual time in tests: autojump, advance, runUntilIdle, waitAllTasksBlocked. */
@AioTest(virtualTime = true)
class TestClockTest {

    @Test
    void anHourOfSleepTakesNoRealTime(TestClock clock) {
        long start = System.nanoTime();
        Aio.sleep(Duration.ofHours(1));
        assertThat(clock.elapsed()).isEqualTo(Duration.ofHours(1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void timeoutsFireInVirtualTime(TestClock clock) {
        assertThatThrownBy(() -> Timeout.after(Duration.ofSeconds(30), () -> Aio.sleep(Duration.ofDays(1))))
                .isInstanceOf(TimeoutError.class);
        assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void advanceFiresTheTimersItPassesAndLetsTheirTasksRun(TestClock clock) {
        List<String> seen = new ArrayList<>();
        Task<Void> a = Aio.createTask(() -> {
            Aio.sleep(Duration.ofSeconds(1));
            seen.add("1s");
            Aio.sleep(Duration.ofSeconds(1));
            seen.add("2s");
        });
        clock.waitAllTasksBlocked();
        assertThat(seen).isEmpty();
        clock.advance(Duration.ofMillis(1500));
        assertThat(seen).containsExactly("1s");
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(1500));
        clock.advance(Duration.ofMillis(500)); // the second sleep began at 1.5 s: due at 2.5 s
        assertThat(seen).containsExactly("1s");
        clock.advance(Duration.ofMillis(500));
        assertThat(seen).containsExactly("1s", "2s");
        assertThat(a.done()).isTrue();
    }

    @Test
    void runUntilIdleRunsEveryTimerThereIs(TestClock clock) {
        List<Integer> done = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int k = i;
            Aio.createTask(() -> {
                Aio.sleep(Duration.ofMinutes(k));
                done.add(k);
            });
        }
        clock.runUntilIdle();
        assertThat(done).containsExactly(1, 2, 3);
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void waitAllTasksBlockedLetsAChainOfWakeUpsSettleWithoutMovingTime(TestClock clock) {
        dev.aio4j.queue.Queue<Integer> q1 = new dev.aio4j.queue.Queue<>();
        dev.aio4j.queue.Queue<Integer> q2 = new dev.aio4j.queue.Queue<>();
        List<Integer> out = new ArrayList<>();
        Task<Void> relay = Aio.createTask(() -> {
            for (int i = 0; i < 3; i++) {
                q2.put(q1.get() + 1);
            }
        });
        Task<Void> sink = Aio.createTask(() -> {
            for (int i = 0; i < 3; i++) {
                out.add(q2.get());
            }
        });
        q1.putNowait(1);
        q1.putNowait(2);
        q1.putNowait(3);
        clock.waitAllTasksBlocked();
        assertThat(out).containsExactly(2, 3, 4);
        assertThat(relay.done() && sink.done()).isTrue();
        assertThat(clock.elapsed()).isZero();
    }

    @Test
    void waitAllTasksBlockedWaitsForWorkOnOtherThreads(TestClock clock) {
        boolean[] back = {false};
        Aio.createTask(() -> {
            Aio.toThread(() -> {
                Thread.sleep(50);
                return null;
            });
            back[0] = true;
        });
        clock.waitAllTasksBlocked();
        assertThat(back[0]).isTrue();
    }

    @Test
    @AioTest(timeoutSeconds = 30)
    void aMethodsAnnotationKeepsTheClassesSettingsItDoesNotChange(TestClock clock, EventLoop loop) {
        assertThat(clock.isVirtual()).isTrue();
        assertThat(loop.clock()).isInstanceOf(dev.aio4j.VirtualClock.class);
    }
}
