package dev.aio4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class SequencerTest {

    @Test
    void stepsRunInNumberOrderWhateverOrderTheTasksStartIn() {
        Sequencer seq = new Sequencer();
        List<Integer> order = new ArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        for (int step : new int[] {3, 1, 4, 0, 2}) {
            tasks.add(Aio.createTask(() -> {
                try (var s = seq.step(step)) {
                    order.add(step);
                    Aio.sleep(java.time.Duration.ZERO); // a wait inside a step holds the next one back
                }
            }));
        }
        for (Task<Void> t : tasks) {
            t.await();
        }
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aStepNumberCanBeUsedOnce() {
        Sequencer seq = new Sequencer();
        try (var s = seq.step(0)) {
            assertThat(s).hasToString("Sequencer.Step[0]");
        }
        assertThatThrownBy(() -> seq.step(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already used");
        assertThatThrownBy(() -> seq.step(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("position < 0: -1");
    }

    @Test
    void aWaiterCancelledBeforeItsTurnBreaksTheSequencer(TestClock clock) {
        Sequencer seq = new Sequencer();
        Task<Void> two = Aio.createTask(() -> seq.step(2).close());
        Task<Void> one = Aio.createTask(() -> seq.step(1).close());
        clock.waitAllTasksBlocked();
        one.cancel();
        assertThatThrownBy(one::await).isInstanceOf(CancelledError.class);
        assertThatThrownBy(two::await)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Sequencer is broken: step 1 was cancelled");
        assertThatThrownBy(() -> seq.step(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken");
    }
}
