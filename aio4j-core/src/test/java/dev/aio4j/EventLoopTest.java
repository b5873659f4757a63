package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static dev.aio4j.TestSupport.runVirtual;
import static dev.aio4j.TestSupport.spin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EventLoopTest {

    // ---- callbacks

    @Test
    void callbacksRunInTheOrderTheyWereScheduled() {
        List<Integer> order = runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                int k = i;
                loop.callSoon(() -> seen.add(k));
            }
            Aio.sleep(Duration.ZERO);
            return seen;
        });
        assertThat(order).hasSize(1_000).isSorted();
    }

    @Test
    void aCancelledHandleNeverRuns() {
        List<String> seen = runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<String> s = new ArrayList<>();
            Handle h = loop.callSoon(() -> s.add("cancelled one"));
            loop.callSoon(() -> s.add("kept"));
            h.cancel();
            assertThat(h.cancelled()).isTrue();
            Aio.sleep(Duration.ZERO);
            return s;
        });
        assertThat(seen).containsExactly("kept");
    }

    @Test
    void callbacksScheduledByACallbackRunInTheNextIteration() {
        // asyncio's _run_once runs only the callbacks ready when the iteration began.
        List<String> seen = runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<String> s = new ArrayList<>();
            loop.callSoon(() -> {
                s.add("first");
                loop.callSoon(() -> s.add("scheduled by first"));
            });
            loop.callSoon(() -> s.add("second"));
            Aio.sleep(Duration.ofMillis(1));
            return s;
        });
        assertThat(seen).containsExactly("first", "second", "scheduled by first");
    }

    @Test
    void aFailingCallbackGoesToTheExceptionHandlerAndTheLoopGoesOn() {
        List<ExceptionContext> reported = new ArrayList<>();
        String after = runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
            loop.callSoon(() -> {
                throw new IllegalStateException("bad callback");
            });
            Aio.sleep(Duration.ofMillis(1));
            return "still running";
        });
        assertThat(after).isEqualTo("still running");
        assertThat(reported).hasSize(1);
        assertThat(reported.get(0).exception()).hasMessage("bad callback");
        assertThat(reported.get(0).message()).startsWith("Exception in callback");
        assertThat(reported.get(0).handle()).isNotNull();
    }

    @Test
    void aFailingExceptionHandlerFallsBackToTheDefaultOne() {
        String r = runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            loop.setExceptionHandler((l, ctx) -> {
                throw new RuntimeException("handler broke");
            });
            loop.callSoon(() -> {
                throw new RuntimeException("callback broke");
            });
            Aio.sleep(Duration.ofMillis(1));
            return "survived";
        });
        assertThat(r).isEqualTo("survived");
    }

    // ---- timers

    @Test
    void timersFireInDeadlineOrderAndTiesInSchedulingOrder() {
        List<String> fired = runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<String> s = new ArrayList<>();
            loop.callLater(Duration.ofSeconds(3), () -> s.add("3s"));
            loop.callLater(Duration.ofSeconds(1), () -> s.add("1s-a"));
            loop.callLater(Duration.ofSeconds(2), () -> s.add("2s"));
            loop.callLater(Duration.ofSeconds(1), () -> s.add("1s-b"));
            loop.callLater(Duration.ofSeconds(-2), () -> s.add("-2s"));
            loop.callLater(Duration.ofSeconds(-1), () -> s.add("-1s"));
            Aio.sleep(Duration.ofSeconds(4));
            return s;
        });
        assertThat(fired).containsExactly("-2s", "-1s", "1s-a", "1s-b", "2s", "3s");
    }

    @Test
    void aCancelledTimerNeverFiresAndManyCancelledTimersAreCompacted() {
        List<Integer> fired = runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<Integer> s = new ArrayList<>();
            List<TimerHandle> handles = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                int k = i;
                handles.add(loop.callLater(Duration.ofSeconds(1 + i), () -> s.add(k)));
            }
            for (int i = 0; i < 1_000; i++) {
                if (i % 10 != 0) {
                    handles.get(i).cancel();
                }
            }
            Aio.sleep(Duration.ofSeconds(2_000));
            return s;
        });
        assertThat(fired).hasSize(100).allMatch(k -> k % 10 == 0).isSorted();
    }

    @Test
    void manyTimersInRandomOrderWithTiesAndCancellationsFireInDeadlineThenSchedulingOrder() {
        int n = 5_000;
        long[] deadline = new long[n];
        boolean[] cancelled = new boolean[n];
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            deadline[i] = random.nextLong(200); // few distinct deadlines: many ties
            cancelled[i] = random.nextInt(10) < 6; // enough for the heap to be compacted
        }
        List<Integer> fired = runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            long now = loop.nanoTime();
            List<Integer> s = new ArrayList<>();
            List<TimerHandle> handles = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                handles.add(loop.callAtNanos(now + 1_000 + deadline[i] * 1_000_000, () -> s.add(k)));
            }
            for (int i = 0; i < n; i++) {
                if (cancelled[i]) {
                    handles.get(i).cancel();
                }
            }
            Aio.sleep(Duration.ofSeconds(1));
            return s;
        });
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!cancelled[i]) {
                expected.add(i);
            }
        }
        expected.sort(
                java.util.Comparator.<Integer>comparingLong(i -> deadline[i]).thenComparing(i -> i));
        assertThat(fired).isEqualTo(expected);
    }

    @Test
    void callAtUsesTheLoopsTimeInSeconds() {
        double[] at = new double[2];
        runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            double when = loop.time() + 5;
            TimerHandle h = loop.callAt(when, () -> at[0] = loop.time());
            at[1] = h.when();
            Aio.sleep(Duration.ofSeconds(6));
            return null;
        });
        assertThat(at[0]).isGreaterThanOrEqualTo(at[1]);
        assertThat(at[0] - at[1]).isLessThan(1e-6);
    }

    @Test
    void timeIsMonotonic() {
        runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            double prev = loop.time();
            for (int i = 0; i < 1_000; i++) {
                double now = loop.time();
                assertThat(now).isGreaterThanOrEqualTo(prev);
                prev = now;
            }
            return null;
        });
    }

    // ---- lifecycle

    @Test
    void runUntilCompleteReturnsTheResultAndTheLoopCanRunAgain() {
        try (EventLoop loop = EventLoop.newEventLoop()) {
            assertThat(loop.runUntilComplete(() -> 1)).isEqualTo(1);
            assertThat(loop.runUntilComplete(() -> 2)).isEqualTo(2);
            assertThat(loop.isRunning()).isFalse();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void manyRunsInARowOnOneLoopNeverStall() {
        // A new run starting while the previous one is still winding down its loop strand must
        // not leave the carrier refusing to run anything.
        // (Before the fix, 1,000 runs of 10,000 spawns hung about one time in three.)
        try (EventLoop loop = EventLoop.newEventLoop()) {
            for (int run = 0; run < 500; run++) {
                int n = loop.runUntilComplete(() -> {
                    int[] finished = {0};
                    Task<Void> last = null;
                    for (int i = 0; i < 10_000; i++) {
                        last = Aio.createTask(() -> {
                            finished[0]++;
                        });
                    }
                    last.await();
                    return finished[0];
                });
                assertThat(n).isEqualTo(10_000);
            }
        }
    }

    @Test
    void stopEndsRunForeverAfterTheCurrentBatch() {
        try (EventLoop loop = EventLoop.newEventLoop()) {
            List<String> seen = new ArrayList<>();
            loop.callSoon(() -> {
                seen.add("a");
                loop.stop();
                loop.callSoon(() -> seen.add("next run"));
            });
            loop.callSoon(() -> seen.add("b"));
            loop.runForever();
            assertThat(seen).containsExactly("a", "b");
            loop.callSoon(loop::stop);
            loop.runForever();
            assertThat(seen).containsExactly("a", "b", "next run");
        }
    }

    @Test
    void stopBeforeRunForeverRunsOneIteration() {
        // test_run_forever_pre_stopped
        try (EventLoop loop = EventLoop.newEventLoop()) {
            List<String> seen = new ArrayList<>();
            loop.callSoon(() -> seen.add("ran"));
            loop.stop();
            loop.runForever();
            assertThat(seen).containsExactly("ran");
        }
    }

    @Test
    void toStringNamesEveryStateOfTheLifecycle() {
        EventLoop loop = EventLoop.newEventLoop();
        assertThat(loop.toString()).contains(", stopped,");
        loop.stop();
        assertThat(loop.toString()).contains(", stop requested,");
        loop.runForever();
        assertThat(loop.toString()).contains(", stopped,");
        String[] inside = new String[2];
        loop.callSoon(() -> {
            inside[0] = loop.toString();
            loop.stop();
            inside[1] = loop.toString();
        });
        loop.runForever();
        assertThat(inside[0]).contains(", running,");
        assertThat(inside[1]).contains(", stopping,");
        loop.close();
        assertThat(loop.toString()).contains(", closed,");
    }

    @Test
    void theTestRunsHaveAssertionsEnabledForTheLoopOnlyChecks() {
        assertThat(EventLoop.class.desiredAssertionStatus()).isTrue();
        assertThat(dev.aio4j.internal.Scheduler.class.desiredAssertionStatus()).isTrue();
    }

    @Test
    void tasksDoNotRunWhileTheLoopIsStopped() {
        try (EventLoop loop = EventLoop.newEventLoop()) {
            List<Integer> seen = new ArrayList<>();
            Task<Void> t = loop.createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    seen.add(i);
                    Aio.sleep(Duration.ZERO);
                }
                return null;
            });
            assertThat(seen).isEmpty();
            loop.callSoon(loop::stop);
            loop.runForever();
            int afterFirstRun = seen.size();
            assertThat(afterFirstRun).isLessThan(3);
            loop.runUntilComplete(t);
            assertThat(seen).containsExactly(0, 1, 2);
        }
    }

    @Test
    void runUntilCompleteFailsWhenTheLoopStopsFirst() {
        try (EventLoop loop = EventLoop.newEventLoop()) {
            Future<Integer> never = loop.createFuture();
            loop.callSoon(loop::stop);
            assertThatThrownBy(() -> loop.runUntilComplete(never))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Event loop stopped before Future completed.");
        }
    }

    @Test
    void aClosedLoopRefusesWork() {
        EventLoop loop = EventLoop.newEventLoop();
        loop.close();
        loop.close(); // idempotent
        assertThat(loop.isClosed()).isTrue();
        assertThatThrownBy(() -> loop.callSoon(() -> {})).hasMessage("Event loop is closed");
        assertThatThrownBy(() -> loop.callSoonThreadsafe(() -> {})).hasMessage("Event loop is closed");
        assertThatThrownBy(() -> loop.createTask(() -> 1)).hasMessage("Event loop is closed");
        assertThatThrownBy(loop::runForever).hasMessage("Event loop is closed");
    }

    @Test
    void aRunningLoopCannotBeClosedOrRunAgain() {
        try (EventLoop loop = EventLoop.newEventLoop()) {
            loop.runUntilComplete(() -> {
                assertThatThrownBy(loop::close).hasMessage("Cannot close a running event loop");
                assertThatThrownBy(loop::runForever).hasMessage("This event loop is already running");
                return null;
            });
        }
    }

    @Test
    void runningALoopFromATaskOfAnotherLoopIsRefused() {
        try (EventLoop other = EventLoop.newEventLoop()) {
            runReal(() -> {
                assertThatThrownBy(other::runForever)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("Cannot run the event loop while another loop is running");
                return null;
            });
        }
    }

    @Test
    void getRunningLoopOutsideALoopIsAClearError() {
        assertThatThrownBy(Aio::getRunningLoop)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no running event loop");
    }

    @Test
    void getRunningLoopInsideACallbackIsTheLoopAndCurrentTaskIsNull() {
        AtomicReference<Object[]> seen = new AtomicReference<>();
        runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            loop.callSoon(() -> seen.set(new Object[] {Aio.getRunningLoop() == loop, Aio.currentTask()}));
            Aio.sleep(Duration.ofMillis(1));
            return null;
        });
        assertThat(seen.get()[0]).isEqualTo(true);
        assertThat(seen.get()[1]).isNull();
    }

    @Test
    void loopAffineCallsFromAnotherThreadFailClearly() {
        runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            Future<Integer> f = loop.createFuture();
            Throwable[] errors = new Throwable[3];
            Aio.toThread(() -> {
                try {
                    loop.callSoon(() -> {});
                } catch (Throwable t) {
                    errors[0] = t;
                }
                try {
                    f.setResult(1);
                } catch (Throwable t) {
                    errors[1] = t;
                }
                try {
                    loop.createTask(() -> 1);
                } catch (Throwable t) {
                    errors[2] = t;
                }
                return null;
            });
            for (Throwable t : errors) {
                assertThat(t).isInstanceOf(WrongThreadException.class).hasMessageContaining("callSoonThreadsafe");
            }
            assertThat(f.done()).isFalse();
            return null;
        });
    }

    @Test
    void theLoopHoldsEveryPendingTask() {
        runReal(() -> {
            // No reference is kept to the task: the loop's own reference keeps it alive.
            Aio.createTask(() -> Aio.sleep(Duration.ofMillis(20)), "unreferenced");
            System.gc();
            assertThat(Aio.allTasks()).extracting(Task::getName).contains("unreferenced");
            for (Task<?> t : Aio.allTasks()) {
                if (t.getName().equals("unreferenced")) {
                    t.await();
                }
            }
            assertThat(Aio.allTasks()).extracting(Task::getName).doesNotContain("unreferenced");
            return null;
        });
    }

    @Test
    void allTasksAndCurrentTaskSeeTheRunningTasks() {
        runReal(() -> {
            Task<?> main = Aio.currentTask();
            Task<Void> other = Aio.createTask(() -> Aio.sleep(Duration.ofMillis(5)), "other");
            assertThat(Aio.allTasks()).contains(main, other);
            assertThat(other.getName()).isEqualTo("other");
            other.setName("renamed");
            assertThat(other.getName()).isEqualTo("renamed");
            assertThat(main.getName()).startsWith("Task-");
            other.await();
            return null;
        });
    }

    @Test
    void debugModeWarnsAboutASlowCallback() {
        List<String> warnings = TestSupport.captureLog(() -> Aio.run(
                () -> {
                    EventLoop loop = Aio.getRunningLoop();
                    loop.setSlowCallbackDuration(Duration.ofMillis(5));
                    loop.callSoon(() -> spin(20));
                    Aio.sleep(Duration.ofMillis(1));
                    return null;
                },
                RunOptions.defaults().withDebug(true).withSigintHandling(false)));
        assertThat(warnings).anyMatch(m -> m.startsWith("Executing Handle") && m.contains("took"));
    }

    @Test
    void debugModeWarnsAboutASlowTaskStepNamingTheTask() {
        List<String> warnings = TestSupport.captureLog(() -> Aio.run(
                () -> {
                    Aio.getRunningLoop().setSlowCallbackDuration(Duration.ofMillis(5));
                    Aio.createTask(
                                    () -> {
                                        spin(20);
                                        Aio.sleep(Duration.ZERO);
                                    },
                                    "hog")
                            .await();
                    return null;
                },
                RunOptions.defaults().withDebug(true).withSigintHandling(false)));
        assertThat(warnings).anyMatch(m -> m.startsWith("Executing Task[hog") && m.contains("without waiting"));
    }

    @Test
    void debugWatchdogNamesTheTaskThatHoldsTheLoop() {
        List<String> warnings = TestSupport.captureLog(() -> Aio.run(
                () -> {
                    Aio.getRunningLoop().setSlowCallbackDuration(Duration.ofMillis(20)); // watchdog at 200 ms
                    Aio.createTask(
                                    () -> {
                                        spin(800); // holds the carrier: no other task or callback runs meanwhile
                                        Aio.sleep(Duration.ZERO);
                                    },
                                    "busy-loop")
                            .await();
                    return null;
                },
                RunOptions.defaults().withDebug(true).withSigintHandling(false)));
        assertThat(warnings)
                .anyMatch(m ->
                        m.startsWith("Task[busy-loop") && m.contains("has held aio4j-loop-") && m.contains("spin"));
    }
}
