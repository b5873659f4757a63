package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * How tasks, callbacks, threads and runners use contexts, after CPython's asyncio tests (the
 * test each method follows is in its name: test_tasks.py, test_eager_task_factory.py,
 * test_taskgroups.py, test_threads.py, test_runners.py, test_futures2.py).
 */
class TaskContextTest {

    @Test
    void context1_aTaskStartsFromACopyOfItsCreatorsContextAndChangesNeverLeak() {
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        TestSupport.runVirtual(() -> {
            assertThat(cvar.get()).isEqualTo("nope");
            Task<Void> sub = Aio.createTask(() -> {
                Aio.sleep(Duration.ofMillis(10));
                assertThat(cvar.get()).isEqualTo("nope"); // copied at creation, before the set below
                cvar.set("something else");
            });
            cvar.set("yes");
            assertThat(cvar.get()).isEqualTo("yes");
            sub.await();
            assertThat(cvar.get()).isEqualTo("yes");
            return null;
        });
        assertThat(cvar.get()).isEqualTo("nope");
    }

    @Test
    void context2_doneCallbacksRunInACopyOfTheContextTheyWereAddedFrom() {
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        List<String> seenByCallbacks = new ArrayList<>();
        TestSupport.runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            for (int j = 0; j < 2; j++) {
                Future<Void> fut = loop.createFuture();
                fut.addDoneCallback(f -> {
                    seenByCallbacks.add(cvar.get());
                    cvar.set("something else"); // must not reach the task
                });
                cvar.set("yes" + j);
                loop.callSoon(() -> fut.setResult(null));
                fut.await();
                assertThat(cvar.get()).isEqualTo("yes" + j);
                for (int i = 0; i < 3; i++) {
                    cvar.set("yes" + i + "-" + j);
                    Aio.sleep(Duration.ofMillis(1));
                    assertThat(cvar.get()).isEqualTo("yes" + i + "-" + j);
                }
            }
            return null;
        });
        // Added before the set of each round: the callback saw the value at that moment.
        assertThat(seenByCallbacks).containsExactly("nope", "yes2-0");
        assertThat(cvar.get()).isEqualTo("nope");
    }

    @Test
    void context3_aHundredInterleavedTasksEachKeepTheirOwnValue() {
        ContextVar<Integer> cvar = new ContextVar<>("cvar", -1);
        TestSupport.runVirtual(() -> {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 100; t++) {
                int num = t % 11;
                tasks.add(Aio.createTask(() -> {
                    for (int i = 0; i < 10; i++) {
                        cvar.set(num + i);
                        Aio.sleep(Duration.ofMillis(1 + (num * 13 + i * 7) % 50));
                        assertThat(cvar.get()).isEqualTo(num + i);
                    }
                }));
            }
            Aio.gather(tasks).await();
            return null;
        });
        assertThat(cvar.get()).isEqualTo(-1);
    }

    /** test_context_4, _5 and _6: the Task constructor, asyncio.create_task, loop.create_task. */
    @Test
    void context4to6_aTaskGivenAContextRunsInThatVeryContext() {
        ContextVar<Integer> cvar = new ContextVar<>("cvar");
        List<Integer> ret = TestSupport.runVirtual(() -> {
            List<Integer> seen = new ArrayList<>();
            Context ctx = Context.copyContext();
            seen.add(ctx.get(cvar));
            Task.create(Aio.getRunningLoop(), () -> setAfterAYield(cvar, 1), null, ctx)
                    .await();
            seen.add(ctx.get(cvar));
            Aio.createTask(() -> setAfterAYield(cvar, 2), null, ctx).await();
            seen.add(ctx.get(cvar));
            Aio.getRunningLoop()
                    .createTask(() -> setAfterAYield(cvar, 3), null, ctx)
                    .await();
            seen.add(ctx.get(cvar));
            Task.createEager(Aio.getRunningLoop(), () -> setAfterAYield(cvar, 4), null, ctx)
                    .await();
            seen.add(ctx.get(cvar));
            return seen;
        });
        assertThat(ret).containsExactly(null, 1, 2, 3, 4);
    }

    @Test
    void taskgroupTaskContext_aGroupsTaskGivenAContextRunsInIt() {
        ContextVar<Integer> cvar = new ContextVar<>("cvar");
        TestSupport.runVirtual(() -> {
            TaskGroup.run(g -> {
                Context ctx = Context.copyContext();
                assertThat(ctx.get(cvar)).isNull();
                g.createTask(() -> setAfterAYield(cvar, 1), null, ctx).await();
                assertThat(ctx.get(cvar)).isEqualTo(1);
                g.createTask(() -> setAfterAYield(cvar, 2), null, ctx).await();
                assertThat(ctx.get(cvar)).isEqualTo(2);
            });
            return null;
        });
    }

    @Test
    void getContext_isTheContextGivenOrTheTasksOwnCopy() {
        TestSupport.runVirtual(() -> {
            Context ctx = Context.copyContext();
            Task<Void> given = Aio.createTask(() -> null, null, ctx);
            assertThat(given.getContext()).isSameAs(ctx);
            Task<Void> copied = Aio.createTask(() -> null);
            assertThat(copied.getContext()).isNotSameAs(Aio.currentTask().getContext());
            given.await();
            copied.await();
            return null;
        });
    }

    @Test
    void eagerContextVars_theEagerFirstStepRunsInTheTasksContext() {
        ContextVar<Integer> cv = new ContextVar<>("cv", 0);
        TestSupport.runVirtual(() -> {
            boolean[] steps = new boolean[2];
            cv.set(1);
            Task<Void> t = Aio.createTask(
                    () -> {
                        assertThat(cv.get()).isEqualTo(1);
                        cv.set(2);
                        steps[0] = true;
                        Aio.sleep(Duration.ofMillis(100));
                        assertThat(cv.get()).isEqualTo(2);
                        cv.set(3);
                        steps[1] = true;
                        return null;
                    },
                    null,
                    TaskStart.EAGER);
            assertThat(steps[0]).isTrue();
            assertThat(steps[1]).isFalse();
            assertThat(cv.get()).isEqualTo(1);
            t.await();
            assertThat(steps[1]).isTrue();
            assertThat(cv.get()).isEqualTo(1);
            return null;
        });
    }

    @Test
    void callSoonCallLaterAndCallAtRunInACopyOfTheSchedulersContext() {
        ContextVar<String> cvar = new ContextVar<>("cvar", "unset");
        List<String> seen = TestSupport.runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<String> log = new ArrayList<>();
            cvar.set("soon");
            loop.callSoon(() -> {
                log.add("callSoon " + cvar.get());
                cvar.set("changed by a callback"); // never seen by the task or other callbacks
            });
            cvar.set("later");
            loop.callLater(Duration.ofMillis(10), () -> log.add("callLater " + cvar.get()));
            cvar.set("at");
            loop.callAt(loop.time() + 0.02, () -> log.add("callAt " + cvar.get()));
            cvar.set("task");
            Aio.sleep(Duration.ofMillis(50));
            log.add("task " + cvar.get());
            return log;
        });
        assertThat(seen).containsExactly("callSoon soon", "callLater later", "callAt at", "task task");
    }

    @Test
    void callSoonThreadsafeRunsInACopyOfTheCallingThreadsContext() throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar", "unset");
        String seen = TestSupport.runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            CompletableFuture<String> got = new CompletableFuture<>();
            Aio.toThread(() -> {
                Context.copyContext().run(() -> {
                    cvar.set("foreign thread");
                    loop.callSoonThreadsafe(() -> got.complete(cvar.get()));
                });
                return null;
            });
            return Aio.await(got);
        });
        assertThat(seen).isEqualTo("foreign thread");
    }

    @Test
    void runCoroutineThreadsafe_theTaskStartsFromTheCallingThreadsContext() {
        // CPython 3.13: the task is created by a call_soon_threadsafe callback, which runs in a
        // copy of the calling thread's context.
        ContextVar<String> cvar = new ContextVar<>("cvar", "unset");
        String seen = TestSupport.runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            cvar.set("loop side");
            return Aio.toThread(() -> {
                cvar.set("foreign thread");
                return Aio.runCoroutineThreadsafe(loop, cvar::get).get();
            });
        });
        assertThat(seen).isEqualTo("foreign thread");
    }

    @Test
    void readerCallbacksRunInTheContextTheyWereRegisteredFromOneContextForEveryEvent() throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar", "unset");
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source();
                Pipe.SinkChannel sink = pipe.sink()) {
            List<String> seen = TestSupport.runReal(() -> {
                EventLoop loop = Aio.getRunningLoop();
                List<String> log = new ArrayList<>();
                Future<Void> twice = loop.createFuture();
                cvar.set("at registration");
                loop.addReader(source, () -> {
                    try {
                        source.read(ByteBuffer.allocate(8));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    log.add(cvar.get());
                    cvar.set("set by the reader");
                    if (log.size() == 2) {
                        loop.removeReader(source);
                        twice.setResult(null);
                    }
                });
                cvar.set("after registration");
                sink.write(ByteBuffer.wrap(new byte[] {1}));
                Aio.sleep(Duration.ofMillis(50));
                sink.write(ByteBuffer.wrap(new byte[] {2}));
                twice.await();
                log.add("task: " + cvar.get());
                return log;
            });
            // As asyncio's add_reader: one handle, so one context, for every event.
            assertThat(seen).containsExactly("at registration", "set by the reader", "task: after registration");
        }
    }

    @Test
    void toThreadContextvars_toThreadCarriesTheCallersContextRunInExecutorDoesNot() {
        ContextVar<String> testCtx = new ContextVar<>("test_ctx");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            List<String> seen = TestSupport.runReal(() -> {
                testCtx.set("parrot");
                List<String> out = new ArrayList<>();
                out.add(Aio.toThread(() -> testCtx.get()));
                out.add(Aio.toThread(() -> {
                    testCtx.set("changed in the worker");
                    return testCtx.get();
                }));
                out.add(testCtx.get());
                out.add(Aio.runInExecutor(executor, () -> testCtx.get("not carried")));
                return out;
            });
            assertThat(seen).containsExactly("parrot", "changed in the worker", "parrot", "not carried");
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void runKeepsContext_aRunnerRunsEveryMainTaskInOneContext() {
        ContextVar<Integer> cvar = new ContextVar<>("cvar", -1);
        try (Runner runner = new Runner(RunOptions.defaults().withSigintHandling(false))) {
            assertThat(runner.run(() -> setAfterAYield(cvar, 1))).isEqualTo(-1);
            assertThat(runner.run(() -> setAfterAYield(cvar, 2))).isEqualTo(1);
            assertThat(runner.run(Context::copyContext).get(cvar)).isEqualTo(2);
        }
        assertThat(cvar.get()).isEqualTo(-1);
    }

    @Test
    void aioRunStartsFromACopyOfTheCallersContext() {
        ContextVar<String> cvar = new ContextVar<>("cvar", "unset");
        Context.copyContext().run(() -> {
            cvar.set("caller");
            String inMain = TestSupport.runReal(cvar::get);
            assertThat(inMain).isEqualTo("caller");
            TestSupport.runReal(() -> cvar.set("main task"));
            assertThat(cvar.get()).isEqualTo("caller");
        });
    }

    @Test
    void taskExcHandlerCorrectContext_theHandlerRunsInTheFailedTasksContext() {
        ContextVar<String> name = new ContextVar<>("name", "foo");
        AtomicReference<String> seen = new AtomicReference<>();
        TestSupport.runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            loop.setExceptionHandler((l, c) -> seen.set(name.get()));
            Task<Void> failing = Aio.createTask(() -> {
                name.set("bar");
                throw new ArithmeticException("/ by zero");
            });
            Aio.sleep(Duration.ZERO);
            assertThat(failing.done()).isTrue();
            loop.callExceptionHandler(
                    new ExceptionContext("reported", failing.exception(), failing, null, failing.getName()));
            return null;
        });
        assertThat(seen.get()).isEqualTo("bar");
    }

    @Test
    void handleExcHandlerCorrectContext_theHandlerRunsInTheFailedCallbacksContext() {
        ContextVar<String> name = new ContextVar<>("name", "foo");
        AtomicReference<String> seen = new AtomicReference<>();
        TestSupport.runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            loop.setExceptionHandler((l, c) -> seen.set(name.get()));
            loop.callSoon(() -> {
                name.set("bar");
                throw new ArithmeticException("/ by zero");
            });
            Aio.sleep(Duration.ZERO);
            return null;
        });
        assertThat(seen.get()).isEqualTo("bar");
    }

    @Test
    void aTaskFactoryThatIgnoresTheContextGivesTheTaskACopyOfIt() {
        ContextVar<Integer> cvar = new ContextVar<>("cvar", 0);
        TestSupport.runVirtual(() -> {
            Aio.getRunningLoop().setTaskFactory(new TaskFactory() {
                @Override
                public <T> Task<T> create(EventLoop loop, java.util.concurrent.Callable<T> body, String name) {
                    return Task.create(loop, body, name);
                }
            });
            Context ctx = new Context();
            ctx.run(() -> cvar.set(7));
            int seen = Aio.getRunningLoop()
                    .createTask(() -> setAfterAYield(cvar, 8), null, ctx)
                    .await();
            assertThat(seen).isEqualTo(7);
            assertThat(ctx.get(cvar)).isEqualTo(7);
            return null;
        });
    }

    @Test
    void beforeTheFirstSetOfTheJvmTasksAndCallbacksGetTheirEmptyContextOnFirstUse() {
        ContextVar<String> cvar = new ContextVar<>("cvar", "unset");
        AtomicReference<String> handlerSaw = new AtomicReference<>();
        List<String> log = TestSupport.runVirtual(() -> {
            Context.inUse = false; // as in a JVM where no variable was set yet: nothing is copied
            EventLoop loop = Aio.getRunningLoop();
            loop.setExceptionHandler((l, c) -> handlerSaw.set(cvar.get()));
            List<String> out = new ArrayList<>();
            Task<Void> early = Aio.createTask(() -> {
                Aio.sleep(Duration.ofMillis(5));
                out.add("early task " + cvar.get());
            });
            loop.callSoon(() -> {
                cvar.set("callback");
                throw new IllegalStateException("fails after its set");
            });
            loop.callLater(Duration.ofMillis(2), () -> out.add("early callback " + cvar.get()));
            Aio.sleep(Duration.ZERO);
            cvar.set("main");
            Task<String> late = Aio.createTask(() -> cvar.get());
            out.add("late task " + late.await());
            early.await();
            out.add("main " + cvar.get());
            assertThat(early.getContext().asMap()).isEmpty();
            return out;
        });
        assertThat(log).containsExactly("late task main", "early callback unset", "early task unset", "main main");
        assertThat(handlerSaw.get()).isEqualTo("callback");
    }

    /** Yields once, sets {@code var} to {@code value} and returns its previous value. */
    private static int setAfterAYield(ContextVar<Integer> var, int value) {
        int old = var.get(-1);
        Aio.sleep(Duration.ZERO);
        var.set(value);
        return old;
    }
}
