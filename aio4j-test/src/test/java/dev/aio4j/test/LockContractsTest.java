package dev.aio4j.test;

import dev.aio4j.queue.Queue;
import dev.aio4j.sync.BoundedSemaphore;
import dev.aio4j.sync.Lock;
import dev.aio4j.sync.Semaphore;
import dev.aio4j.test.contract.LockContract;
import dev.aio4j.test.contract.LockLike;
import org.junit.jupiter.api.Nested;

/** The shipped lock contract over aio4j's own lock-like primitives. */
class LockContractsTest {

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
