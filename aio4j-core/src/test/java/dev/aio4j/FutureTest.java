package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class FutureTest {

    @Test
    void aFutureCompletesOnceAndMisuseIsAnInvalidStateError() {
        runReal(() -> {
            Future<Integer> f = Aio.getRunningLoop().createFuture();
            assertThat(f.done()).isFalse();
            assertThatThrownBy(f::result).isInstanceOf(InvalidStateError.class).hasMessage("Result is not set.");
            assertThatThrownBy(f::exception)
                    .isInstanceOf(InvalidStateError.class)
                    .hasMessage("Exception is not set.");
            f.setResult(3);
            assertThat(f.result()).isEqualTo(3);
            assertThat(f.exception()).isNull();
            assertThatThrownBy(() -> f.setResult(4)).isInstanceOf(InvalidStateError.class);
            assertThatThrownBy(() -> f.setException(new RuntimeException())).isInstanceOf(InvalidStateError.class);
            assertThat(f.cancel()).isFalse();
            assertThat(f.state()).isEqualTo(Future.State.FINISHED);
            return null;
        });
    }

    @Test
    void trySetResultCompletesAPendingFutureAndLeavesADoneOneAlone() {
        runReal(() -> {
            EventLoop loop = Aio.getRunningLoop();
            Future<Integer> f = loop.createFuture();
            assertThat(f.trySetResult(1)).isTrue();
            assertThat(f.trySetResult(2)).isFalse();
            assertThat(f.trySetException(new IllegalStateException("late"))).isFalse();
            assertThat(f.result()).isEqualTo(1);

            Future<Integer> failed = loop.createFuture();
            IllegalArgumentException boom = new IllegalArgumentException("boom");
            assertThat(failed.trySetException(boom)).isTrue();
            assertThat(failed.trySetResult(3)).isFalse();
            assertThat(failed.exception()).isSameAs(boom);

            Future<Integer> cancelled = loop.createFuture();
            cancelled.cancel();
            assertThat(cancelled.trySetResult(4)).isFalse();
            assertThat(cancelled.cancelled()).isTrue();
            assertThatThrownBy(() -> loop.createFuture().trySetException(null))
                    .isInstanceOf(NullPointerException.class);

            Task<Void> task = Aio.createTask(() -> null);
            assertThatThrownBy(() -> task.trySetResult(null)).isInstanceOf(UnsupportedOperationException.class);
            task.await();
            return null;
        });
    }

    @Test
    void anExceptionIsThrownByResultAndAwaitAsItIs() {
        runReal(() -> {
            Future<Integer> f = Aio.getRunningLoop().createFuture();
            IllegalArgumentException boom = new IllegalArgumentException("boom");
            f.setException(boom);
            assertThatThrownBy(f::result).isSameAs(boom);
            assertThatThrownBy(f::await).isSameAs(boom);
            assertThat(f.exception()).isSameAs(boom);
            return null;
        });
    }

    @Test
    void aCheckedExceptionIsWrappedInCompletionException() {
        runReal(() -> {
            Task<Void> t = Aio.createTask(() -> {
                throw new IOException("disk");
            });
            assertThatThrownBy(t::await).isInstanceOf(CompletionException.class).hasCauseInstanceOf(IOException.class);
            assertThat(t.exception()).isInstanceOf(IOException.class);
            return null;
        });
    }

    @Test
    void cancelCarriesItsMessage() {
        runReal(() -> {
            Future<Integer> f = Aio.getRunningLoop().createFuture();
            assertThat(f.cancel("why")).isTrue();
            assertThat(f.cancelled()).isTrue();
            assertThatThrownBy(f::result).isInstanceOf(CancelledError.class).hasMessage("why");
            assertThatThrownBy(f::exception).isInstanceOf(CancelledError.class).hasMessage("why");
            return null;
        });
    }

    @Test
    void doneCallbacksRunSoonInRegistrationOrderNeverInline() {
        List<String> seen = runReal(() -> {
            Future<Integer> f = Aio.getRunningLoop().createFuture();
            List<String> s = new ArrayList<>();
            f.addDoneCallback(x -> s.add("first " + x.result()));
            f.addDoneCallback(x -> s.add("second"));
            f.setResult(1);
            s.add("after setResult");
            f.addDoneCallback(x -> s.add("added when done"));
            s.add("after add");
            Aio.sleep(Duration.ofMillis(1));
            return s;
        });
        assertThat(seen).containsExactly("after setResult", "after add", "first 1", "second", "added when done");
    }

    @Test
    void removeDoneCallbackRemovesEveryRegistrationAndCountsThem() {
        runReal(() -> {
            Future<Integer> f = Aio.getRunningLoop().createFuture();
            List<String> s = new ArrayList<>();
            Consumer<Future<Integer>> cb = x -> s.add("cb");
            f.addDoneCallback(cb);
            f.addDoneCallback(x -> s.add("other"));
            f.addDoneCallback(cb);
            assertThat(f.removeDoneCallback(cb)).isEqualTo(2);
            assertThat(f.removeDoneCallback(cb)).isZero();
            f.setResult(1);
            Aio.sleep(Duration.ofMillis(1));
            assertThat(s).containsExactly("other");
            return null;
        });
    }

    @Test
    void manyTasksAwaitOneFuture() {
        int sum = runReal(() -> {
            Future<Integer> f = Aio.getRunningLoop().createFuture();
            List<Task<Integer>> waiters = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                waiters.add(Aio.createTask(f::await));
            }
            Aio.sleep(Duration.ZERO);
            f.setResult(2);
            int s = 0;
            for (Task<Integer> t : waiters) {
                s += t.await();
            }
            return s;
        });
        assertThat(sum).isEqualTo(200);
    }

    @Test
    void awaitingAFutureOfAnotherLoopIsRefused() {
        try (EventLoop other = EventLoop.newEventLoop()) {
            Future<Integer> foreign = other.createFuture();
            runReal(() -> {
                assertThatThrownBy(foreign::await)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("attached to a different loop");
                return null;
            });
        }
    }

    @Test
    void aTaskCannotAwaitItself() {
        runReal(() -> {
            Task<?> self = Aio.currentTask();
            assertThatThrownBy(self::await).hasMessageContaining("Task cannot await on itself");
            return null;
        });
    }

    @Test
    void awaitOutsideATaskIsAClearError() {
        try (EventLoop loop = EventLoop.newEventLoop()) {
            Future<Integer> f = loop.createFuture();
            assertThatThrownBy(f::await)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("must be called from a task");
        }
    }

    @Test
    void aFutureSeenAsACompletableFutureFromAnotherThread() throws Exception {
        CompletableFuture<Integer>[] cf = new CompletableFuture[1];
        runReal(() -> {
            Future<Integer> f = Aio.getRunningLoop().createFuture();
            Integer fromThread = Aio.toThread(() -> {
                cf[0] = f.toCompletableFuture(); // called off the loop
                return null;
            });
            assertThat(fromThread).isNull();
            Aio.sleep(Duration.ofMillis(1)); // let the hook registration reach the loop
            f.setResult(9);
            assertThat(Aio.await(cf[0])).isEqualTo(9);
            return null;
        });
        assertThat(cf[0].get(5, TimeUnit.SECONDS)).isEqualTo(9);
    }

    @Test
    void aTaskSeenAsACompletableFutureReportsFailureAndCancellation() {
        CompletableFuture<?>[] cfs = new CompletableFuture[2];
        runReal(() -> {
            Task<Void> fails = Aio.createTask(() -> {
                throw new IllegalStateException("nope");
            });
            Task<Void> cancelled = Aio.createTask(() -> Aio.sleep(Duration.ofHours(1)));
            cfs[0] = fails.toCompletableFuture();
            cfs[1] = cancelled.toCompletableFuture();
            Aio.sleep(Duration.ZERO);
            cancelled.cancel();
            Aio.sleep(Duration.ofMillis(1));
            return null;
        });
        assertThatThrownBy(() -> cfs[0].get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(cfs[1].isCancelled() || cfs[1].isCompletedExceptionally()).isTrue();
        assertThatThrownBy(() -> cfs[1].join()).isInstanceOf(java.util.concurrent.CancellationException.class);
    }

    @Test
    void anExceptionNobodyRetrievedIsReportedWhenTheTaskIsCollected() throws Exception {
        List<ExceptionContext> reports = java.util.Collections.synchronizedList(new ArrayList<>());
        try (EventLoop loop = EventLoop.newEventLoop()) {
            loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
            loop.runUntilComplete(() -> {
                Aio.createTask(
                        () -> {
                            throw new IllegalStateException("lost");
                        },
                        "forgotten");
                Aio.sleep(Duration.ofMillis(1));
                return null;
            });
            // Collect the forgotten task; the report arrives through the loop.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reports.isEmpty() && System.nanoTime() < deadline) {
                System.gc();
                loop.runUntilComplete(() -> {
                    Aio.sleep(Duration.ofMillis(5));
                    return null;
                });
            }
        }
        assertThat(reports).isNotEmpty();
        assertThat(reports.get(0).message()).isEqualTo("Task exception was never retrieved");
        assertThat(reports.get(0).taskName()).isEqualTo("forgotten");
        assertThat(reports.get(0).exception()).hasMessage("lost");
    }
}
