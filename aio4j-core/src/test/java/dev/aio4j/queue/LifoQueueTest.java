package dev.aio4j.queue;

import static dev.aio4j.sync.SyncTesting.runVirtual;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken primitive hangs rather than fails
class LifoQueueTest {

    @Test
    void mostRecentItemComesOutFirst() { // test_order
        List<Integer> got = runVirtual(() -> {
            LifoQueue<Integer> q = new LifoQueue<>();
            for (int i : new int[] {1, 3, 2}) {
                q.put(i);
            }
            List<Integer> result = new ArrayList<>();
            while (!q.empty()) {
                result.add(q.get());
            }
            return result;
        });
        assertThat(got).containsExactly(2, 3, 1);
    }

    @Test
    void shutdownAndJoinWorkAsForTheFifoQueue() {
        runVirtual(() -> {
            LifoQueue<Integer> q = new LifoQueue<>(2);
            q.put(1);
            q.put(2);
            q.shutdown(true);
            assertThat(q.qsize()).isZero();
            q.join();
            assertThat(q).hasToString("LifoQueue[maxsize=2, size=0, getters=0, putters=0, unfinished=0, shutdown]");
        });
    }
}
