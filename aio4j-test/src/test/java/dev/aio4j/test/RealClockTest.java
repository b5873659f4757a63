package dev.aio4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The default: the real clock, where only waitAllTasksBlocked and runUntilIdle apply. */
@AioTest
class RealClockTest {

    @Test
    void advanceIsRefusedWithTheFix(TestClock clock) {
        assertThat(clock.isVirtual()).isFalse();
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@AioTest(virtualTime = true)");
    }

    @Test
    void runUntilIdleWaitsForTheTimersInRealTime(TestClock clock) {
        Task<Void> t = Aio.createTask(() -> Aio.sleep(Duration.ofMillis(30)));
        clock.runUntilIdle();
        assertThat(t.done()).isTrue();
        assertThat(clock.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(30));
    }
}
