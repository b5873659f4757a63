package dev.aio4j.sync;

import dev.aio4j.queue.Queue;

/** What the shared contract and stress suites need of a lock-like primitive. */
public interface LockLike {
    /** Waits for and takes the primitive. */
    void acquire();

    /** Gives it back; throws some RuntimeException if it is not taken. */
    void release();

    /** True if {@code acquire()} would wait. */
    boolean locked();

    /** How many tasks may hold it at once. */
    default int permits() {
        return 1;
    }

    /** True if a newcomer never overtakes a woken waiter (Lock and semaphores, not queues). */
    default boolean noBarging() {
        return true;
    }

    /** True if releasing a free primitive fails (all but the plain Semaphore). */
    default boolean strictRelease() {
        return true;
    }

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

    static LockLike of(Semaphore sem, int permits) {
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

            public int permits() {
                return permits;
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

    /** A queue of {@code slots} slots used as a semaphore: put takes a slot, getNowait frees one. */
    static LockLike of(Queue<Object> queue, int slots) {
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

            public int permits() {
                return slots;
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
