package dev.aio4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.test.AioTest;
import org.junit.jupiter.api.Test;

@AioTest(virtualTime = true)
class BoundedSemaphoreTest {

    @Test
    void releaseAboveTheInitialValueIsAnError() { // test_release_not_acquired
        BoundedSemaphore sem = new BoundedSemaphore(2);
        assertThatThrownBy(sem::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("BoundedSemaphore released too many times: BoundedSemaphore[unlocked, value=2, waiters=0]");
        assertThat(sem.value()).isEqualTo(2);
    }

    @Test
    void releaseAfterAcquireIsAllowedUpToTheBound() {
        BoundedSemaphore sem = new BoundedSemaphore(2);
        sem.acquire();
        sem.acquire();
        sem.release();
        sem.release();
        assertThat(sem.value()).isEqualTo(2);
        assertThat(sem.bound()).isEqualTo(2);
        assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void negativeInitialValueIsRefused() {
        assertThatThrownBy(() -> new BoundedSemaphore(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
