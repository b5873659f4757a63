package dev.aio4j.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.test.AioTest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class PriorityQueueTest {

    @Test
    void smallestItemComesOutFirst() { // test_order
        PriorityQueue<Integer> q = new PriorityQueue<>();
        for (int i : new int[] {1, 3, 2}) {
            q.put(i);
        }
        List<Integer> result = new ArrayList<>();
        while (!q.empty()) {
            result.add(q.get());
        }
        assertThat(result).containsExactly(1, 2, 3);
    }

    @Test
    void aComparatorDecidesTheOrder() {
        PriorityQueue<String> q = new PriorityQueue<>(0, Comparator.comparing(String::length));
        q.putNowait("ccc");
        q.putNowait("a");
        q.putNowait("bb");
        List<String> got = List.of(q.getNowait(), q.getNowait(), q.getNowait());
        assertThat(got).containsExactly("a", "bb", "ccc");
    }

    @Test
    void boundedPriorityQueueBlocksPuttersAndFeedsWaitingGetters() {
        PriorityQueue<Integer> q = new PriorityQueue<>(1);
        Task<Integer> getter = Aio.createTask(q::get);
        Aio.sleep(java.time.Duration.ZERO);
        q.put(5);
        assertThat(getter.await()).isEqualTo(5);
        q.put(7);
        assertThat(q.full()).isTrue();
        assertThatThrownBy(() -> q.putNowait(1)).isInstanceOf(QueueFullException.class);
    }

    @Test
    void itemsThatAreNotComparableAreRefusedWithoutAComparator() {
        PriorityQueue<Object> q = new PriorityQueue<>();
        assertThatThrownBy(() -> q.putNowait(new Object())).isInstanceOf(ClassCastException.class);
        assertThat(q.unfinished()).isZero();
    }
}
