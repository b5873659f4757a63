package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.sync.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A counter that many tasks increment with a read, a wait, and a write: without the lock the
 * wait between read and write loses updates; with it every increment counts.
 *
 * <pre>
 *   ./aio4j example LockedCounter [TASKS]
 * </pre>
 */
public final class LockedCounter {
    private LockedCounter() {}

    private static int counter;

    public static void main(String[] args) {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        Aio.run(() -> {
            counter = 0;
            runAll(tasks, null);
            System.out.println("without a lock: " + counter + " of " + tasks + " increments kept");

            counter = 0;
            Lock lock = new Lock();
            runAll(tasks, lock);
            System.out.println("with a lock:    " + counter + " of " + tasks + " increments kept");
        });
    }

    private static void runAll(int tasks, Lock lock) {
        List<Task<Void>> all = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            all.add(Aio.createTask(() -> {
                if (lock == null) {
                    increment();
                } else {
                    try (var held = lock.acquire()) {
                        increment();
                    }
                }
            }));
        }
        for (Task<Void> t : all) {
            t.await();
        }
    }

    /** Read, wait (another task may run here), write: a lost update unless a lock is held. */
    private static void increment() {
        int seen = counter;
        Aio.sleep(Duration.ZERO);
        counter = seen + 1;
    }
}
