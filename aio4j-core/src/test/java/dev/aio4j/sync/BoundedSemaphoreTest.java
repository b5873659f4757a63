package dev.aio4j.sync;

import static dev.aio4j.sync.SyncTesting.runVirtual;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken primitive hangs rather than fails
class BoundedSemaphoreTest {

    @Test
    void releaseAboveTheInitialValueIsAnError() { // test_release_not_acquired
        runVirtual(() -> {
            BoundedSemaphore sem = new BoundedSemaphore(2);
            assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class)
                    .hasMessage("BoundedSemaphore released too many times: BoundedSemaphore[unlocked, value=2, waiters=0]");
            assertThat(sem.value()).isEqualTo(2);
        });
    }

    @Test
    void releaseAfterAcquireIsAllowedUpToTheBound() {
        runVirtual(() -> {
            BoundedSemaphore sem = new BoundedSemaphore(2);
            sem.acquire();
            sem.acquire();
            sem.release();
            sem.release();
            assertThat(sem.value()).isEqualTo(2);
            assertThat(sem.bound()).isEqualTo(2);
            assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class);
        });
    }

    @Test
    void negativeInitialValueIsRefused() {
        assertThatThrownBy(() -> new BoundedSemaphore(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
