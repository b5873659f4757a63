package dev.aio4j;

import static dev.aio4j.TestSupport.captureLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.aio4j.queue.Queue;
import dev.aio4j.sync.Barrier;
import dev.aio4j.sync.Held;
import dev.aio4j.sync.Lock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The deadlock detector reports tasks that can never wake, once, with the cycle when there is
 * one and every waiting task's stack; it fails the run when asked (debug mode, tests) and
 * never fires while something outside the tasks can still wake one: a watched socket, a
 * timer, a thread, a callback handed over from another thread.
 */
class DeadlockDetectorTest {

    /** Short, so that the tests that deadlock end quickly; the quiet ones last several times longer. */
    private static final Duration GRACE = Duration.ofMillis(200);
    /** How long the programs that must not be reported keep waiting: well past the grace. */
    private static final Duration QUIET_WAIT = Duration.ofMillis(900);

    /** Runs {@code main} on a loop that fails on a deadlock after {@link #GRACE}. */
    private static <T> T runFailing(Callable<T> main) {
        return runFailing(main, GRACE);
    }

    private static <T> T runFailing(Callable<T> main, Duration grace) {
        try (Runner runner = new Runner(RunOptions.defaults().withSigintHandling(false))) {
            runner.getLoop().setFailOnDeadlock(true);
            runner.getLoop().setDeadlockGrace(grace);
            return runner.run(main);
        }
    }

    // ------------------------------------------------------------------ deadlocks

    @Test
    void twoTasksAwaitingEachOtherAreNamedAsACycle() {
        DeadlockError e = catchThrowableOfType(
                DeadlockError.class,
                () -> runFailing(() -> {
                    AtomicReference<Task<Void>> bRef = new AtomicReference<>();
                    Task<Void> a = Aio.createTask(() -> bRef.get().await(), "a");
                    Task<Void> b = Aio.createTask(a::await, "b");
                    bRef.set(b);
                    return a.await();
                }));
        assertThat(e).isNotNull();
        assertThat(e.cycle()).containsExactly("a", "b");
        assertThat(e.getMessage())
                .startsWith("Deadlock: every task of EventLoop[")
                .contains("Cycle: task \"a\" awaits task \"b\"; task \"b\" awaits task \"a\".")
                .containsPattern("  task \"Task-\\d+\" \\(\\d+ms old\\) waits for task \"a\"\n");
        assertThat(e.getMessage()).contains("at dev.aio4j.DeadlockDetectorTest.lambda$");
        assertThat(e.taskTree().tasks()).hasSize(3);
    }

    @Test
    void twoLocksTakenInOppositeOrderAreReportedWithBothTasksStacks() {
        DeadlockError e = catchThrowableOfType(
                DeadlockError.class,
                () -> runFailing(() -> {
                    Lock first = new Lock();
                    Lock second = new Lock();
                    Task<Void> a = Aio.createTask(() -> takeBoth(first, second), "a");
                    Task<Void> b = Aio.createTask(() -> takeBoth(second, first), "b");
                    return Aio.gather(a, b).await();
                }));
        assertThat(e).isNotNull();
        String report = e.getMessage();
        assertThat(report)
                .contains("  task \"a\"")
                .contains("  task \"b\"")
                .contains("at dev.aio4j.sync.Lock.acquire(")
                .contains("at dev.aio4j.DeadlockDetectorTest.takeBoth(");
        if (e.taskTree().task("a").heldBy() != null) {
            // Lock waits record the lock: the detector follows it to its holder.
            assertThat(e.cycle()).containsExactlyInAnyOrder("a", "b");
            assertThat(report)
                    .containsPattern("task \"a\" waits for Lock\\[locked, waiters=1\\]@\\p{XDigit}+ held by task \"b\"")
                    .containsPattern(
                            "task \"b\" waits for Lock\\[locked, waiters=1\\]@\\p{XDigit}+ held by task \"a\"");
        } else {
            assertThat(report).contains("No cycle");
        }
    }

