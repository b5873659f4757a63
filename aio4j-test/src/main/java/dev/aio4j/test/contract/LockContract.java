package dev.aio4j.test.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.RunOptions;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.test.AioTest;
import dev.aio4j.test.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract every lock-like primitive with one permit keeps: mutual exclusion, FIFO service,
 * no barging, and cancellation that never leaves a waiter holding it. Extend it in your tests
 * and return a fresh primitive from {@link #create()}:
 *
 * <pre>{@code
 * class MyLockTest extends LockContract {
 *     protected LockLike create() { return LockLike.of(new MyLock()); }
 * }
 * }</pre>
 *
 * <p>Runs on virtual time; every test ends with no task left and no exception unhandled.
 */
@AioTest(virtualTime = true)
public abstract class LockContract {

    /** For subclasses, which JUnit makes. */
    protected LockContract() {}

    /** A fresh, free primitive with one permit. */
    protected abstract LockLike create();

    /** Mutual exclusion: of 50 tasks, never two hold it at once. */
    @Test
    public void atMostOneTaskHoldsItAtATime() {
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
        assertFalse(lock.locked());
        assertEquals(1, inside[1], "the most tasks inside at once");
    }

    /** FIFO: waiters get it in the order they started waiting. */
    @Test
    public void waitersAreServedInTheOrderTheyCameIn(TestClock clock) {
        LockLike lock = create();
        lock.acquire();
        List<Integer> order = new ArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int k = i;
            tasks.add(Aio.createTask(() -> {
                lock.acquire();
                order.add(k);
                Aio.sleep(Duration.ZERO);
                lock.release();
            }));
        }
        clock.waitAllTasksBlocked();
        lock.release();
        for (Task<Void> t : tasks) {
            t.await();
        }
        assertEquals(List.of(0, 1, 2, 3, 4), order);
    }

    /** A waiter cancelled while waiting never holds it, and the next waiter still gets it. */
    @Test
    public void cancelledWaiterNeverHoldsIt(TestClock clock) {
        LockLike lock = create();
        lock.acquire();
        Task<Void> waiter = Aio.createTask(lock::acquire);
        clock.waitAllTasksBlocked();
        waiter.cancel();
        assertThrows(CancelledError.class, waiter::await);
        lock.release();
        assertFalse(lock.locked());
    }

    /** A waiter cancelled after being woken, before it ran, passes its turn to the next waiter. */
    @Test
    public void wokenWaiterCancelledBeforeResumingPassesItsTurnOn(TestClock clock) {
        LockLike lock = create();
        lock.acquire();
        Task<Void> a = Aio.createTask(lock::acquire);
        Task<Void> b = Aio.createTask(lock::acquire);
        clock.waitAllTasksBlocked();
        lock.release();
        a.cancel();
        assertThrows(CancelledError.class, a::await);
        b.await();
        assertTrue(lock.locked());
        lock.release();
        assertFalse(lock.locked());
    }

    /** A waiter whose timeout passed leaves no trace: the next release is not lost on it. */
    @Test
    public void timedOutWaiterLeavesNoTrace() {
        LockLike lock = create();
        lock.acquire();
        assertFalse(Timeout.moveOnAfter(Duration.ofSeconds(5), lock::acquire), "acquired while held");
        lock.release();
        assertFalse(lock.locked());
        assertTrue(Timeout.moveOnAfter(Duration.ofSeconds(5), () -> {
            lock.acquire();
            lock.release();
        }));
    }

    /** Releasing a free one throws, except for a plain (unbounded) semaphore. */
    @Test
    public void releasingAFreeOneFailsUnlessItIsAPlainSemaphore() {
        LockLike lock = create();
        if (lock.strictRelease()) {
            assertThrows(RuntimeException.class, lock::release);
        } else {
            lock.release(); // asyncio's Semaphore allows it: the value grows
            lock.acquire();
        }
        assertFalse(lock.locked());
    }

    /** No barging: a task arriving after a release does not take it from the woken waiter. */
    @Test
    public void newcomerDoesNotOvertakeAWokenWaiter(TestClock clock) {
        LockLike lock = create();
        assumeTrue(lock.noBarging(), "queues let a newcomer take a freed slot, as in asyncio");
        List<String> order = new ArrayList<>();
        lock.acquire();
        Task<Void> woken = Aio.createTask(() -> {
            lock.acquire();
            order.add("woken");
            lock.release();
        });
        clock.waitAllTasksBlocked();
        lock.release(); // wakes `woken`, which has not resumed yet
        lock.acquire(); // the newcomer: must queue behind it
        order.add("newcomer");
        lock.release();
        woken.await();
        assertEquals(List.of("woken", "newcomer"), order);
    }

    /** A primitive used on one loop refuses a task of another loop. */
    @Test
    public void useFromASecondLoopIsRefused() throws Exception {
        LockLike lock = create();
        lock.acquire();
        lock.release();
        Throwable refused = Aio.toThread(() -> {
            try {
                Aio.run(lock::acquire, RunOptions.defaults().withSigintHandling(false));
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        });
        assertTrue(
                refused != null && String.valueOf(refused.getMessage()).contains("bound to a different event loop"),
                "a second loop was refused: " + refused);
    }

    /** A holder cancelled while it holds releases it in its finally block, and nothing stays held. */
    @Test
    public void cancellationWhileHoldingDoesNotLeakTheHold(TestClock clock) {
        LockLike lock = create();
        Task<Void> holder = Aio.createTask(() -> {
            lock.acquire();
            try {
                Aio.sleep(Duration.ofHours(1));
            } finally {
                lock.release();
            }
        });
        clock.waitAllTasksBlocked();
        assertTrue(lock.locked());
        holder.cancel();
        assertThrows(CancelledError.class, holder::await);
        assertFalse(lock.locked());
    }
}
