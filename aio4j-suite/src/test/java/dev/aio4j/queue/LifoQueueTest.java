package dev.aio4j.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.test.AioTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class LifoQueueTest {

    @Test
    void mostRecentItemComesOutFirst() { // test_order
        LifoQueue<Integer> q = new LifoQueue<>();
        for (int i : new int[] {1, 3, 2}) {
            q.put(i);
        }
        List<Integer> result = new ArrayList<>();
        while (!q.empty()) {
            result.add(q.get());
        }
        assertThat(result).containsExactly(2, 3, 1);
    }

    @Test
    void shutdownAndJoinWorkAsForTheFifoQueue() {
        LifoQueue<Integer> q = new LifoQueue<>(2);
        q.put(1);
        q.put(2);
        q.shutdown(true);
        assertThat(q.qsize()).isZero();
        q.join();
        assertThat(q).hasToString("LifoQueue[maxsize=2, size=0, getters=0, putters=0, unfinished=0, shutdown]");
    }
}
