package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Eager tasks: {@code TaskFactory.EAGER} and {@code Aio.createTask(body, name, TaskStart.EAGER)} (asyncio 3.12+). */
class EagerTaskTest {

    private static <T> T runEager(Callable<T> body) {
        return Aio.run(
                body,
                RunOptions.defaults()
                        .withClock(VirtualClock.autojump())
                        .withSigintHandling(false)
                        .withTaskFactory(TaskFactory.EAGER));
    }

    private static <T> T runLazy(Callable<T> body) {
        return Aio.run(
                body, RunOptions.defaults().withClock(VirtualClock.autojump()).withSigintHandling(false));
    }

    @Test
    void aTaskThatDoesNotWaitIsDoneWhenCreateTaskReturns() {
        // test_eager_completion
        String r = runEager(() -> {
            Task<String> t = Aio.createTask(() -> "finished without blocking");
            assertThat(t.done()).isTrue();
            return t.await();
        });
        assertThat(r).isEqualTo("finished without blocking");
    }

    @Test
    void theFirstStepRunsBeforeCreateTaskReturnsAndTheRestLater() {
        // test_block_after_eager_step
        runEager(() -> {
            List<String> order = new ArrayList<>();
            Task<String> t = Aio.createTask(() -> {
                order.add("first step");
                Aio.sleep(Duration.ofMillis(100));
                order.add("resumed");
                return "finished after blocking";
            });
            order.add("createTask returned");
            assertThat(t.done()).isFalse();
            assertThat(t.await()).isEqualTo("finished after blocking");
            assertThat(order).containsExactly("first step", "createTask returned", "resumed");
            return null;
        });
    }

    @Test
    void lazyTasksStartOnlyWhenTheCreatorWaits() {
        runLazy(() -> {
            List<String> order = new ArrayList<>();
            Task<Void> t = Aio.createTask(() -> {
                order.add("first step");
            });
            order.add("createTask returned");
            t.await();
            assertThat(order).containsExactly("createTask returned", "first step");
            return null;
        });
    }

    @Test
    void doneCallbacksOfAnEagerlyFinishedTaskAreStillDeferred() {
        runEager(() -> {
            AtomicInteger calls = new AtomicInteger();
            Task<Integer> t = Aio.createTask(() -> 1);
            t.addDoneCallback(f -> calls.incrementAndGet());
            assertThat(calls).hasValue(0);
            Aio.sleep(Duration.ZERO);
            assertThat(calls).hasValue(1);
            return null;
        });
    }

    @Test
    void cancellingAnEagerlyFinishedTaskDoesNothing() {
        // test_cancellation_after_eager_completion
        runEager(() -> {
            Task<String> t = Aio.createTask(() -> "done");
            assertThat(t.cancel()).isFalse();
            assertThat(t.await()).isEqualTo("done");
            assertThat(t.cancelled()).isFalse();
            return null;
        });
    }

