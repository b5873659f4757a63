package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.queue.Queue;
import dev.aio4j.sync.Held;
import dev.aio4j.sync.Lock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The task tree shows every unfinished task with what it waits on and who awaits it, from the
 * edges the library records at each wait, as a tree and as a table, from the loop or from
 * another thread.
 */
class TaskTreeTest {

    @Test
    void aGatherOfTasksHangsUnderTheTaskThatAwaitsIt() {
        TaskTree tree = runReal(() -> {
            Aio.currentTask().setName("main");
            Future<Void> never = Aio.getRunningLoop().createFuture();
            Task<Void> sleeper = Aio.createTask(() -> Aio.sleep(Duration.ofSeconds(30), (Void) null), "sleeper");
            Task<Void> waiter = Aio.createTask(never::await, "waiter");
            Task<Object> inspector = Aio.createTask(
                    () -> {
                        Aio.getRunningLoop().waitAllTasksBlocked();
                        TaskTree t = Aio.getRunningLoop().taskTree();
                        sleeper.cancel();
                        waiter.cancel();
                        return t;
                    },
                    "inspector");
            Aio.gatherReturnExceptions(sleeper, waiter).await();
            return (TaskTree) inspector.await();
        });
        TaskTree.Node main = tree.task("main");
        TaskTree.Node sleeper = tree.task("sleeper");
        TaskTree.Node waiter = tree.task("waiter");
        assertThat(main.state()).isEqualTo(TaskTree.TaskState.WAITING);
        assertThat(main.waitingOn()).startsWith("Gather[pending, children=2");
        assertThat(main.awaits()).containsExactly(sleeper.id(), waiter.id());
        assertThat(sleeper.awaitedBy()).containsExactly(main.id());
        assertThat(sleeper.waitingOn()).matches("a timer due in (29|30)\\.\\ds \\(loop time \\d+\\.\\d{3}\\)");
        assertThat(waiter.waitingOn()).isEqualTo("Future[pending]");
        assertThat(tree.task("inspector").state()).isEqualTo(TaskTree.TaskState.RUNNING);
        assertThat(tree.task("inspector").awaitedBy()).isEmpty();

        String text = tree.toTreeString(false);
        assertThat(text).startsWith("EventLoop[");
        assertThat(text)
                .containsPattern("└── \\(T\\) main  waiting \\d+ms  waits for Gather\\[pending")
                .containsPattern("\\n    ├── \\(T\\) sleeper  waiting \\d+ms  waits for a timer due in (29|30)\\.")
                .containsPattern("\\n    └── \\(T\\) waiter  waiting \\d+ms  waits for Future\\[pending\\]")
                .containsPattern("\\n└── \\(T\\) inspector  running \\d+ms\\n");

        String table = tree.toTable();
        assertThat(table.lines().skip(1).findFirst().orElseThrow())
                .matches("id +name +state +age +waits for +awaited by");
        assertThat(table)
                .containsPattern("\\n" + sleeper.id() + " +sleeper +waiting +\\d+ms +a timer due in .* +main\\n");
    }

    @Test
    void aTaskAwaitingAnotherTaskNamesIt() {
        TaskTree tree = runReal(() -> {
            Task<Void> child = Aio.createTask(() -> Aio.sleep(Duration.ofSeconds(30), (Void) null), "child");
            Task<Void> parent = Aio.createTask(child::await, "parent");
            Aio.getRunningLoop().waitAllTasksBlocked();
            TaskTree t = Aio.getRunningLoop().taskTree();
            parent.cancel();
            return t;
        });
        assertThat(tree.task("parent").waitingOn()).isEqualTo("task \"child\"");
        assertThat(tree.task("parent").awaits())
                .containsExactly(tree.task("child").id());
        assertThat(tree.toTreeString(false)).containsPattern("└── \\(T\\) parent .*\\n    └── \\(T\\) child ");
    }

    @Test
    void aTaskGroupsChildrenHangUnderTheParentWaitingInTheGroupsExit() {
        TaskTree tree = runReal(TaskTreeTest::snapshotOfExitingGroup);
        TaskTree.Node parent = tree.task("parent");
        assertThat(parent.waitingOn()).startsWith("TaskGroup[");
        assertThat(parent.awaits())
                .containsExactly(tree.task("a").id(), tree.task("b").id());
        assertThat(tree.task("a").awaitedBy()).containsExactly(parent.id());
    }

    /** A group whose parent waits in the group's exit while its children run. */
    private static TaskTree snapshotOfExitingGroup() {
        return TaskGroup.call(tg -> {
                    Aio.currentTask().setName("parent");
                    Task<Void> a = tg.createTask(() -> Aio.sleep(Duration.ofSeconds(30), (Void) null), "a");
                    Task<TaskTree> b = tg.createTask(
                            () -> {
                                Aio.getRunningLoop().waitAllTasksBlocked();
                                TaskTree t = Aio.getRunningLoop().taskTree();
                                a.cancel();
                                return t;
                            },
                            "b");
                    return b;
                })
                .result();
    }

