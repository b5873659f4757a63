package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.sync.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts many jobs at once but lets at most a few run at a time (a Semaphore), the way one
 * limits concurrent requests to a server. Each job takes 10 ms; the run takes about
 * jobs / limit x 10 ms, and never more than {@code limit} jobs are inside at once.
 *
 * <pre>
 *   ./aio4j example SemaphoreFanOut [JOBS] [LIMIT]
 * </pre>
 */
public final class SemaphoreFanOut {
    private SemaphoreFanOut() {}

    public static void main(String[] args) {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Aio.run(() -> {
            Semaphore slots = new Semaphore(limit);
            int[] inside = {0, 0};
            long start = System.nanoTime();
            List<Task<Integer>> all = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                int job = i;
                all.add(Aio.createTask(() -> {
                    try (var held = slots.acquire()) {
                        inside[0]++;
                        inside[1] = Math.max(inside[1], inside[0]);
                        Aio.sleep(Duration.ofMillis(10)); // the "request"
                        inside[0]--;
                        return job * job;
                    }
                }));
            }
            long sum = 0;
            for (Task<Integer> t : all) {
                sum += t.await();
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf(
                    "%d jobs, at most %d at once (limit %d), sum of squares %d, %d ms%n",
                    jobs, inside[1], limit, sum, ms);
        });
    }
}
