package dev.aio4j.sync;

import dev.aio4j.queue.Queue;
import dev.aio4j.test.contract.LockContract;
import dev.aio4j.test.contract.LockLike;
import org.junit.jupiter.api.Nested;

/**
 * The shipped lock contract run over Lock, Semaphore(1), BoundedSemaphore(1) and a queue of one
 * slot used as a lock.
 */
class LockLikeContractTest {

    @Nested
    class ForLock extends LockContract {
        @Override
        protected LockLike create() {
            return LockLike.of(new Lock());
        }
    }

    @Nested
    class ForSemaphoreOfOne extends LockContract {
        @Override
        protected LockLike create() {
            return LockLike.of(new Semaphore(1));
        }
    }

    @Nested
    class ForBoundedSemaphoreOfOne extends LockContract {
        @Override
        protected LockLike create() {
            return LockLike.of(new BoundedSemaphore(1));
        }
    }

    @Nested
    class ForQueueOfOneSlot extends LockContract {
        @Override
        protected LockLike create() {
            return LockLike.of(new Queue<>(1));
        }
    }
}
