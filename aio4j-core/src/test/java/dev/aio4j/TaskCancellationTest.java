package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static dev.aio4j.TestSupport.runVirtual;
import static dev.aio4j.TestSupport.yieldNow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Cancellation rules, each as asyncio 3.13 has them (CPython test_tasks.py). */
class TaskCancellationTest {

    @Test
    void cancelRaisesCancelledErrorAtTheCurrentWait() {
        runVirtual(() -> {
            List<String> events = new ArrayList<>();
            Task<Void> t = Aio.createTask(() -> {
                try {
                    Aio.sleep(Duration.ofHours(1));
                    events.add("woke normally");
                } catch (CancelledError e) {
                    events.add("cancelled: " + e.getMessage());
                    throw e;
                }
            });
            yieldNow();
            assertThat(t.cancel("stop")).isTrue();
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class).hasMessage("stop");
            assertThat(events).containsExactly("cancelled: stop");
            assertThat(t.cancelled()).isTrue();
            return null;
        });
    }

    @Test
    void cancelOfARunningTaskIsDeliveredAtItsNextWait() {
        // test_cancel_yield: a task that cancels itself keeps running until it waits.
        runVirtual(() -> {
            List<String> events = new ArrayList<>();
            Task<Void> t = Aio.createTask(() -> {
                Aio.currentTask().cancel();
                events.add("still running");
                try {
                    yieldNow();
                    events.add("not reached");
                } catch (CancelledError e) {
                    events.add("cancelled at the wait");
                    throw e;
                }
            });
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
            assertThat(events).containsExactly("still running", "cancelled at the wait");
            return null;
        });
    }

    @Test
    void taskThatSwallowsCancellationKeepsRunningAndIsNotCancelled() {
        runVirtual(() -> {
            Task<String> t = Aio.createTask(() -> {
                try {
                    Aio.sleep(Duration.ofSeconds(10));
                } catch (CancelledError e) {
                    // swallowed on purpose
                }
                Aio.sleep(Duration.ofSeconds(1));
                return "finished";
            });
            yieldNow();
            t.cancel();
            assertThat(t.await()).isEqualTo("finished");
            assertThat(t.cancelled()).isFalse();
            assertThat(t.cancelling()).isEqualTo(1);
            return null;
        });
    }

    @Test
    void cancellingCountsRequestsAndUncancelCountsThemBack() {
        runVirtual(() -> {
            Task<Void> t = Aio.createTask(() -> Aio.sleep(Duration.ofSeconds(1)));
            yieldNow();
            t.cancel();
            t.cancel();
            assertThat(t.cancelling()).isEqualTo(2);
            assertThat(t.uncancel()).isEqualTo(1);
            assertThat(t.cancelling()).isEqualTo(1);
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
            return null;
        });
    }

    @Test
    void uncancelToZeroWithdrawsAnUndeliveredCancellation() {
        // asyncio 3.13: test_uncancel_resets_must_cancel
        runVirtual(() -> {
            Task<String> t = Aio.createTask(() -> {
                Task<?> self = Aio.currentTask();
                self.cancel();
                self.uncancel();
                yieldNow();
                return "ran on";
            });
            assertThat(t.await()).isEqualTo("ran on");
            return null;
        });
    }

    @Test
    void uncancelNeverGoesBelowZero() {
        runVirtual(() -> {
            Task<Void> t = Aio.createTask(() -> {});
            assertThat(t.uncancel()).isZero();
            t.await();
            return null;
        });
    }

    @Test
    void cancellingADoneTaskReturnsFalse() {
        runVirtual(() -> {
            Task<Integer> t = Aio.createTask(() -> 1);
            t.await();
            assertThat(t.cancel()).isFalse();
            assertThat(t.cancelling()).isZero();
            assertThat(t.result()).isEqualTo(1);
            return null;
        });
    }

    @Test
    void cancellingATaskThatAwaitsAnotherCancelsTheAwaitedOneToo() {
        // asyncio's rule (test_cancel_inner_future / test_cancel_task_waiting_for_task): cancel()
        // cancels the future the task waits on, and the outer resumes after the inner finished.
        runVirtual(() -> {
            Task<Integer> inner = Aio.createTask(() -> {
                Aio.sleep(Duration.ofHours(1));
                return 1;
            });
            Task<Integer> outer = Aio.createTask(inner::await);
            yieldNow();
            outer.cancel("outer");
            assertThatThrownBy(outer::await).isInstanceOf(CancelledError.class);
            assertThat(inner.cancelled()).isTrue();
            assertThat(outer.cancelled()).isTrue();
            return null;
        });
    }

    @Test
    void awaitedTaskThatIgnoresCancellationKeepsTheOuterWaitingUntilItFinishes() {
        runVirtual(() -> {
            Task<Integer> inner = Aio.createTask(() -> {
                try {
                    Aio.sleep(Duration.ofHours(1));
                } catch (CancelledError e) {
                    Aio.sleep(Duration.ofSeconds(5)); // ignores the request and finishes later
                }
                return 7;
            });
            Task<Integer> outer = Aio.createTask(inner::await);
            yieldNow();
            double before = Aio.getRunningLoop().time();
            outer.cancel();
            // The outer's wait ends only when the inner ends; the inner returned a value, so the
            // outer receives it, as asyncio delivers the inner's outcome.
            assertThat(outer.await()).isEqualTo(7);
            assertThat(Aio.getRunningLoop().time() - before).isGreaterThanOrEqualTo(5.0);
            return null;
        });
    }

    @Test
    void taskCancelledBeforeItStartsNeverRunsItsBody() {
        runVirtual(() -> {
            AtomicBoolean ran = new AtomicBoolean();
            Task<Void> t = Aio.createTask(() -> ran.set(true));
            t.cancel("early");
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class).hasMessage("early");
            assertThat(ran).isFalse();
            assertThat(t.cancelled()).isTrue();
            return null;
        });
    }

    @Test
    void severalCancelsBeforeTheStartGiveOneCancelledErrorAndCountEach() {
        runVirtual(() -> {
            Task<Void> t = Aio.createTask(() -> {});
            t.cancel();
            t.cancel();
            t.cancel();
            assertThat(t.cancelling()).isEqualTo(3);
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
            return null;
        });
    }

    @Test
    void taskCancelledDuringItsLastStepEndsCancelled() {
        // test_cancel_at_end
        runVirtual(() -> {
            Task<String> t = Aio.createTask(() -> {
                Aio.currentTask().cancel();
                return "returned";
            });
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
            assertThat(t.cancelled()).isTrue();
            return null;
        });
    }

    @Test
    void cancelMessageReachesEveryAwaiter() {
        runVirtual(() -> {
            Task<Void> t = Aio.createTask(() -> Aio.sleep(Duration.ofHours(1)));
            Task<String> watcher = Aio.createTask(() -> {
                try {
                    t.await();
                    return "no";
                } catch (CancelledError e) {
                    return e.getMessage();
                }
            });
            yieldNow();
            t.cancel("the reason");
            // The watcher waits on t; cancelling t does not cancel the watcher.
            assertThat(watcher.await()).isEqualTo("the reason");
            assertThatThrownBy(t::result).isInstanceOf(CancelledError.class).hasMessage("the reason");
            assertThatThrownBy(t::exception).isInstanceOf(CancelledError.class);
            return null;
        });
    }

    @Test
    void resultReadyButNotYetDeliveredIsReplacedByTheCancellation() {
        // The awaited future completed, then cancel() came before the task resumed: asyncio
        // throws CancelledError into the task instead of the result.
        runVirtual(() -> {
            Future<Integer> f = Aio.getRunningLoop().createFuture();
            Task<Integer> t = Aio.createTask(f::await);
            yieldNow();
            f.setResult(5);
            t.cancel();
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
            return null;
        });
    }

    @Test
    void cancelFromAnotherThreadGoesThroughCallSoonThreadsafe() throws Exception {
        runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            Future<Void> started = loop.createFuture();
            Task<Void> t = Aio.createTask(() -> {
                started.setResult(null);
                Aio.sleep(Duration.ofHours(1));
            });
            started.await();
            Thread other = Thread.ofPlatform().start(() -> loop.callSoonThreadsafe(() -> t.cancel("from thread")));
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class).hasMessage("from thread");
            other.join();
            return null;
        });
    }

    @Test
    void cancelFromAnotherThreadDirectlyIsRefused() throws Exception {
        runReal(() -> {
            Task<Void> t = Aio.createTask(() -> Aio.sleep(Duration.ofHours(1)));
            Throwable[] seen = new Throwable[1];
            Aio.toThread(() -> {
                try {
                    t.cancel();
                } catch (Throwable e) {
                    seen[0] = e;
                }
                return null;
            });
            assertThat(seen[0]).isInstanceOf(WrongThreadException.class);
            assertThat(t.done()).isFalse();
            t.cancel();
            return null;
        });
    }

    @Test
    void cancelledErrorIsACancellationException() {
        assertThat(new CancelledError("x")).isInstanceOf(java.util.concurrent.CancellationException.class);
    }

    /** What a task's wait raised, or "returned", for the tests below. */
    private static Task<String> waiter(CheckedRunnable wait) {
        return Aio.createTask(() -> {
            try {
                wait.run();
                return "returned";
            } catch (CancelledError e) {
                return "cancelled: " + e.getMessage();
            }
        });
    }

    @Test
    void aWaitWhoseFutureWasCancelledRaisesThatCancellationWhateverCameAfter() {
        // Printed by CPython 3.13 for asyncio.sleep(10) and for await of a pending future:
        // cancel("one") + uncancel() -> ('one',); cancel("one") + cancel("two") -> ('one',);
        // cancel("one") + uncancel() + cancel("two") -> ('one',), cancelling() == 1.
        runVirtual(() -> {
            List<CheckedRunnable> waits = List.of(
                    () -> Aio.sleep(Duration.ofSeconds(10)),
                    () -> Aio.getRunningLoop().createFuture().await());
            for (CheckedRunnable wait : waits) {
                Task<String> t = waiter(wait);
                yieldNow();
                t.cancel("one");
                t.uncancel();
                assertThat(t.await()).isEqualTo("cancelled: one");

                t = waiter(wait);
                yieldNow();
                t.cancel("one");
                t.cancel("two");
                assertThat(t.await()).isEqualTo("cancelled: one");

                t = waiter(wait);
                yieldNow();
                t.cancel("one");
                t.uncancel();
                t.cancel("two");
                assertThat(t.await()).isEqualTo("cancelled: one");
                assertThat(t.cancelling()).isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void aSleepWhoseTimerFiredIsStillCancelledByARequestBeforeItResumes() {
        // CPython 3.13: sleep(0.01) and a callback due at the same deadline, scheduled after
        // it, that cancels the task with "late": the sleep raises ('late',).
        runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            Task<String> t = waiter(() -> Aio.sleep(Duration.ofMillis(10)));
            yieldNow();
            loop.callLater(Duration.ofMillis(10), () -> t.cancel("late"));
            assertThat(t.await()).isEqualTo("cancelled: late");
            return null;
        });
    }

    @Test
    void aCancelledSleepLeavesNoTimerBehind() {
        // Under the virtual clock an idle loop jumps to its next timer: a cancelled hour-long
        // sleep must not be that timer.
        runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            double start = loop.time();
            Task<String> t = waiter(() -> Aio.sleep(Duration.ofHours(1)));
            yieldNow();
            t.cancel("stop");
            assertThat(t.await()).isEqualTo("cancelled: stop");
            Aio.sleep(Duration.ofMillis(5));
            assertThat(loop.time() - start).isLessThan(1.0);
            return null;
        });
    }
}
