package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;

/**
 * The showcase run by {@code ./aio4j demo}: what one event loop on one carrier thread does with
 * a lot of concurrent tasks.
 *
 * <p>Usage: {@code ./aio4j demo [--tasks N]} (default 100,000).
 */
public final class Demo {

    public static void main(String[] args) {
        int tasks = 100_000;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--tasks") && i + 1 < args.length) {
                tasks = Integer.parseInt(args[++i]);
            }
        }
        int n = tasks;
        Aio.run(() -> {
            EventLoop loop = Aio.getRunningLoop();
            System.out.printf("aio4j demo: one event loop, %s mode, JDK %s, %d cores%n", loop.mode(),
                    Runtime.version().feature(), Runtime.getRuntime().availableProcessors());
            concurrentSleeps(n);
            switching();
            cancellation(n / 10);
            threadBridge();
            return null;
        });
    }

    /** N tasks each sleep a random 0-100 ms; a progress line counts them down. */
    private static void concurrentSleeps(int n) {
        System.out.printf("%n1. %,d tasks, each sleeping a random 0-100 ms%n", n);
        SplittableRandom random = new SplittableRandom(42);
        int[] finished = {0};
        long start = System.nanoTime();
        List<Task<Void>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Duration d = Duration.ofMillis(random.nextInt(101));
            all.add(Aio.createTask(() -> {
                Aio.sleep(d);
                finished[0]++;
            }));
        }
        long spawned = System.nanoTime();
        Task<Void> progress = Aio.createTask(() -> {
            while (true) {
                System.out.printf("\r   finished %,9d / %,d", finished[0], n);
                System.out.flush();
                Aio.sleep(Duration.ofMillis(20));
            }
        });
        for (Task<Void> t : all) {
            t.await();
        }
        long end = System.nanoTime();
        progress.cancel();
        System.out.printf("\r   finished %,9d / %,d%n", finished[0], n);
        System.out.printf("   spawned in %.1f ms (%.0f ns a task); all done in %.1f ms, %.1f ms over the longest sleep%n",
                ms(spawned - start), (double) (spawned - start) / n, ms(end - start), ms(end - start) - 100);
    }

    /** 1,000 tasks x 1,000 yields: the cost of one task switch. */
    private static void switching() {
        int tasks = 1_000, yields = 1_000;
        System.out.printf("%n2. %,d tasks x %,d yields (Aio.sleep(Duration.ZERO))%n", tasks, yields);
        long start = System.nanoTime();
        List<Task<Void>> all = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            all.add(Aio.createTask(() -> {
                for (int k = 0; k < yields; k++) {
                    Aio.sleep(Duration.ZERO);
                }
            }));
        }
        for (Task<Void> t : all) {
            t.await();
        }
        long took = System.nanoTime() - start;
        System.out.printf("   %,d switches in %.1f ms: %.0f ns a switch%n", (long) tasks * yields, ms(took),
                (double) took / ((long) tasks * yields));
    }

    /** Cancel N sleeping tasks; each sees CancelledError at its wait and cleans up. */
    private static void cancellation(int n) {
        System.out.printf("%n3. cancelling %,d sleeping tasks%n", n);
        int[] cleanedUp = {0};
        List<Task<Void>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(Aio.createTask(() -> {
                try {
                    Aio.sleep(Duration.ofHours(1));
                } finally {
                    cleanedUp[0]++;
                }
            }));
        }
        Aio.sleep(Duration.ZERO);
        long start = System.nanoTime();
        for (Task<Void> t : all) {
            t.cancel("demo over");
        }
        int cancelled = 0;
        for (Task<Void> t : all) {
            try {
                t.await();
            } catch (CancellationException e) {
                cancelled++;
            }
        }
        System.out.printf("   %,d cancelled, %,d finally blocks ran, in %.1f ms%n", cancelled, cleanedUp[0],
                ms(System.nanoTime() - start));
    }

    /** Blocking work goes to a thread while the loop keeps ticking. */
    private static void threadBridge() {
        System.out.printf("%n4. a blocking call on a worker thread (Aio.toThread) while the loop ticks%n");
        int[] ticks = {0};
        Task<Void> ticker = Aio.createTask(() -> {
            while (true) {
                Aio.sleep(Duration.ofMillis(10));
                ticks[0]++;
            }
        });
        String result = Aio.toThread(() -> {
            Thread.sleep(200); // stands for file I/O, DNS, a native call
            return Thread.currentThread().getName();
        });
        ticker.cancel();
        System.out.printf("   the call ran on %s; the loop ticked %d times meanwhile%n", result, ticks[0]);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    static {
        Locale.setDefault(Locale.ROOT);
    }
}
