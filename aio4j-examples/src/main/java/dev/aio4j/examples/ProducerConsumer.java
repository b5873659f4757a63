package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.queue.Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Producers put work into a bounded queue, consumers take it out; when the producers are done
 * the queue is joined (every item processed) and shut down, which ends the consumers' for-each
 * loops.
 *
 * <pre>
 *   ./aio4j example ProducerConsumer [PRODUCERS] [CONSUMERS] [ITEMS_EACH]
 * </pre>
 */
public final class ProducerConsumer {
    private ProducerConsumer() {}

    public static void main(String[] args) {
        int producers = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int consumers = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int itemsEach = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Aio.run(() -> {
            Queue<Integer> queue = new Queue<>(8); // a full queue makes producers wait
            List<Task<Void>> producing = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int base = p * itemsEach;
                producing.add(Aio.createTask(
                        () -> {
                            for (int i = 0; i < itemsEach; i++) {
                                queue.put(base + i);
                            }
                        },
                        "producer-" + p));
            }
            List<Task<Integer>> consuming = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                consuming.add(Aio.createTask(
                        () -> {
                            int handled = 0;
                            for (int item : queue) { // ends when the queue is shut down and empty
                                Aio.sleep(Duration.ofMillis(1)); // the work
                                handled++;
                                queue.taskDone();
                            }
                            return handled;
                        },
                        "consumer-" + c));
            }
            for (Task<Void> t : producing) {
                t.await();
            }
            queue.join(); // every item put has been processed
            queue.shutdown(); // the shutdown signal: consumers' loops end
            StringBuilder line = new StringBuilder();
            int total = 0;
            for (Task<Integer> t : consuming) {
                int n = t.await();
                total += n;
                line.append(t.getName()).append('=').append(n).append(' ');
            }
            System.out.println("processed " + total + " of " + producers * itemsEach + " items: "
                    + line.toString().trim());
        });
    }
}
