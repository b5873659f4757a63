package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aio4j.test.AioTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class TaskGroupTest {

    private static void sleepMs(long ms) {
        Aio.sleep(Duration.ofMillis(ms));
    }

    private static Set<Class<?>> errorTypes(TaskGroupException e) {
        return e.exceptions().stream().map(Object::getClass).collect(Collectors.toSet());
    }

    private static final class MyExc extends RuntimeException {
        MyExc() {
            super("my");
        }
    }

    // ---------------------------------------------------------------- success

    @Test
    void returnsWhenEveryChildIsDone() {
        // test_taskgroup_01
        List<Task<Integer>> tasks = new ArrayList<>();
        TaskGroup.run(tg -> {
            tasks.add(tg.createTask(() -> Aio.sleep(Duration.ofMillis(100), 42)));
            tasks.add(tg.createTask(() -> Aio.sleep(Duration.ofMillis(200), 11)));
        });
        assertThat(tasks.get(0).result()).isEqualTo(42);
        assertThat(tasks.get(1).result()).isEqualTo(11);
        assertThat(Aio.getRunningLoop().time()).isCloseTo(0.2, Offset.offset(1e-6));
    }

    @Test
    void callReturnsTheBodysValue() {
        int v = TaskGroup.call(tg -> {
            Task<Integer> a = tg.createTask(() -> 20);
            return a.await() + 22;
        });
        assertThat(v).isEqualTo(42);
    }

    @Test
    void childrenCanBeAddedWhileTheGroupWaits() {
        // test_taskgroup_23, test_taskgroup_24
        AtomicInteger finished = new AtomicInteger();
        TaskGroup.run(tg -> tg.createTask(() -> {
            sleepMs(100);
            tg.createTask(() -> {
                sleepMs(100);
                finished.incrementAndGet();
            });
            tg.createTask(() -> {
                sleepMs(200);
                finished.incrementAndGet();
            });
        }));
        assertThat(finished).hasValue(2);
        assertThat(Aio.getRunningLoop().time()).isCloseTo(0.3, Offset.offset(1e-6));
    }

    @Test
    void childTasksGetTheirNames() {
        // test_taskgroup_task_name
        TaskGroup.run(tg -> assertThat(
                        tg.createTask(() -> Aio.sleep(Duration.ZERO), "yolo").getName())
                .isEqualTo("yolo"));
    }

    // ---------------------------------------------------------------- child failures

    @Test
    void aChildFailureCancelsTheSiblingsAndTheBody() {
        // test_cancel_children_on_child_error
        AtomicBoolean siblingCancelled = new AtomicBoolean();
        AtomicBoolean bodyCancelled = new AtomicBoolean();
        AtomicInteger num = new AtomicInteger();
        TaskGroupException e = assertThrows(
                TaskGroupException.class,
                () -> TaskGroup.run(tg -> {
                    for (int i = 0; i < 3; i++) {
                        tg.createTask(() -> {
                            sleepMs(100);
                            throw new ArithmeticException("/ by zero");
                        });
                    }
                    tg.createTask(() -> {
                        try {
                            Aio.sleep(Duration.ofSeconds(5));
                        } catch (CancelledError c) {
                            siblingCancelled.set(true);
                            throw c;
                        }
                        num.incrementAndGet();
                    });
                    try {
                        Aio.sleep(Duration.ofSeconds(10));
                    } catch (CancelledError c) {
                        bodyCancelled.set(true);
                        throw c;
                    }
                    num.addAndGet(10);
                }));
        assertThat(errorTypes(e)).containsExactly(ArithmeticException.class);
        assertThat(e.exceptions()).hasSize(3); // all three fail in the same iteration
        assertThat(e.getSuppressed()).containsExactlyElementsOf(e.exceptions());
        assertThat(num).hasValue(0);
        assertThat(siblingCancelled).isTrue();
        assertThat(bodyCancelled).isTrue();
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @Test
    void aFailureDuringCancellationIsCollectedAsWell() {
        // test_taskgroup_08
        Task<Void> r = Aio.createTask(() -> TaskGroup.run(tg -> {
            for (int i = 0; i < 5; i++) {
                tg.createTask(() -> {
                    try {
                        Aio.sleep(Duration.ofSeconds(10));
                    } finally {
                        throw new ArithmeticException();
                    }
                });
            }
            Aio.sleep(Duration.ofSeconds(10));
        }));
        sleepMs(100);
        r.cancel();
        TaskGroupException e = assertThrows(TaskGroupException.class, r::await);
        assertThat(errorTypes(e)).containsExactly(ArithmeticException.class);
        assertThat(e.exceptions()).hasSize(5);
    }

    @Test
    void childrenCancelledBeforeTheirFirstStepNeverRun() {
        // §5.6 [run], test_taskgroup_10: the body fails right after creating them
        AtomicInteger started = new AtomicInteger();
        List<Task<Void>> children = new ArrayList<>();
        TaskGroupException e = assertThrows(
                TaskGroupException.class,
                () -> TaskGroup.run(tg -> {
                    for (int i = 0; i < 3; i++) {
                        children.add(tg.createTask(() -> {
                            started.incrementAndGet();
                        }));
                    }
                    throw new MyExc();
                }));
        assertThat(errorTypes(e)).containsExactly(MyExc.class);
        assertThat(started).hasValue(0);
        assertThat(children).allMatch(Future::cancelled);
    }

    @Test
    void errorsComeChildrenFirstThenTheBody() {
        // test_taskgroup_19
        TaskGroupException e = assertThrows(
                TaskGroupException.class,
                () -> TaskGroup.run(tg -> {
                    tg.createTask(() -> {
                        sleepMs(100);
                        throw new ArithmeticException();
                    });
                    try {
                        Aio.sleep(Duration.ofSeconds(10));
                    } finally {
                        throw new MyExc();
                    }
                }));
        assertThat(e.exceptions()).hasSize(2);
        assertThat(e.exceptions().get(0)).isInstanceOf(ArithmeticException.class);
        assertThat(e.exceptions().get(1)).isInstanceOf(MyExc.class);
        assertThat(e).hasMessage("unhandled errors in a TaskGroup (2 sub-exceptions)");
    }

    @Test
    void aBodyFailureCancelsTheChildren() {
        // test_taskgroup_09, test_taskgroup_10
        List<Task<Integer>> tasks = new ArrayList<>();
        TaskGroupException e = assertThrows(
                TaskGroupException.class,
                () -> TaskGroup.run(tg -> {
                    tasks.add(tg.createTask(() -> Aio.sleep(Duration.ofSeconds(1), 42)));
                    tasks.add(tg.createTask(() -> Aio.sleep(Duration.ofSeconds(2), 11)));
                    sleepMs(100);
                    throw new ArithmeticException();
                }));
        assertThat(errorTypes(e)).containsExactly(ArithmeticException.class);
        assertThat(tasks).allMatch(Future::cancelled);
    }

    @Test
    void aCheckedExceptionOfTheBodyIsCollectedAsItIs() {
        TaskGroupException e = assertThrows(
                TaskGroupException.class,
                () -> TaskGroup.run(tg -> {
                    throw new java.io.IOException("io");
                }));
        assertThat(e.exceptions()).singleElement().isInstanceOf(java.io.IOException.class);
    }

    @Test
    void nestedGroupsNestTheirExceptions() {
        // test_taskgroup_14, test_taskgroup_13
        TaskGroupException e = assertThrows(
                TaskGroupException.class,
                () -> TaskGroup.run(g1 -> {
                    g1.createTask(() -> {
                        sleepMs(10_000);
                        throw new IllegalArgumentException("10");
                    });
                    TaskGroup.run(g2 -> g2.createTask(() -> {
                        sleepMs(100);
                        throw new IllegalArgumentException("0.1");
                    }));
                }));
        assertThat(errorTypes(e)).containsExactly(TaskGroupException.class);
        assertThat(errorTypes((TaskGroupException) e.exceptions().get(0)))
                .containsExactly(IllegalArgumentException.class);

        TaskGroupException e2 = assertThrows(
                TaskGroupException.class,
                () -> TaskGroup.run(g1 -> {
                    g1.createTask(() -> {
                        sleepMs(100);
                        throw new IllegalArgumentException("0.1");
                    });
                    TaskGroup.run(g2 -> g2.createTask(() -> {
                        sleepMs(10_000);
                        throw new IllegalArgumentException("10");
                    }));
                }));
        assertThat(errorTypes(e2)).containsExactly(IllegalArgumentException.class);
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @Test
    void anErrorIsRethrownAsItIsAndTheOtherFailuresDropped() {
        // test_taskgroup_20 (KeyboardInterrupt there, any JVM Error here)
        assertThatThrownBy(() -> TaskGroup.run(tg -> {
                    tg.createTask(() -> {
                        sleepMs(100);
                        throw new ArithmeticException();
                    });
                    try {
                        Aio.sleep(Duration.ofSeconds(10));
                    } finally {
                        throw new StackOverflowError("deep");
                    }
                }))
                .isInstanceOf(StackOverflowError.class)
                .hasMessage("deep");
        assertThatThrownBy(() -> TaskGroup.run(tg -> tg.createTask(() -> {
                    throw new OutOfMemoryError("child");
                })))
                .isInstanceOf(OutOfMemoryError.class)
                .hasMessage("child");
    }

    @Test
    void createTaskFailsOnceTheGroupIsShuttingDown() {
        // test_taskgroup_no_create_task_after_failure
        AtomicReference<Throwable> refused = new AtomicReference<>();
        TaskGroupException e = assertThrows(
                TaskGroupException.class,
                () -> TaskGroup.run(tg -> {
                    tg.createTask(() -> {
                        sleepMs(1);
                        throw new ArithmeticException();
                    });
                    tg.createTask(() -> {
                        try {
                            Aio.sleep(Duration.ofSeconds(1));
                        } catch (CancelledError c) {
                            refused.set(org.junit.jupiter.api.Assertions.assertThrows(
                                    IllegalStateException.class, () -> tg.createTask(() -> 1)));
                        }
                    });
                }));
        assertThat(errorTypes(e)).containsExactly(ArithmeticException.class);
        assertThat(refused.get())
                .hasMessageStartingWith("createTask() on an aborting group: TaskGroup[tasks=")
                .hasMessageEndingWith(", aborting]");
    }

    @Test
    void createTaskFailsAfterTheGroupFinished() {
        // test_taskgroup_finished, test_coro_closed_when_tg_closed
        AtomicReference<TaskGroup> escaped = new AtomicReference<>();
        TaskGroup.run(escaped::set);
        assertThatThrownBy(() -> escaped.get().createTask(() -> 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("createTask() on a finished group: TaskGroup[tasks=0, finished]");
    }

    @Test
    void aGroupNeedsATask() {
        // test_taskgroup_without_parent_task
        Future<Throwable> seen = Aio.getRunningLoop().createFuture();
        Aio.getRunningLoop().callSoon(() -> {
            try {
                TaskGroup.run(tg -> {});
                seen.setResult(null);
            } catch (Throwable t) {
                seen.setResult(t);
            }
        });
        assertThat(seen.await()).isInstanceOf(IllegalStateException.class).hasMessageContaining("task");
    }

    @Test
    void aFailureWhileLeavingAnInnerScopeIsCollectedAndCancellingReturnsToZero() {
        // test_taskgroup_context_manager_exit_raises
        Task<Void> main = Aio.createTask(() -> {
            TaskGroupException e = assertThrows(
                    TaskGroupException.class,
                    () -> TaskGroup.run(tg -> {
                        try {
                            tg.createTask(() -> {
                                throw new MyExc();
                            });
                            Aio.sleep(Duration.ofSeconds(1));
                        } finally {
                            throw new MyExc();
                        }
                    }));
            assertThat(Aio.currentTask().cancelling()).isZero();
            assertThat(e.exceptions()).hasSize(2);
        });
        main.await();
    }

    // ---------------------------------------------------------------- external cancellation

    @Test
    void externalCancellationCancelsEveryChildAndPropagates() {
        // test_cancellation, test_taskgroup_07, test_taskgroup_17, test_taskgroup_22
        AtomicInteger num = new AtomicInteger();
        Task<Void> r = Aio.createTask(() -> TaskGroup.run(tg -> {
            for (int i = 0; i < 5; i++) {
                tg.createTask(() -> {
                    try {
                        Aio.sleep(Duration.ofSeconds(5));
                    } catch (CancelledError c) {
                        num.incrementAndGet();
                        throw c;
                    }
                });
            }
            try {
                Aio.sleep(Duration.ofSeconds(10));
            } catch (CancelledError c) {
                num.addAndGet(10);
                throw c;
            }
        }));
        sleepMs(100);
        assertThat(r.done()).isFalse();
        r.cancel();
        assertThatThrownBy(r::await).isInstanceOf(CancelledError.class);
        assertThat(r.cancelled()).isTrue();
        assertThat(num).hasValue(15);
    }

    @Test
    void externalCancellationWhileTheGroupWaitsCancelsTheChildren() {
        List<Task<Integer>> children = new ArrayList<>();
        Task<Void> r = Aio.createTask(() -> TaskGroup.run(tg -> {
            children.add(tg.createTask(() -> Aio.sleep(Duration.ofSeconds(1), 42)));
            children.add(tg.createTask(() -> Aio.sleep(Duration.ofSeconds(2), 11)));
        }));
        sleepMs(50);
        r.cancel();
        assertThatThrownBy(r::await).isInstanceOf(CancelledError.class);
        assertThat(children).allMatch(Future::cancelled);
    }

    @Test
    void aBodyTurningTheCancellationIntoAnErrorGivesAGroupException() {
        // test_taskgroup_18
        Task<Void> r = Aio.createTask(() -> TaskGroup.run(tg -> {
            try {
                Aio.sleep(Duration.ofSeconds(10));
            } catch (CancelledError c) {
                throw new MyExc();
            }
        }));
        sleepMs(100);
        r.cancel();
        TaskGroupException e = assertThrows(TaskGroupException.class, r::await);
        assertThat(errorTypes(e)).containsExactly(MyExc.class);
    }

    @Test
    void failuresWinOverAnExternalCancellationWhichStaysPending() {
        // test_taskgroup_15, test_taskgroup_16
        AtomicInteger cancellingAfter = new AtomicInteger(-1);
        AtomicBoolean nextWaitCancelled = new AtomicBoolean();
        Task<Void> r = Aio.createTask(() -> {
            try {
                TaskGroup.run(tg -> {
                    tg.createTask(() -> {
                        sleepMs(300);
                        throw new ArithmeticException();
                    });
                    try {
                        Aio.sleep(Duration.ofSeconds(10));
                    } catch (CancelledError c) {
                        sleepMs(500);
                        throw c;
                    }
                });
            } catch (TaskGroupException e) {
                cancellingAfter.set(Aio.currentTask().cancelling());
                try {
                    Aio.sleep(Duration.ofSeconds(1));
                } catch (CancelledError c) {
                    nextWaitCancelled.set(true);
                }
                throw e;
            }
        });
        sleepMs(100);
        r.cancel();
        TaskGroupException e = assertThrows(TaskGroupException.class, r::await);
        assertThat(errorTypes(e)).containsExactly(ArithmeticException.class);
        assertThat(cancellingAfter).hasValue(1);
        assertThat(nextWaitCancelled).isTrue();
    }

    @Test
    void aGroupCancelledBetweenWaitsStillFailsWithItsChildrensErrors() {
        // Found by the randomized test: the cancellation of a task that is between waits also
        // interrupts its thread; once delivered, it must not turn a later failure into a cancellation.
        Task<Void> inner = Aio.createTask(() -> TaskGroup.run(tg -> {
            tg.createTask(() -> {
                try {
                    Aio.sleep(Duration.ofSeconds(1));
                } finally {
                    throw new MyExc();
                }
            });
            Aio.sleep(Duration.ZERO);
            Aio.sleep(Duration.ZERO);
        }));
        Aio.sleep(Duration.ZERO); // inner and its child start; inner yields
        inner.cancel();
        TaskGroupException e = assertThrows(TaskGroupException.class, inner::await);
        assertThat(errorTypes(e)).containsExactly(MyExc.class);
        assertThat(inner.cancelled()).isFalse();
    }

    @Test
    void anErrorAndAnExternalCancelKeepTheCancellingLevel() {
        // test_error_and_cancel
        Future<Void> event = Aio.getRunningLoop().createFuture();
        AtomicInteger levelInHandler = new AtomicInteger(-1);
        AtomicBoolean sleptAfterGroup = new AtomicBoolean();
        Task<Void> t = Aio.createTask(() -> {
            try {
                TaskGroup.run(tg -> {
                    tg.createTask(() -> {
                        event.setResult(null);
                        Aio.sleep(Duration.ZERO);
                        throw new IllegalStateException();
                    });
                    Aio.sleep(Duration.ofSeconds(1));
                    throw new AssertionError("Sleep in group should have been cancelled");
                });
            } catch (TaskGroupException e) {
                levelInHandler.set(Aio.currentTask().cancelling());
            }
            Aio.sleep(Duration.ofSeconds(1));
            sleptAfterGroup.set(true);
        });
        event.await();
        assertThat(t.cancelling()).isZero();
        t.cancel();
        assertThat(t.cancelling()).isEqualTo(1);
        assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(levelInHandler).hasValue(1);
        assertThat(sleptAfterGroup).isFalse();
    }

    @Test
    void aGroupFailureLeavesTheCancellingLevelAtZero() {
        // test_cancelling_level_preserved
        assertThrows(
                TaskGroupException.class,
                () -> TaskGroup.run(tg -> tg.createTask(() -> {
                    Aio.sleep(Duration.ZERO);
                    throw new IllegalStateException();
                })));
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @Test
    void nestedGroupsBothCancelledRestoreTheLevelStepByStep() {
        // test_nested_groups_both_cancelled
        AtomicInteger between = new AtomicInteger(-1);
        TaskGroupException outer = assertThrows(
                TaskGroupException.class,
                () -> TaskGroup.run(outerTg -> {
                    TaskGroupException inner = assertThrows(
                            TaskGroupException.class,
                            () -> TaskGroup.run(innerTg -> {
                                innerTg.createTask(() -> {
                                    Aio.sleep(Duration.ZERO);
                                    throw new IllegalStateException();
                                });
                                outerTg.createTask(() -> {
                                    Aio.sleep(Duration.ZERO);
                                    throw new IllegalArgumentException();
                                });
                            }));
                    assertThat(errorTypes(inner)).containsExactly(IllegalStateException.class);
                    between.set(Aio.currentTask().cancelling());
                }));
        assertThat(errorTypes(outer)).containsExactly(IllegalArgumentException.class);
        assertThat(between).hasValue(1);
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @Test
    void toStringShowsTasksErrorsAndState() {
        TaskGroup.run(tg -> {
            tg.createTask(() -> Aio.sleep(Duration.ofMillis(1)));
            assertThat(tg.toString()).isEqualTo("TaskGroup[tasks=1, entered]");
        });
    }

    @Test
    void toStringNamesTheStatesOfTheLifecycleDiagram() {
        AtomicReference<TaskGroup> group = new AtomicReference<>();
        List<String> seen = new ArrayList<>();
        TaskGroup.run(tg -> {
            group.set(tg);
            seen.add(tg.toString());
            tg.createTask(() -> {
                Aio.sleep(Duration.ofMillis(1)); // the body has returned meanwhile
                seen.add(tg.toString());
            });
        });
        seen.add(group.get().toString());
        assertThat(seen)
                .containsExactly(
                        "TaskGroup[tasks=0, entered]", "TaskGroup[tasks=1, exiting]", "TaskGroup[tasks=0, finished]");
    }

    @Test
    void hydrasKeepTheGroupBusyUntilHerculesFails() {
        // test_taskgroup_25
        AtomicInteger hydras = new AtomicInteger();
        class Hydra {
            void spawn(TaskGroup g) {
                g.createTask(() -> {
                    hydras.incrementAndGet();
                    sleepMs(10);
                    spawn(g);
                    spawn(g);
                });
            }
        }
        TaskGroupException e = assertThrows(
                TaskGroupException.class,
                () -> TaskGroup.run(g -> {
                    new Hydra().spawn(g);
                    g.createTask(() -> {
                        while (hydras.get() < 10) {
                            sleepMs(15);
                        }
                        throw new ArithmeticException();
                    });
                }));
        assertThat(errorTypes(e)).containsExactly(ArithmeticException.class);
        assertThat(hydras.get()).isGreaterThanOrEqualTo(10);
    }
}
