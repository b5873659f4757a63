package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aio4j.test.AioTest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class TimeoutTest {

    private static double now() {
        return Aio.getRunningLoop().time();
    }

    /** Moves virtual time on without letting the loop run, as a CPU-bound step would. */
    private static void crunch(Duration d) {
        ((VirtualClock) Aio.getRunningLoop().clock()).advance(d);
    }

    // ---------------------------------------------------------------- expiry

    @Test
    void expiryCancelsTheBodyAndRaisesTimeoutErrorCausedByTheCancellation() {
        // test_timeout_basic
        Timeout t = Timeout.after(Duration.ofMillis(10));
        TimeoutError e = assertThrows(TimeoutError.class, () -> t.run(() -> Aio.sleep(Duration.ofSeconds(10))));
        assertThat(e).hasCauseInstanceOf(CancelledError.class);
        assertThat(t.expired()).isTrue();
        assertThat(t.state()).isEqualTo(Timeout.State.EXPIRED);
        assertThat(now()).isCloseTo(0.010, Offset.offset(1e-6));
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @Test
    void atTakesAnAbsoluteDeadlineInLoopSeconds() {
        // test_timeout_at_basic
        double deadline = now() + 0.01;
        Timeout t = Timeout.at(deadline);
        assertThatThrownBy(() -> t.run(() -> Aio.sleep(Duration.ofSeconds(10)))).isInstanceOf(TimeoutError.class);
        assertThat(t.when()).isEqualTo(deadline);
        assertThat(now()).isCloseTo(deadline, Offset.offset(1e-6));
    }

    @Test
    void atNanosTakesAnExactDeadlineSharedBySeveralScopes() {
        long deadline = Aio.getRunningLoop().nanoTime() + 10_000_000L;
        Timeout first = Timeout.atNanos(deadline);
        first.run(() -> Aio.sleep(Duration.ofMillis(4)));
        Timeout second = Timeout.atNanos(deadline);
        assertThatThrownBy(() -> second.run(() -> Aio.sleep(Duration.ofSeconds(10))))
                .isInstanceOf(TimeoutError.class);
        assertThat(first.whenNanos()).isEqualTo(deadline);
        assertThat(second.whenNanos()).isEqualTo(deadline);
        assertThat(Aio.getRunningLoop().nanoTime()).isEqualTo(deadline);
        Timeout.atNanos(Long.MAX_VALUE).run(() -> Aio.sleep(Duration.ofHours(1)));
    }

    @Test
    void rescheduleWithADurationMovesTheDeadlineFromNow() {
        Timeout t = Timeout.after(Duration.ofMillis(10));
        assertThatThrownBy(() -> t.run(() -> {
                    for (int i = 0; i < 5; i++) {
                        Aio.sleep(Duration.ofMillis(8)); // progress: each step pushes the deadline on
                        t.reschedule(Duration.ofMillis(10));
                    }
                    t.reschedule(Duration.ofMillis(30));
                    Aio.sleep(Duration.ofSeconds(1));
                }))
                .isInstanceOf(TimeoutError.class)
                .hasMessageStartingWith("timed out after 30 ms");
        assertThat(now()).isCloseTo(0.070, Offset.offset(1e-6));
        Timeout none = Timeout.after(Duration.ofMillis(1));
        none.run(() -> {
            none.reschedule((Duration) null);
            Aio.sleep(Duration.ofHours(1));
        });
        assertThat(none.when()).isInfinite();
        assertThatThrownBy(() -> Timeout.after(Duration.ofSeconds(1)).reschedule(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBodyThatFinishesInTimeReturnsItsValueAndDoesNotExpire() {
        // test_timeout_not_called
        Timeout t = Timeout.after(Duration.ofSeconds(10));
        assertThat(t.run(() -> Aio.sleep(Duration.ofMillis(10), "v"))).isEqualTo("v");
        assertThat(t.expired()).isFalse();
        assertThat(t.state()).isEqualTo(Timeout.State.EXITED);
        assertThat(now()).isCloseTo(0.010, Offset.offset(1e-6));
    }

    @Test
    void noDeadlineNeverExpires() {
        // test_timeout_disabled, test_timeout_at_disabled
        Timeout t = Timeout.after(null);
        t.run(() -> Aio.sleep(Duration.ofHours(1)));
        assertThat(t.when()).isInfinite();
        assertThat(t.expired()).isFalse();
        Timeout.at(Double.POSITIVE_INFINITY, () -> Aio.sleep(Duration.ofHours(1)));
    }

    @Test
    void theTimeoutErrorSaysTheDurationTheUserAskedFor() {
        assertThatThrownBy(() -> Timeout.after(Duration.ofMillis(250), () -> Aio.sleep(Duration.ofSeconds(1))))
                .isInstanceOf(TimeoutError.class)
                .hasMessageStartingWith("timed out after 250 ms (Timeout[");
        double at = now() + 0.5;
        assertThatThrownBy(() -> Timeout.at(at, () -> Aio.sleep(Duration.ofSeconds(1))))
                .isInstanceOf(TimeoutError.class)
                .hasMessageStartingWith("the deadline " + at + " (loop seconds) passed");
    }

    @Test
    void whenReturnsExactlyTheDeadlineItWasGiven() {
        // test_timeouts.py compares cm.when() with == after timeout_at(t) and reschedule(t)
        java.util.SplittableRandom random = new java.util.SplittableRandom(2026);
        for (int i = 0; i < 1000; i++) {
            double deadline = now() + random.nextDouble(0, 100_000);
            assertThat(Timeout.at(deadline).when()).isEqualTo(deadline);
            Timeout entered = Timeout.at(deadline);
            entered.run(() -> assertThat(entered.when()).isEqualTo(deadline));
            double moved = now() + random.nextDouble(0, 100_000);
            Timeout t = Timeout.at(deadline);
            t.run(() -> {
                t.reschedule(moved);
                assertThat(t.when()).isEqualTo(moved);
                t.rescheduleNanos(Aio.getRunningLoop().nanoTime() + 1_000_000_000L);
                assertThat(t.when()).isEqualTo((Aio.getRunningLoop().nanoTime() + 1_000_000_000L) / 1e9);
            });
        }
    }

    @Test
    void theDeadlineIsFixedWhenTheTimeoutIsCreated() {
        // §5.5: a timeout created early and entered late fires immediately
        Timeout t = Timeout.after(Duration.ofMillis(10));
        Aio.sleep(Duration.ofMillis(20));
        assertThatThrownBy(() -> t.run(() -> Aio.sleep(Duration.ofSeconds(1)))).isInstanceOf(TimeoutError.class);
        assertThat(now()).isCloseTo(0.020, Offset.offset(1e-6));
    }

    @Test
    void zeroTimeoutExpiresAtTheFirstWait() {
        // test_timeout_zero, test_timeout_zero_sleep_zero, test_timeout_in_the_past_sleep_zero
        assertThatThrownBy(() -> Timeout.after(Duration.ZERO, () -> Aio.sleep(Duration.ofSeconds(10))))
                .isInstanceOf(TimeoutError.class);
        assertThatThrownBy(() -> Timeout.after(Duration.ZERO, () -> Aio.sleep(Duration.ZERO)))
                .isInstanceOf(TimeoutError.class);
        assertThatThrownBy(() -> Timeout.at(now() - 11, () -> Aio.sleep(Duration.ZERO)))
                .isInstanceOf(TimeoutError.class);
        assertThat(now()).isZero();
    }

    @Test
    void zeroTimeoutAroundABodyThatNeverWaitsNeverFires() {
        // §5.5 [run]: timeout(0) around a body with no await never fires
        Timeout t = Timeout.after(Duration.ZERO);
        assertThat(t.run(() -> 5)).isEqualTo(5);
        assertThat(t.expired()).isFalse();
        Aio.sleep(Duration.ZERO);
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @Test
    void aBodyThatSwallowsTheCancellationReturnsNormally() {
        Timeout t = Timeout.after(Duration.ofMillis(10));
        String r = t.run(() -> {
            try {
                Aio.sleep(Duration.ofSeconds(1));
                return "late";
            } catch (CancelledError e) {
                return "swallowed";
            }
        });
        assertThat(r).isEqualTo("swallowed");
        assertThat(t.expired()).isTrue();
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @Test
    void theTaskRunningAnExpiredScopeIsNotCancelled() {
        // test_outer_task_is_not_cancelled
        Task<Void> t = Aio.createTask(() -> {
            assertThatThrownBy(() -> Timeout.after(Duration.ofMillis(1), () -> Aio.sleep(Duration.ofSeconds(10))))
                    .isInstanceOf(TimeoutError.class);
        });
        t.await();
        assertThat(t.cancelled()).isFalse();
        assertThat(t.done()).isTrue();
    }

    // ---------------------------------------------------------------- foreign exceptions and cancellations

    @Test
    void anExceptionOfAnUnexpiredBodyPassesUnchanged() {
        // test_foreign_exception_passed
        assertThatThrownBy(() -> Timeout.after(Duration.ofSeconds(1), () -> {
                    throw new IllegalArgumentException("x");
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasNoSuppressedExceptions();
    }

    @Test
    void aCheckedExceptionOfTheBodyIsWrappedInCompletionException() {
        assertThatThrownBy(() -> Timeout.after(Duration.ofSeconds(1), () -> {
                    throw new java.io.IOException("io");
                }))
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(java.io.IOException.class);
    }

    @Test
    void anExceptionRaisedWhileBeingCancelledPassesWithTheTimeoutSuppressed() {
        // test_foreign_exception_on_timeout
        ArithmeticException e = assertThrows(
                ArithmeticException.class,
                () -> Timeout.after(Duration.ofMillis(10), () -> {
                    try {
                        Aio.sleep(Duration.ofSeconds(1));
                    } finally {
                        throw new ArithmeticException("/ by zero");
                    }
                }));
        assertThat(e.getSuppressed()).hasSize(1);
        assertThat(e.getSuppressed()[0]).isInstanceOf(TimeoutError.class);
    }

    @Test
    void anOutsideCancellationStaysACancelledErrorAndTheScopeDoesNotExpire() {
        // test_foreign_cancel_doesnt_timeout_if_not_expired
        Timeout t = Timeout.after(Duration.ofSeconds(10));
        assertThatThrownBy(() -> t.run(() -> {
                    Aio.currentTask().cancel();
                    Aio.sleep(Duration.ofSeconds(10));
                }))
                .isInstanceOf(CancelledError.class)
                .isNotInstanceOf(TimeoutError.class);
        assertThat(t.expired()).isFalse();
        Aio.currentTask().uncancel();
    }

    @Test
    void aTimeoutAfterASwallowedCancellationStillConvertsItsOwn() {
        // test_timeout_after_cancellation
        try {
            Aio.currentTask().cancel();
            Aio.sleep(Duration.ofSeconds(1));
        } catch (CancelledError e) {
            // swallowed without uncancel(): cancelling() stays 1
        }
        assertThat(Aio.currentTask().cancelling()).isEqualTo(1);
        assertThatThrownBy(() -> Timeout.after(Duration.ZERO, () -> Aio.sleep(Duration.ofSeconds(1))))
                .isInstanceOf(TimeoutError.class);
        assertThat(Aio.currentTask().cancelling()).isEqualTo(1);
        Aio.currentTask().uncancel();
    }

    @Test
    void aCancellationInsideATimeoutAfterASwallowedOneStaysCancelledError() {
        // test_cancel_in_timeout_after_cancellation
        try {
            Aio.currentTask().cancel();
            Aio.sleep(Duration.ofSeconds(1));
        } catch (CancelledError e) {
            // swallowed
        }
        assertThatThrownBy(() -> Timeout.after(Duration.ofSeconds(1), () -> {
                    Aio.currentTask().cancel();
                    Aio.sleep(Duration.ofSeconds(2));
                }))
                .isInstanceOf(CancelledError.class)
                .isNotInstanceOf(TimeoutError.class);
        assertThat(Aio.currentTask().cancelling()).isEqualTo(2);
        Aio.currentTask().uncancel();
        Aio.currentTask().uncancel();
    }

    @Test
    void aGroupFailingInsideAnExpiredScopeKeepsItsFailuresAndGetsTheTimeoutSuppressed() {
        // test_timeout_taskgroup
        TaskGroupException e = assertThrows(
                TaskGroupException.class,
                () -> Timeout.after(
                        Duration.ofMillis(10),
                        () -> TaskGroup.run(tg -> {
                            tg.createTask(() -> {
                                try {
                                    Aio.sleep(Duration.ofSeconds(2));
                                } finally {
                                    throw new ArithmeticException("crash in cleanup");
                                }
                            });
                            try {
                                throw new IllegalArgumentException();
                            } finally {
                                Aio.sleep(Duration.ofSeconds(1)); // cancelled by the deadline
                            }
                        })));
        assertThat(e.exceptions()).singleElement().isInstanceOf(ArithmeticException.class);
        assertThat(e.getSuppressed()).anyMatch(TimeoutError.class::isInstance);
        assertThat(Aio.currentTask().cancelling()).isZero();
        Aio.sleep(Duration.ofMillis(1)); // no cancellation is left pending
        assertThat(now()).isCloseTo(0.011, Offset.offset(1e-6));
    }

    // ---------------------------------------------------------------- nesting

    @Test
    void anInnerTimeoutConvertsOnlyItsOwnExpiry() {
        // test_nested_timeouts
        Timeout outer = Timeout.after(Duration.ofSeconds(10));
        Timeout inner = Timeout.after(Duration.ofMillis(10));
        outer.run(() -> {
            assertThatThrownBy(() -> inner.run(() -> Aio.sleep(Duration.ofSeconds(1))))
                    .isInstanceOf(TimeoutError.class);
            Aio.sleep(Duration.ofMillis(10)); // the outer scope is intact
        });
        assertThat(inner.expired()).isTrue();
        assertThat(outer.expired()).isFalse();
    }

    @Test
    void anOuterExpiryPassesThroughAnUnexpiredInnerScopeAsCancelledError() {
        AtomicReference<Throwable> seenInside = new AtomicReference<>();
        assertThatThrownBy(() -> Timeout.after(Duration.ofMillis(10), () -> {
                    try {
                        Timeout.after(Duration.ofSeconds(10), () -> Aio.sleep(Duration.ofSeconds(1)));
                    } catch (Throwable t) {
                        seenInside.set(t);
                        throw t;
                    }
                }))
                .isInstanceOf(TimeoutError.class);
        assertThat(seenInside.get()).isInstanceOf(CancelledError.class).isNotInstanceOf(TimeoutError.class);
    }

    @Test
    void whenBothExpireTogetherOnlyTheOuterRaisesTimeoutError() {
        // test_nested_timeouts_concurrent, test_nested_timeouts_loop_busy
        AtomicReference<Throwable> innerOutcome = new AtomicReference<>();
        Timeout outer = Timeout.after(Duration.ofMillis(2));
        assertThatThrownBy(() -> outer.run(() -> {
                    Timeout inner = Timeout.after(Duration.ofMillis(100));
                    try {
                        inner.run(() -> {
                            crunch(Duration.ofMillis(200)); // both deadlines pass before the loop runs
                            Aio.sleep(Duration.ofSeconds(1));
                        });
                    } catch (Throwable t) {
                        innerOutcome.set(t);
                        assertThat(inner.expired()).isTrue();
                        throw t;
                    }
                }))
                .isInstanceOf(TimeoutError.class);
        assertThat(innerOutcome.get()).isInstanceOf(CancelledError.class);
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @Test
    void aTimeoutInsideTheCleanupOfAnExpiredOneConvertsItsOwn() {
        // test_nested_timeout_in_finally
        AtomicReference<Throwable> inner = new AtomicReference<>();
        assertThatThrownBy(() -> Timeout.after(Duration.ofMillis(10), () -> {
                    try {
                        Aio.sleep(Duration.ofSeconds(1));
                    } finally {
                        try {
                            Timeout.after(Duration.ofMillis(10), () -> Aio.sleep(Duration.ofSeconds(10)));
                        } catch (TimeoutError e) {
                            inner.set(e);
                        }
                    }
                }))
                .isInstanceOf(TimeoutError.class);
        assertThat(inner.get()).isInstanceOf(TimeoutError.class);
        assertThat(now()).isCloseTo(0.020, Offset.offset(1e-6));
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    // ---------------------------------------------------------------- reschedule and state

    @Test
    void rescheduleMovesTheDeadlineAndNoneRemovesIt() {
        // test_reschedule
        Future<Timeout> entered = Aio.getRunningLoop().createFuture();
        double deadline1 = now() + 10;
        double deadline2 = deadline1 + 20;
        Task<Void> task = Aio.createTask(() -> {
            Timeout t = Timeout.at(deadline1);
            t.run(() -> {
                entered.setResult(t);
                Aio.sleep(Duration.ofSeconds(50));
            });
        });
        Timeout t = entered.await();
        assertThat(t.when()).isEqualTo(deadline1);
        t.reschedule(deadline2);
        assertThat(t.when()).isEqualTo(deadline2);
        t.reschedule(Double.POSITIVE_INFINITY);
        assertThat(t.when()).isInfinite();
        Aio.sleep(Duration.ofSeconds(40));
        task.cancel();
        assertThatThrownBy(task::await).isInstanceOf(CancelledError.class);
        assertThat(t.expired()).isFalse();
    }

    @Test
    void theBodyCanPushItsDeadlineOnProgress() {
        Timeout t = Timeout.after(Duration.ofMillis(100));
        int steps = t.run(() -> {
            for (int i = 0; i < 5; i++) {
                Aio.sleep(Duration.ofMillis(60));
                t.reschedule(now() + 0.1);
            }
            return 5;
        });
        assertThat(steps).isEqualTo(5);
        assertThat(now()).isCloseTo(0.3, Offset.offset(1e-6));
    }

    @Test
    void rescheduleOutsideTheActiveStateFails() {
        // test_timeout_not_entered, test_timeout_finished, test_timeout_expired, test_timeout_expiring
        Timeout created = Timeout.after(Duration.ofMillis(10));
        assertThatThrownBy(() -> created.reschedule(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has not been entered");
        created.run(() -> {});
        assertThatThrownBy(() -> created.reschedule(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited");
        Timeout expired = Timeout.after(Duration.ofMillis(10));
        assertThatThrownBy(() -> expired.run(() -> Aio.sleep(Duration.ofSeconds(1))))
                .isInstanceOf(TimeoutError.class);
        assertThatThrownBy(() -> expired.reschedule(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expired");
        Timeout expiring = Timeout.after(Duration.ofMillis(10));
        expiring.run(() -> {
            assertThatThrownBy(() -> Aio.sleep(Duration.ofSeconds(1))).isInstanceOf(CancelledError.class);
            assertThatThrownBy(() -> expiring.reschedule(1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("expiring");
        });
    }

    @Test
    void aScopeCanBeEnteredOnlyOnce() {
        // test_timeout_already_entered, test_timeout_double_enter
        Timeout t = Timeout.after(Duration.ofMillis(10));
        t.run(() -> assertThatThrownBy(() -> t.run(() -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already been entered"));
        assertThatThrownBy(() -> t.run(() -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already been entered");
    }

    @Test
    void aScopeNeedsATask() {
        // test_timeout_without_task
        Timeout t = Timeout.after(Duration.ofMillis(10));
        Future<Throwable> seen = Aio.getRunningLoop().createFuture();
        Aio.getRunningLoop().callSoon(() -> {
            try {
                t.run(() -> {});
                seen.setResult(null);
            } catch (Throwable e) {
                seen.setResult(e);
            }
        });
        assertThat(seen.await()).isInstanceOf(IllegalStateException.class).hasMessageContaining("task");
        assertThatThrownBy(() -> t.reschedule(1)).hasMessageContaining("has not been entered");
    }

    @Test
    void toStringShowsStateAndDeadline() {
        // test_repr_active, test_repr_expired, test_repr_finished, test_repr_disabled
        Timeout t = Timeout.at(10);
        assertThat(t.toString()).isEqualTo("Timeout[created, when=10.0]");
        t.run(() -> assertThat(t.toString()).isEqualTo("Timeout[entered, when=10.0]"));
        assertThat(t.toString()).isEqualTo("Timeout[exited, when=10.0]");
        assertThat(Timeout.after(null).toString()).isEqualTo("Timeout[created]");
    }

    // ---------------------------------------------------------------- Trio's forms

    @Test
    void moveOnAfterReturnsEmptyOnExpiryWithoutRaising() {
        Optional<String> late =
                Timeout.moveOnAfter(Duration.ofMillis(10), () -> Aio.sleep(Duration.ofSeconds(1), "late"));
        assertThat(late).isEmpty();
        Optional<String> early =
                Timeout.moveOnAfter(Duration.ofSeconds(1), () -> Aio.sleep(Duration.ofMillis(10), "early"));
        assertThat(early).contains("early");
        assertThat(Timeout.moveOnAfter(Duration.ofMillis(10), () -> Aio.sleep(Duration.ofSeconds(1))))
                .isFalse();
        assertThat(Timeout.moveOnAfter(Duration.ofSeconds(1), () -> Aio.sleep(Duration.ofMillis(1))))
                .isTrue();
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @Test
    void moveOnAfterLetsAnInnerScopesTimeoutErrorThrough() {
        assertThatThrownBy(() -> Timeout.moveOnAfter(
                        Duration.ofSeconds(10),
                        () -> Timeout.after(Duration.ofMillis(10), () -> Aio.sleep(Duration.ofSeconds(1), "x"))))
                .isInstanceOf(TimeoutError.class);
    }

    @Test
    void moveOnAfterDoesNotSwallowAnOutsideCancellation() {
        Task<Optional<String>> t = Aio.createTask(
                () -> Timeout.moveOnAfter(Duration.ofSeconds(10), () -> Aio.sleep(Duration.ofSeconds(5), "x")));
        Aio.sleep(Duration.ofSeconds(1));
        t.cancel();
        assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
    }

    @Test
    void afterRaisesTimeoutErrorWhereTrioSaysFailAfter() {
        assertThatThrownBy(() -> Timeout.after(Duration.ofMillis(10), () -> Aio.sleep(Duration.ofSeconds(1))))
                .isInstanceOf(TimeoutError.class);
    }
}