    @Test
    void anotherThreadGetsTheTreeThroughTheLoop() throws Exception {
        CompletableFuture<EventLoop> running = new CompletableFuture<>();
        CompletableFuture<TaskTree> fromOutside = new CompletableFuture<>();
        Thread outsider = Thread.ofPlatform().start(() -> {
            try {
                fromOutside.complete(running.get(30, TimeUnit.SECONDS).taskTree(true));
            } catch (Throwable t) {
                fromOutside.completeExceptionally(t);
            }
        });
        runReal(() -> {
            Aio.currentTask().setName("main");
            running.complete(Aio.getRunningLoop());
            return Aio.await(fromOutside);
        });
        outsider.join();
        TaskTree.Node main = fromOutside.get().task("main");
        assertThat(main.state()).isEqualTo(TaskTree.TaskState.WAITING);
        // The stack starts at the library call the task waits in and ends at its body.
        assertThat(main.stack().get(0).getMethodName()).isEqualTo("await");
        assertThat(main.stack()).anyMatch(f -> f.getClassName().startsWith(TaskTreeTest.class.getName()));
        assertThat(main.stack()).noneMatch(f -> f.getClassName().startsWith("dev.aio4j.internal."));
    }

    @Test
    void aStoppedLoopGivesItsTreeAtOnce() {
        try (Runner runner = new Runner(RunOptions.defaults().withSigintHandling(false))) {
            EventLoop loop = runner.getLoop();
            Task<Void> parked = loop.createTask(
                    () -> {
                        loop.createFuture().await();
                        return null;
                    },
                    "parked");
            runner.run(() -> Aio.sleep(Duration.ZERO, null));
            TaskTree tree = loop.taskTree();
            assertThat(tree.tasks()).extracting(TaskTree.Node::name).containsExactly("parked");
            assertThat(tree.toTable()).contains("parked").contains("Future[pending]");
            assertThat(parked.done()).isFalse();
        }
    }

    /**
     * Lock and Queue waits show the primitive (and a lock its holder) once their waits record
     * it in the strand; until then the task shows the future it is parked on.
     */
    @Test
    void lockAndQueueWaitsShowThePrimitiveWhenRecorded() {
        TaskTree tree = runReal(() -> {
            Lock lock = new Lock();
            Queue<String> queue = new Queue<>();
            Held held = lock.acquire();
            Task<Void> blocked = Aio.createTask(
                    () -> {
                        try (Held h = lock.acquire()) {
                            return null;
                        }
                    },
                    "locker");
            Task<String> getter = Aio.createTask(queue::get, "getter");
            Aio.currentTask().setName("holder");
            Task<TaskTree> inspector = Aio.createTask(
                    () -> {
                        Aio.getRunningLoop().waitAllTasksBlocked();
                        return Aio.getRunningLoop().taskTree();
                    },
                    "inspector");
            TaskTree t = inspector.await();
            held.close();
            getter.cancel();
            blocked.await();
            return t;
        });
        TaskTree.Node locker = tree.task("locker");
        TaskTree.Node getter = tree.task("getter");
        assertThat(locker.state()).isEqualTo(TaskTree.TaskState.WAITING);
        assertThat(getter.state()).isEqualTo(TaskTree.TaskState.WAITING);
        if (locker.waitingOn().startsWith("Lock[")) {
            assertThat(locker.waitingOn()).startsWith("Lock[locked, waiters=1]@");
            assertThat(locker.heldBy()).isEqualTo(tree.task("holder").id());
            assertThat(tree.toTreeString(false)).contains("held by \"holder\"");
        } else {
            assertThat(locker.waitingOn()).isEqualTo("Future[pending]");
        }
        if (getter.waitingOn().startsWith("Queue")) {
            assertThat(getter.waitingOn()).contains("@");
        } else {
            assertThat(getter.waitingOn()).isEqualTo("Future[pending]");
        }
    }

    @Test
    void agesAreShownInTheLargestUsefulUnit() {
        assertThat(TaskTree.formatAge(Duration.ofMillis(850))).isEqualTo("850ms");
        assertThat(TaskTree.formatAge(Duration.ofMillis(2_140))).isEqualTo("2.1s");
        assertThat(TaskTree.formatAge(Duration.ofSeconds(192))).isEqualTo("3m12s");
        assertThat(TaskTree.formatAge(Duration.ofMinutes(303))).isEqualTo("5h03m");
    }

    @Test
    void anEdgeToAnUnknownTaskIsRefused() {
        TaskTree.Node n = new TaskTree.Node(
                1, "a", TaskTree.TaskState.WAITING, Duration.ZERO, "x", List.of(2L), List.of(), null, List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TaskTree("loop", List.of(n)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task 1 awaits unknown task 2");
    }
}
