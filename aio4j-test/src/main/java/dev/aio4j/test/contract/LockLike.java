package dev.aio4j.test.contract;

import dev.aio4j.queue.Queue;
import dev.aio4j.sync.BoundedSemaphore;
import dev.aio4j.sync.Lock;
import dev.aio4j.sync.Semaphore;

/**
 * What {@link LockContract} needs of a lock-like primitive: acquire, release, locked. Adapters
 * for aio4j's own primitives are here; wrap yours the same way.
 */
public interface LockLike {

    /** Waits for and takes the primitive. */
    void acquire();

    /** Gives it back; throws some RuntimeException if it is not taken (see {@link #strictRelease}). */
    void release();

    /** True if {@code acquire()} would wait. */
    boolean locked();

    /** True if a newcomer never overtakes a woken waiter (locks and semaphores; not queues). */
    default boolean noBarging() {
        return true;
    }

    /** True if releasing a free primitive fails (all but asyncio's plain Semaphore). */
    default boolean strictRelease() {
        return true;
    }

    /** A {@link Lock}. */
    static LockLike of(Lock lock) {
        return new LockLike() {
            public void acquire() {
                lock.acquire();
            }

            public void release() {
                lock.release();
            }

            public boolean locked() {
                return lock.locked();
            }

            @Override
            public String toString() {
                return lock.toString();
            }
        };
    }

    /** A {@link Semaphore} (or {@link BoundedSemaphore}) with one permit. */
    static LockLike of(Semaphore sem) {
        return new LockLike() {
            public void acquire() {
                sem.acquire();
            }

            public void release() {
                sem.release();
            }

            public boolean locked() {
                return sem.locked();
            }

            public boolean strictRelease() {
                return sem instanceof BoundedSemaphore;
            }

            @Override
            public String toString() {
                return sem.toString();
            }
        };
    }

    /** A queue of one slot used as a lock: put takes the slot, getNowait frees it. */
    static LockLike of(Queue<Object> queue) {
        return new LockLike() {
            public void acquire() {
                queue.put(Boolean.TRUE);
            }

            public void release() {
                queue.getNowait();
            }

            public boolean locked() {
                return queue.full();
            }

            public boolean noBarging() {
                return false;
            }

            @Override
            public String toString() {
                return queue.toString();
            }
        };
    }
}