    /** What a lock's wait records once lock waits record it; here the test records it itself. */
    @Test
    void aRecordedLockWaitIsFollowedToItsHolderAndTheCycleNamed() {
        DeadlockError e = catchThrowableOfType(
                DeadlockError.class,
                () -> runFailing(() -> {
                    Lock first = new Lock();
                    Lock second = new Lock();
                    Task<Void> a = Aio.createTask(() -> takeBothRecorded(first, second), "a");
                    Task<Void> b = Aio.createTask(() -> takeBothRecorded(second, first), "b");
                    return Aio.gather(a, b).await();
                }));
        assertThat(e).isNotNull();
        assertThat(e.cycle()).containsExactly("a", "b");
        assertThat(e.getMessage())
                .containsPattern(
                        "Cycle: task \"a\" waits for Lock\\[locked, waiters=1\\]@\\p{XDigit}+ held by"
                                + " task \"b\"; task \"b\" waits for Lock\\[locked, waiters=1\\]@\\p{XDigit}+ held by task \"a\"\\.");
        assertThat(e.taskTree().task("a").heldBy())
                .isEqualTo(e.taskTree().task("b").id());
    }

    private static Void takeBothRecorded(Lock one, Lock other) {
        try (Held h1 = one.acquire()) {
            Aio.sleep(Duration.ZERO);
            Task.current().strand.waitingFor = other;
            try (Held h2 = other.acquire()) {
                return null;
            } finally {
                Task.current().strand.waitingFor = null;
            }
        }
    }

    private static Void takeBoth(Lock one, Lock other) {
        try (Held h1 = one.acquire()) {
            Aio.sleep(Duration.ZERO); // let the other task take its first lock
            try (Held h2 = other.acquire()) {
                return null;
            }
        }
    }

    @Test
    void aQueueGetWithNoProducerLeftIsReported() {
        DeadlockError e = catchThrowableOfType(
                DeadlockError.class,
                () -> runFailing(() -> {
                    Queue<Integer> queue = new Queue<>();
                    Aio.createTask(
                            () -> {
                                queue.put(1);
                                queue.put(2);
                                return null;
                            },
                            "producer");
                    Task<Integer> consumer = Aio.createTask(() -> queue.get() + queue.get() + queue.get(), "consumer");
                    return consumer.await();
                }));
        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .contains("No cycle")
                .contains("  task \"consumer\"")
                .contains("at dev.aio4j.queue.Queue.get(")
                .doesNotContain("task \"producer\"");
    }

    @Test
    void awaitingAFutureNobodyCompletesIsReportedInDebugMode() {
        assertThatThrownBy(() -> {
                    try (Runner runner = new Runner(
                            RunOptions.defaults().withSigintHandling(false).withDebug(true))) {
                        runner.getLoop().setDeadlockGrace(GRACE);
                        runner.run(() -> {
                            Aio.currentTask().setName("main");
                            return Aio.getRunningLoop().createFuture().await();
                        });
                    }
                })
                .isInstanceOf(DeadlockError.class)
                .hasMessageContaining("  task \"main\" (")
                .hasMessageContaining(" waits for Future[pending]")
                .hasMessageContaining("at dev.aio4j.Future.await(");
    }

    @Test
    void aBarrierShortOfPartiesIsReported() {
        DeadlockError e = catchThrowableOfType(
                DeadlockError.class,
                () -> runFailing(() -> {
                    Barrier barrier = new Barrier(3);
                    Task<Integer> a = Aio.createTask(barrier::await, "party-a");
                    Task<Integer> b = Aio.createTask(barrier::await, "party-b");
                    return Aio.gather(a, b).await();
                }));
        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .contains("  task \"party-a\"")
                .contains("  task \"party-b\"")
                .contains("at dev.aio4j.sync.Barrier.await(");
    }

    @Test
    void joiningAQueueWhoseConsumersDiedIsReported() {
        DeadlockError e = catchThrowableOfType(
                DeadlockError.class,
                () -> runFailing(() -> {
                    Queue<String> jobs = new Queue<>();
                    for (int i = 0; i < 3; i++) {
                        jobs.putNowait("job" + i);
                    }
                    Task<Void> consumer = Aio.createTask(
                            () -> {
                                jobs.get();
                                throw new IllegalStateException("consumer crashed before taskDone()");
                            },
                            "consumer");
                    Aio.currentTask().setName("joiner");
                    jobs.join();
                    return consumer.await();
                }));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("  task \"joiner\"").contains("at dev.aio4j.queue.Queue.join(");
    }

