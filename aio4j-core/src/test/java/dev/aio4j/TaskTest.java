package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskTest {

    @Test
    void tasksRunConcurrentlyAndReturnResults() {
        int sum = Aio.run(() -> {
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int k = i;
                tasks.add(Aio.createTask(() -> {
                    Aio.sleep(Duration.ofMillis(1));
                    return k;
                }));
            }
            int s = 0;
            for (Task<Integer> t : tasks) {
                s += t.await();
            }
            return s;
        });
        assertThat(sum).isEqualTo(45);
    }

    @Test
    void runsInTheModeTheBuildAskedFor() {
        String expected = System.getProperty("aio4j.expectMode");
        String mode = Aio.run(() -> Aio.getRunningLoop().mode());
        if (expected != null) {
            assertThat(mode).isEqualTo(expected);
        }
        assertThat(mode).isIn("carrier", "portable");
    }

    @Test
    void exceptionOfTheBodyIsThrownByAwait() {
        assertThatThrownBy(() -> Aio.run(() -> Aio.createTask(() -> {
                            throw new IllegalArgumentException("boom");
                        })
                        .await()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("boom");
    }

    @Test
    void carrierModeCreatesATasksThreadForItsFirstStepAndDropsItWhenTheBodyEnds() {
        assumeTrue(TestSupport.carrierMode(), "portable mode creates the thread with the task");
        List<Object> seen = Aio.run(() -> {
            Task<Thread> t = Aio.createTask(Thread::currentThread);
            Thread before = t.thread();
            Task<Void> cancelled = Aio.createTask(() -> {});
            cancelled.cancel(); // before its first step: no thread to interrupt
            Thread ran = t.await();
            Aio.sleep(Duration.ZERO); // lets the cancelled one end
            return java.util.Arrays.asList(before, ran, t.thread(), cancelled.cancelled(), cancelled.thread());
        });
        assertThat(seen.get(0)).isNull();
        assertThat(seen.get(1)).isInstanceOf(Thread.class);
        assertThat(((Thread) seen.get(1)).isVirtual()).isTrue();
        assertThat(seen.get(2)).isNull();
        assertThat(seen.get(3)).isEqualTo(true);
        assertThat(seen.get(4)).isNull();
    }

    /** A body that is both a Callable and a CheckedRunnable: what runs is the form it was passed as. */
    private static final class BothForms implements java.util.concurrent.Callable<String>, CheckedRunnable {
        final List<String> ran = new ArrayList<>();

        @Override
        public String call() {
            ran.add("call");
            return "called";
        }

        @Override
        public void run() {
            ran.add("run");
        }
    }

    @Test
    void aTaskRunsItsBodyInTheFormItWasCreatedWith() {
        Aio.run(() -> {
            BothForms asRunnable = new BothForms();
            assertThat(Aio.createTask((CheckedRunnable) asRunnable).await()).isNull();
            assertThat(asRunnable.ran).containsExactly("run");
            BothForms asCallable = new BothForms();
            assertThat(Aio.createTask((java.util.concurrent.Callable<String>) asCallable)
                            .await())
                    .isEqualTo("called");
            assertThat(asCallable.ran).containsExactly("call");
            List<String> order = new ArrayList<>();
            TaskGroup.run(group -> group.createTask(() -> {
                order.add("runnable body");
            }));
            assertThat(order).containsExactly("runnable body");
            return null;
        });
    }
}