    @Test
    void cancellingATaskBlockedAfterItsEagerStepCancelsIt() {
        // test_cancellation_after_eager_step_blocks
        runEager(() -> {
            Task<String> t = Aio.createTask(() -> Aio.sleep(Duration.ofMillis(100), "late"));
            t.cancel("cancellation message");
            assertThat(t.cancelling()).isPositive();
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class).hasMessage("cancellation message");
            return null;
        });
    }

    @Test
    void theCurrentTaskDuringTheEagerStepIsTheNewTask() {
        // test_current_task
        runEager(() -> {
            Task<?> creator = Aio.currentTask();
            AtomicReference<Task<?>> captured = new AtomicReference<>();
            Task<Void> t = Aio.createTask(() -> {
                captured.set(Aio.currentTask());
                Aio.sleep(Duration.ofMillis(100));
                assertThat(Aio.currentTask()).isSameAs(captured.get());
            });
            assertThat(captured.get()).isSameAs(t);
            assertThat(Aio.currentTask()).isSameAs(creator);
            t.await();
            return null;
        });
    }

    @Test
    void theNameIsSetBeforeTheFirstStep() {
        runEager(() -> {
            AtomicReference<String> seen = new AtomicReference<>();
            Aio.createTask(() -> seen.set(Aio.currentTask().getName()), "early-name");
            assertThat(seen.get()).isEqualTo("early-name");
            return null;
        });
    }

    @Test
    void allTasksIncludesATaskDuringItsEagerStep() {
        // test_all_tasks_with_eager_completion
        runEager(() -> {
            AtomicReference<Set<Task<?>>> captured = new AtomicReference<>();
            Task<Void> t = Aio.createTask(() -> captured.set(Aio.allTasks()));
            assertThat(captured.get()).contains(t);
            assertThat(Aio.allTasks()).doesNotContain(t);
            return null;
        });
    }

    @Test
    void aPerTaskChoiceOverridesTheLoopsFactory() {
        // test_eager_start_false (3.14)
        runEager(() -> {
            List<String> order = new ArrayList<>();
            Task<Boolean> lazy = Aio.createTask(() -> order.add("lazy ran"), null, TaskStart.QUEUED);
            order.add("after create");
            lazy.await();
            assertThat(order).containsExactly("after create", "lazy ran");
            return null;
        });
        runLazy(() -> {
            Task<Integer> eager = Aio.createTask(() -> 5, "e", TaskStart.EAGER);
            assertThat(eager.done()).isTrue();
            assertThat(eager.getName()).isEqualTo("e");
            return null;
        });
    }

    @Test
    void anEagerTaskThatFailsKeepsItsException() {
        runEager(() -> {
            Task<Integer> t = Aio.createTask(() -> {
                throw new ArithmeticException("eager");
            });
            assertThat(t.done()).isTrue();
            assertThatThrownBy(t::await).isInstanceOf(ArithmeticException.class).hasMessage("eager");
            return null;
        });
    }

    @Test
    void nestedEagerTasksRunDepthFirstAndReturnInOrder() {
        runEager(() -> {
            List<String> order = new ArrayList<>();
            Aio.createTask(() -> {
                order.add("outer start");
                Aio.createTask(() -> {
                    order.add("inner start");
                    Aio.sleep(Duration.ZERO);
                    order.add("inner end");
                });
                order.add("outer after create");
                Aio.sleep(Duration.ZERO);
                order.add("outer end");
            });
            order.add("main after create");
            Aio.sleep(Duration.ofMillis(1));
            assertThat(order.subList(0, 4))
                    .containsExactly("outer start", "inner start", "outer after create", "main after create");
            assertThat(order).hasSize(6);
            return null;
        });
    }

    @Test
    void recursiveTaskGroupsAndGathersComplete() {
        // test_recursive_taskgroups, test_recursive_gather
        runEager(() -> {
            AtomicInteger leaves = new AtomicInteger();
            class Tree {
                void groups(int width, int depth) {
                    if (depth == 0) {
                        leaves.incrementAndGet();
                        return;
                    }
                    TaskGroup.run(tg -> {
                        for (int i = 0; i < width; i++) {
                            tg.createTask(() -> groups(width, depth - 1));
                        }
                    });
                }

                void gathers(int width, int depth) {
                    if (depth == 0) {
                        leaves.incrementAndGet();
                        return;
                    }
                    List<CheckedRunnable> children = new ArrayList<>();
                    for (int i = 0; i < width; i++) {
                        children.add(() -> gathers(width, depth - 1));
                    }
                    Aio.gatherMixed(children).await();
                }
            }
            new Tree().groups(5, 4);
            new Tree().gathers(5, 4);
            assertThat(leaves).hasValue(2 * 625);
            return null;
        });
    }

    @Test
    void aGatherOverEagerTasksThatFinishAtOnceIsDoneInsideTheCall() {
        // §5.1: if every child was already done (e.g. eager), the outer completes inside gather()
        runEager(() -> {
            Future<List<Integer>> g = Aio.gather(() -> 1, () -> 2);
            assertThat(g.done()).isTrue();
            assertThat(g.result()).containsExactly(1, 2);
            return null;
        });
    }

    @Test
    void fromALoopCallbackAnEagerTaskStartsLazily() {
        runEager(() -> {
            Future<Boolean> doneAtReturn = Aio.getRunningLoop().createFuture();
            Aio.getRunningLoop()
                    .callSoon(() -> doneAtReturn.setResult(
                            Aio.getRunningLoop().createTask(() -> 1).done()));
            assertThat(doneAtReturn.await()).isFalse();
            return null;
        });
    }

    @Test
    void eagerTasksRunInDebugModeToo() {
        int r = Aio.run(
                () -> {
                    Task<Integer> done = Aio.createTask(() -> 1);
                    Task<Integer> blocked = Aio.createTask(() -> Aio.sleep(Duration.ofMillis(5), 2));
                    assertThat(done.done()).isTrue();
                    assertThat(Aio.getRunningLoop().getDebug()).isTrue();
                    return done.await() + blocked.await();
                },
                RunOptions.defaults()
                        .withClock(VirtualClock.autojump())
                        .withSigintHandling(false)
                        .withDebug(true)
                        .withTaskFactory(TaskFactory.EAGER));
        assertThat(r).isEqualTo(3);
    }
}
