package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Callbacks and task steps share one ready order, asyncio's: each expected trace below is what
 * CPython 3.13 prints for the same program (the Python version is quoted in each test).
 */
class ReadyOrderTest {

    // ------------------------------------------------------------------ CPython's own tests

    /** test_waitfor.py test_cancel_wait_for (bpo-23219): cancelling the wait cancels the task. */
    @Test
    void cancellingAWaitForTaskBeforeItsFirstStepCancelsTheTaskItAwaits() {
        for (Duration timeout : new Duration[] {Duration.ofSeconds(60), null}) {
            boolean taskCancelled = runReal(() -> {
                EventLoop loop = Aio.getRunningLoop();
                Task<Void> task = Aio.createTask(() -> {
                    loop.createFuture().await(); // never set
                });
                Task<Void> wait = Aio.createTask(() -> {
                    Aio.waitFor(task, timeout);
                });
                loop.callSoon(() -> wait.cancel());
                assertThatThrownBy(wait::await).isInstanceOf(CancelledError.class);
                return task.cancelled();
            });
            assertThat(taskCancelled).as("timeout %s", timeout).isTrue();
        }
    }

    /** test_tasks.py test_cancel_gather_1 (bpo-26923): a gather whose children are done refuses. */
    @Test
    void gatherRefusesCancellationOnceItsChildIsDoneAndReturnsItsResult() {
        try (EventLoop loop = EventLoop.newEventLoop()) {
            Future<Integer> fut = loop.createFuture();
            // The child task in between: otherwise the gather would be done with fut.
            Future<List<Integer>> gather = loop.runUntilComplete(() -> Aio.gather(() -> fut.await()));
            boolean[] cancelResult = {true};
            fut.addDoneCallback(f -> cancelResult[0] = gather.cancel());
            fut.setResult(42); // the child resumes before the cancelling callback runs

            List<Integer> result = loop.runUntilComplete(gather);

            assertThat(cancelResult[0]).isFalse();
            assertThat(gather.cancelled()).isFalse();
            assertThat(result).containsExactly(42);
        }
    }

    // ------------------------------------------------------------------ first step before a due timer