    @Test
    void withoutFailingTheReportIsLoggedOnceAndTheProgramMayStillRecover() throws Exception {
        AtomicReference<EventLoop> loopRef = new AtomicReference<>();
        AtomicReference<Future<String>> pending = new AtomicReference<>();
        List<String> log = captureLog(() -> {
            try (Runner runner = new Runner(RunOptions.defaults().withSigintHandling(false))) {
                runner.getLoop().setDeadlockGrace(GRACE);
                loopRef.set(runner.getLoop());
                // Another thread rescues the stuck task long after the report (the loop cannot know it would).
                Thread rescuer = Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(GRACE.toMillis() * 6);
                        loopRef.get().callSoonThreadsafe(() -> pending.get().setResult("rescued"));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                String result = runner.run(() -> {
                    Future<String> f = Aio.getRunningLoop().createFuture();
                    pending.set(f);
                    return f.await();
                });
                assertThat(result).isEqualTo("rescued");
                try {
                    rescuer.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        assertThat(log.stream().filter(m -> m.startsWith("Deadlock:"))).hasSize(1);
    }

    // ------------------------------------------------------------------ never while something can still wake a task

    @Test
    void aTaskWaitingForARealSocketIsNeverReported() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            Thread client = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(QUIET_WAIT.toMillis());
                    try (SocketChannel c = SocketChannel.open(address)) {
                        c.write(ByteBuffer.wrap(new byte[] {42}));
                    }
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            String got = runFailing(() -> {
                EventLoop loop = Aio.getRunningLoop();
                Future<SocketChannel> accepted = loop.createFuture();
                loop.addReader(server, () -> {
                    try {
                        SocketChannel c = server.accept();
                        if (c != null && !accepted.done()) {
                            accepted.setResult(c);
                        }
                    } catch (IOException e) {
                        accepted.setException(e);
                    }
                });
                try (SocketChannel c = accepted.await()) {
                    loop.removeReader(server);
                    c.configureBlocking(false);
                    Future<Integer> read = loop.createFuture();
                    ByteBuffer buf = ByteBuffer.allocate(1);
                    loop.addReader(c, () -> {
                        try {
                            if (c.read(buf) != 0 && !read.done()) {
                                read.setResult((int) buf.get(0));
                            }
                        } catch (IOException e) {
                            read.setException(e);
                        }
                    });
                    int value = read.await();
                    loop.removeReader(c);
                    return "read " + value;
                }
            });
            client.join();
            assertThat(got).isEqualTo("read 42");
        }
    }

    @Test
    void aTaskWaitingForATimerIsNeverReported() {
        assertThat(runFailing(() -> Aio.sleep(QUIET_WAIT, "slept"))).isEqualTo("slept");
    }

    @Test
    void aTaskWaitingForAThreadIsNeverReported() {
        assertThat(runFailing(() -> Aio.toThread(() -> {
                    Thread.sleep(QUIET_WAIT.toMillis());
                    return "done";
                })))
                .isEqualTo("done");
    }

    @Test
    void aThreadAnnouncedWithExternalStartedKeepsTheDetectorQuiet() throws Exception {
        assertThat(runFailing(() -> {
                    EventLoop loop = Aio.getRunningLoop();
                    Future<String> answer = loop.createFuture();
                    loop.externalStarted();
                    Thread.ofPlatform().start(() -> {
                        try {
                            Thread.sleep(QUIET_WAIT.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        loop.callSoonThreadsafe(() -> {
                            loop.externalDone();
                            answer.setResult("answered");
                        });
                    });
                    return answer.await();
                }))
                .isEqualTo("answered");
    }

    /**
     * A callback another thread hands over with callSoonThreadsafe, unannounced, within the grace
     * (the default second) is never mistaken for a deadlock.
     */
    @Test
    void aCallbackFromAnotherThreadWithinTheGraceIsNeverReported() {
        Duration grace = Duration.ofNanos(DeadlockDetector.DEFAULT_GRACE_NANOS);
        assertThat(runFailing(
                        () -> {
                            EventLoop loop = Aio.getRunningLoop();
                            Future<String> answer = loop.createFuture();
                            Thread.ofPlatform().start(() -> {
                                try {
                                    Thread.sleep(grace.toMillis() / 3);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                loop.callSoonThreadsafe(() -> answer.setResult("called back"));
                            });
                            return answer.await();
                        },
                        grace))
                .isEqualTo("called back");
    }
}
