package dev.aio4j.sync;

import static dev.aio4j.sync.SyncTesting.runVirtual;
import static dev.aio4j.sync.SyncTesting.settle;
import static dev.aio4j.sync.SyncTesting.withDeadline;
import static dev.aio4j.sync.SyncTesting.yieldNow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Task;
import dev.aio4j.queue.Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every lock-like primitive keeps, run over Lock, Semaphore(1),
 * BoundedSemaphore(1) and a queue of one slot used as a lock.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken primitive hangs rather than fails
class LockLikeContractTest {

    abstract static class Contract {
        /** A fresh, free primitive with one permit. */
        abstract LockLike create();

        @Test
        void atMostOneTaskHoldsItAtATime() {
            int max = runVirtual(() -> {
                LockLike lock = create();
                int[] inside = {0, 0};
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    int k = i;
                    tasks.add(Aio.createTask(() -> {
                        lock.acquire();
                        try {
                            inside[0]++;
                            inside[1] = Math.max(inside[1], inside[0]);
                            Aio.sleep(Duration.ofMillis(k % 3));
                            inside[0]--;
                        } finally {
                            lock.release();
                        }
                    }));
                }
                for (Task<Void> t : tasks) {
                    t.await();
                }
                assertThat(lock.locked()).isFalse();
                return inside[1];
            });
            assertThat(max).isEqualTo(1);
        }

        @Test
        void waitersAreServedInTheOrderTheyCameIn() {
            List<Integer> order = runVirtual(() -> {
                LockLike lock = create();
                lock.acquire();
                List<Integer> result = new ArrayList<>();
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    int k = i;
                    tasks.add(Aio.createTask(() -> {
                        lock.acquire();
                        result.add(k);
                        yieldNow();
                        lock.release();
                    }));
                }
                yieldNow();
                lock.release();
                for (Task<Void> t : tasks) {
                    t.await();
                }
                return result;
            });
            assertThat(order).containsExactly(0, 1, 2, 3, 4);
        }

        @Test
        void cancelledWaiterNeverHoldsIt() {
            runVirtual(() -> {
                LockLike lock = create();
                lock.acquire();
                Task<Void> waiter = Aio.createTask(lock::acquire);
                yieldNow();
                waiter.cancel();
                assertThatThrownBy(waiter::await).isInstanceOf(CancelledError.class);
                lock.release();
                assertThat(lock.locked()).isFalse();
            });
        }

        @Test
        void wokenWaiterCancelledBeforeResumingPassesItsTurnOn() {
            runVirtual(() -> {
                LockLike lock = create();
                lock.acquire();
                Task<Void> a = Aio.createTask(lock::acquire);
                Task<Void> b = Aio.createTask(lock::acquire);
                yieldNow();
                lock.release();
                a.cancel();
                assertThatThrownBy(a::await).isInstanceOf(CancelledError.class);
                b.await();
                assertThat(lock.locked()).isTrue();
                lock.release();
                assertThat(lock.locked()).isFalse();
            });
        }

        @Test
        void timedOutWaiterLeavesNoTrace() {
            runVirtual(() -> {
                LockLike lock = create();
                lock.acquire();
                assertThat(withDeadline(Duration.ofSeconds(5), lock::acquire)).isFalse();
                lock.release();
                assertThat(lock.locked()).isFalse();
                assertThat(withDeadline(Duration.ofSeconds(5), () -> {
                    lock.acquire();
                    lock.release();
                })).isTrue();
            });
        }

        @Test
        void releasingAFreeOneFailsUnlessItIsAPlainSemaphore() {
            runVirtual(() -> {
                LockLike lock = create();
                if (lock.strictRelease()) {
                    assertThatThrownBy(lock::release).isInstanceOf(RuntimeException.class);
                } else {
                    lock.release(); // asyncio's Semaphore allows it: the value grows
                    lock.acquire();
                }
                assertThat(lock.locked()).isFalse();
            });
        }

        @Test
        void newcomerDoesNotOvertakeAWokenWaiter() {
            LockLike probe = create();
            assumeTrue(probe.noBarging(), "queues let a newcomer take a freed slot, as in asyncio");
            List<String> order = runVirtual(() -> {
                LockLike lock = create();
                List<String> result = new ArrayList<>();
                lock.acquire();
                Task<Void> woken = Aio.createTask(() -> {
                    lock.acquire();
                    result.add("woken");
                    lock.release();
                });
                yieldNow();
                lock.release(); // wakes `woken`, which has not resumed yet
                lock.acquire(); // the newcomer: must queue behind it
                result.add("newcomer");
                lock.release();
                woken.await();
                return result;
            });
            assertThat(order).containsExactly("woken", "newcomer");
        }

        @Test
        void useFromASecondLoopIsRefused() {
            LockLike lock = create();
            runVirtual(() -> {
                lock.acquire();
                lock.release();
            });
            assertThatThrownBy(() -> runVirtual(lock::acquire)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("bound to a different event loop");
        }

        @Test
        void cancellationWhileHoldingDoesNotLeakTheHold() {
            runVirtual(() -> {
                LockLike lock = create();
                Task<Void> holder = Aio.createTask(() -> {
                    lock.acquire();
                    try {
                        Aio.sleep(Duration.ofHours(1));
                    } finally {
                        lock.release();
                    }
                });
                settle(2);
                assertThat(lock.locked()).isTrue();
                holder.cancel();
                assertThatThrownBy(holder::await).isInstanceOf(CancelledError.class);
                assertThat(lock.locked()).isFalse();
            });
        }
    }

    @Nested
    class ForLock extends Contract {
        @Override
        LockLike create() {
            return LockLike.of(new Lock());
        }
    }

    @Nested
    class ForSemaphoreOfOne extends Contract {
        @Override
        LockLike create() {
            return LockLike.of(new Semaphore(1), 1);
        }
    }

    @Nested
    class ForBoundedSemaphoreOfOne extends Contract {
        @Override
        LockLike create() {
            return LockLike.of(new BoundedSemaphore(1), 1);
        }
    }

    @Nested
    class ForQueueOfOneSlot extends Contract {
        @Override
        LockLike create() {
            return LockLike.of(new Queue<>(1), 1);
        }
    }
}