    /**
     * <pre>
     * t = asyncio.create_task(body()); loop.call_later(0, t.cancel); await t
     * -&gt; ['body-start', 'body-cancelled', 'main-saw-cancel']
     * </pre>
     */
    @Test
    void aTaskCreatedJustBeforeAnAlreadyDueTimerRunsItsFirstStepFirst() {
        List<String> trace = runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<String> out = new ArrayList<>();
            Task<Void> t = Aio.createTask(() -> sleepLongRecording(out));
            loop.callLater(Duration.ZERO, () -> t.cancel());
            try {
                t.await();
            } catch (CancelledError e) {
                out.add("main-saw-cancel");
            }
            return out;
        });
        assertThat(trace).containsExactly("body-start", "body-cancelled", "main-saw-cancel");
    }

    /**
     * <pre>
     * t = asyncio.create_task(body()); await asyncio.wait_for(t, 1e-9)
     * -&gt; ['body-start', 'body-cancelled', 'timeout', 'cancelled=True']
     * </pre>
     */
    @Test
    void aShortWaitForOnAJustCreatedTaskLetsItsBodyStart() {
        List<String> trace = runReal(() -> {
            List<String> out = new ArrayList<>();
            Task<Void> t = Aio.createTask(() -> sleepLongRecording(out));
            try {
                Aio.waitFor(t, Duration.ofNanos(1));
            } catch (TimeoutError e) {
                out.add("timeout");
            }
            out.add("cancelled=" + t.cancelled());
            return out;
        });
        assertThat(trace).containsExactly("body-start", "body-cancelled", "timeout", "cancelled=true");
    }

    private static void sleepLongRecording(List<String> out) {
        out.add("body-start");
        try {
            Aio.sleep(Duration.ofSeconds(10));
        } catch (CancelledError e) {
            out.add("body-cancelled");
            throw e;
        }
    }

    // ------------------------------------------------------------------ order probes

    /**
     * <pre>
     * loop.call_soon(cb1); a = create_task(t("a", 3)); loop.call_soon(cb2); b = create_task(t("b", 2))
     * a.add_done_callback(a-done); loop.call_later(0, timer0); main0; await sleep(0); main1
     * loop.call_soon(cb3); await a; main-after-a; await b; main-end
     * </pre>
     */
    @Test
    void callbacksTaskStepsDoneCallbacksAndTimersInterleaveAsInAsyncio() {
        List<String> trace = runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<String> out = new ArrayList<>();
            loop.callSoon(() -> out.add("cb1"));
            Task<Void> a = Aio.createTask(() -> steps(out, "a", 3));
            loop.callSoon(() -> out.add("cb2"));
            Task<Void> b = Aio.createTask(() -> steps(out, "b", 2));
            a.addDoneCallback(f -> out.add("a-done"));
            loop.callLater(Duration.ZERO, () -> out.add("timer0"));
            out.add("main0");
            Aio.sleep(Duration.ZERO);
            out.add("main1");
            loop.callSoon(() -> out.add("cb3"));
            a.await();
            out.add("main-after-a");
            b.await();
            out.add("main-end");
            return out;
        });
        assertThat(trace)
                .containsExactly(
                        "main0",
                        "cb1",
                        "a0",
                        "cb2",
                        "b0",
                        "main1",
                        "timer0",
                        "a1",
                        "b1",
                        "cb3",
                        "a2",
                        "a-done",
                        "main-after-a",
                        "main-end");
    }

    /**
     * <pre>
     * loop.call_later(0, later0); loop.call_later(-1, later-neg); loop.call_soon(soon)
     * x = create_task(t("x")); await sleep(0); main1; loop.call_later(0, later0b); await sleep(0)
     * main2; await x; main-end
     * </pre>
     */
    @Test
    void dueTimersJoinTheOrderAfterWhatWasReadyBeforeThem() {
        List<String> trace = runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<String> out = new ArrayList<>();
            loop.callLater(Duration.ZERO, () -> out.add("later0"));
            loop.callLater(Duration.ofSeconds(-1), () -> out.add("later-neg"));
            loop.callSoon(() -> out.add("soon"));
            Task<Void> x = Aio.createTask(() -> {
                out.add("x-start");
                Aio.sleep(Duration.ZERO);
                out.add("x-end");
            });
            Aio.sleep(Duration.ZERO);
            out.add("main1");
            loop.callLater(Duration.ZERO, () -> out.add("later0b"));
            Aio.sleep(Duration.ZERO);
            out.add("main2");
            x.await();
            out.add("main-end");
            return out;
        });
        assertThat(trace)
                .containsExactly(
                        "soon", "x-start", "main1", "later-neg", "later0", "x-end", "main2", "main-end", "later0b");
    }

    /**
     * <pre>
     * a = create_task(quick("a")); a.add_done_callback(a-done1); b = create_task(quick("b"))
     * b.add_done_callback(b-done); a.add_done_callback(a-done2); w = create_task(waiter(a))
     * await sleep(0); main1; await sleep(0); main2; await w; main-end
     * </pre>
     */
    @Test
    void doneCallbacksRunWhereTheTaskFinishedInTheOrder() {
        List<String> trace = runReal(() -> {
            List<String> out = new ArrayList<>();
            Task<String> a = Aio.createTask(() -> record(out, "a"));
            a.addDoneCallback(f -> out.add("a-done1"));
            Task<String> b = Aio.createTask(() -> record(out, "b"));
            b.addDoneCallback(f -> out.add("b-done"));
            a.addDoneCallback(f -> out.add("a-done2"));
            Task<Void> w = Aio.createTask(() -> {
                a.await();
                out.add("waiter-after-a");
            });
            Aio.sleep(Duration.ZERO);
            out.add("main1");
            Aio.sleep(Duration.ZERO);
            out.add("main2");
            w.await();
            out.add("main-end");
            return out;
        });
        assertThat(trace)
                .containsExactly(
                        "a", "b", "waiter-after-a", "main1", "a-done1", "a-done2", "b-done", "main2", "main-end");
    }

    /**
     * <pre>
     * t1 = create_task(w("w1")); await sleep(0); fut.add_done_callback(cb); t2 = create_task(w("w2"))
     * await sleep(0); loop.call_soon(before-set); loop.call_soon(fut.set_result, 1)
     * loop.call_soon(after-set); await t1; await t2; main-end
     * </pre>
     */
    @Test
    void tasksAwaitingAFutureResumeInTheirPlaceAmongItsDoneCallbacks() {
        List<String> trace = runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<String> out = new ArrayList<>();
            Future<Integer> fut = loop.createFuture();
            Task<Void> t1 = Aio.createTask(() -> awaitRecording(out, "w1", fut));
            Aio.sleep(Duration.ZERO);
            fut.addDoneCallback(f -> out.add("cb"));
            Task<Void> t2 = Aio.createTask(() -> awaitRecording(out, "w2", fut));
            Aio.sleep(Duration.ZERO);
            loop.callSoon(() -> out.add("before-set"));
            loop.callSoon(() -> fut.setResult(1));
            loop.callSoon(() -> out.add("after-set"));
            t1.await();
            t2.await();
            out.add("main-end");
            return out;
        });
        assertThat(trace)
                .containsExactly("w1-wait", "w2-wait", "before-set", "after-set", "w1-got", "cb", "w2-got", "main-end");
    }

    private static void awaitRecording(List<String> out, String name, Future<Integer> fut) {
        out.add(name + "-wait");
        fut.await();
        out.add(name + "-got");
    }

    /**
     * <pre>
     * loop.call_soon_threadsafe(ts1); loop.call_soon(cs1); task = create_task(t())
     * loop.call_soon_threadsafe(ts2); await task; main-end
     * </pre>
     */
    @Test
    void callSoonThreadsafeOnTheLoopKeepsItsPlaceAmongCallSoons() {
        List<String> trace = runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<String> out = new ArrayList<>();
            loop.callSoonThreadsafe(() -> out.add("ts1"));
            loop.callSoon(() -> out.add("cs1"));
            Task<String> task = Aio.createTask(() -> record(out, "task"));
            loop.callSoonThreadsafe(() -> out.add("ts2"));
            task.await();
            out.add("main-end");
            return out;
        });
        assertThat(trace).containsExactly("ts1", "cs1", "task", "ts2", "main-end");
    }

    /**
     * What the thread that owns a stopped loop schedules keeps its order too.
     * <pre>
     * loop.call_soon(cb1); loop.create_task(t("a")); loop.call_soon(cb2); wt = loop.create_task(w())
     * loop.run_until_complete(sleep(0)); "|"; fut.add_done_callback(fut-cb); loop.call_soon(cb3)
     * fut.set_result(1); loop.call_soon(cb4); loop.run_until_complete(wt)
     * </pre>
     */
    @Test
    void whatTheOwnerOfAStoppedLoopSchedulesRunsInItsOrder() {
        List<String> out = new ArrayList<>();
        try (EventLoop loop = EventLoop.newEventLoop()) {
            loop.callSoon(() -> out.add("cb1"));
            loop.createTask(() -> record(out, "a"));
            loop.callSoon(() -> out.add("cb2"));
            Future<Integer> fut = loop.createFuture();
            Task<Void> wt = loop.createTask(() -> {
                fut.await();
                out.add("w-got");
                return null;
            });
            loop.runUntilComplete(() -> {
                Aio.sleep(Duration.ZERO);
                return null;
            });
            out.add("|");
            fut.addDoneCallback(f -> out.add("fut-cb"));
            loop.callSoon(() -> out.add("cb3"));
            fut.setResult(1);
            loop.callSoon(() -> out.add("cb4"));
            loop.runUntilComplete(wt);
        }
        assertThat(out).containsExactly("cb1", "a", "cb2", "|", "cb3", "w-got", "fut-cb", "cb4");
    }

    /**
     * The same programs with many tasks: each sleep(0) round of 200 tasks runs between two
     * callbacks scheduled around it, and a chain of callbacks advances once per round.
     */
    @Test
    void aCallbackChainAdvancesOnceForEachRoundOfYieldingTasks() {
        List<String> trace = runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<String> out = new ArrayList<>();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int id = i;
                tasks.add(Aio.createTask(() -> {
                    for (int r = 0; r < 3; r++) {
                        if (id == 0 || id == 199) {
                            out.add("t" + id + "-" + r);
                        }
                        Aio.sleep(Duration.ZERO);
                    }
                }));
            }
            Runnable chain = new Runnable() {
                int n;

                @Override
                public void run() {
                    out.add("chain" + n);
                    if (++n < 3) {
                        loop.callSoon(this);
                    }
                }
            };
            loop.callSoon(chain);
            for (Task<Void> t : tasks) {
                t.await();
            }
            return out;
        });
        assertThat(trace)
                .containsExactly("t0-0", "t199-0", "chain0", "t0-1", "t199-1", "chain1", "t0-2", "t199-2", "chain2");
    }

    private static void steps(List<String> out, String name, int n) {
        for (int i = 0; i < n; i++) {
            out.add(name + i);
            Aio.sleep(Duration.ZERO);
        }
    }

    private static String record(List<String> out, String name) {
        out.add(name);
        return name;
    }

    // ------------------------------------------------------------------ hand-offs between tasks

    /**
     * Two tasks passing numbers through two queues, where the loop can run the next iteration's
     * steps without its own strand, interrupted by a callback, an already due timer and a new
     * task that the steps create:
     * <pre>
     * async def pong():
     *     while True:
     *         v = await q1.get(); out.append(f"pong {v}")
     *         if v == 1: loop.call_soon(out.append, "cb from pong")
     *         if v == 2: loop.call_later(0, out.append, "timer from pong")
     *         if v == 3: loop.create_task(side(out))   # side: "side start", sleep(0), "side end"
     *         if v &lt; 0: return
     *         await q2.put(v)
     * t = asyncio.create_task(pong())
     * for i in range(5):
     *     await q1.put(i); out.append(f"ping {i}")
     *     v = await q2.get(); out.append(f"ping got {v}")
     * await q1.put(-1); await t
     * </pre>
     */
    @Test
    void handOffsBetweenTasksKeepTheOrderAroundCallbacksTimersAndNewTasks() {
        List<String> trace = runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<String> out = new ArrayList<>();
            dev.aio4j.queue.Queue<Integer> q1 = new dev.aio4j.queue.Queue<>();
            dev.aio4j.queue.Queue<Integer> q2 = new dev.aio4j.queue.Queue<>();
            Task<Void> pong = Aio.createTask(() -> {
                while (true) {
                    int v = q1.get();
                    out.add("pong " + v);
                    if (v == 1) {
                        loop.callSoon(() -> out.add("cb from pong"));
                    }
                    if (v == 2) {
                        loop.callLater(Duration.ZERO, () -> out.add("timer from pong"));
                    }
                    if (v == 3) {
                        Aio.createTask(() -> {
                            out.add("side start");
                            Aio.sleep(Duration.ZERO);
                            out.add("side end");
                        });
                    }
                    if (v < 0) {
                        return;
                    }
                    q2.put(v);
                }
            });
            for (int i = 0; i < 5; i++) {
                q1.put(i);
                out.add("ping " + i);
                int v = q2.get();
                out.add("ping got " + v);
            }
            q1.put(-1);
            pong.await();
            return out;
        });
        assertThat(trace)
                .containsExactly(
                        "ping 0",
                        "pong 0",
                        "ping got 0",
                        "ping 1",
                        "pong 1",
                        "cb from pong",
                        "ping got 1",
                        "ping 2",
                        "pong 2",
                        "ping got 2",
                        "ping 3",
                        "timer from pong",
                        "pong 3",
                        "side start",
                        "ping got 3",
                        "ping 4",
                        "side end",
                        "pong 4",
                        "ping got 4",
                        "pong -1");
    }

    /**
     * A hand-off chain with a channel registered: every iteration still polls, so a pipe that is
     * already readable is seen in the first iteration after the main task waits, as in asyncio.
     * <pre>
     * r, w = os.pipe(); os.write(w, b"x")
     * t = asyncio.create_task(pong())            # pong as above, without the extras
     * loop.add_reader(r, readable)               # readable: out.append("pipe readable"); remove_reader(r)
     * for i in range(4):
     *     await q1.put(i); out.append(f"ping {i}")
     *     v = await q2.get(); out.append(f"ping got {v}")
     * await q1.put(-1); await t
     * </pre>
     */
    @Test
    void handOffsWithAChannelRegisteredStillPollItEveryIteration() throws Exception {
        java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        try (java.nio.channels.Pipe.SourceChannel source = pipe.source();
                java.nio.channels.Pipe.SinkChannel sink = pipe.sink()) {
            sink.write(java.nio.ByteBuffer.wrap(new byte[] {'x'}));
            List<String> trace = runReal(() -> {
                EventLoop loop = Aio.getRunningLoop();
                List<String> out = new ArrayList<>();
                dev.aio4j.queue.Queue<Integer> q1 = new dev.aio4j.queue.Queue<>();
                dev.aio4j.queue.Queue<Integer> q2 = new dev.aio4j.queue.Queue<>();
                Task<Void> pong = Aio.createTask(() -> {
                    while (true) {
                        int v = q1.get();
                        out.add("pong " + v);
                        if (v < 0) {
                            return;
                        }
                        q2.put(v);
                    }
                });
                loop.addReader(source, () -> {
                    out.add("pipe readable");
                    loop.removeReader(source);
                });
                for (int i = 0; i < 4; i++) {
                    q1.put(i);
                    out.add("ping " + i);
                    int v = q2.get();
                    out.add("ping got " + v);
                }
                q1.put(-1);
                pong.await();
                return out;
            });
            assertThat(trace)
                    .containsExactly(
                            "ping 0",
                            "pong 0",
                            "pipe readable",
                            "ping got 0",
                            "ping 1",
                            "pong 1",
                            "ping got 1",
                            "ping 2",
                            "pong 2",
                            "ping got 2",
                            "ping 3",
                            "pong 3",
                            "ping got 3",
                            "pong -1");
        }
    }
}
