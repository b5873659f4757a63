package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VirtualClockTest {

    @Test
    void autojumpGoesStraightToEachTimerInOrder() {
        List<String> seen = TestSupport.runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            List<String> s = new ArrayList<>();
            Task<Void> a = Aio.createTask(() -> {
                Aio.sleep(Duration.ofMinutes(30));
                s.add("a at " + Math.round(loop.time()));
            });
            Task<Void> b = Aio.createTask(() -> {
                Aio.sleep(Duration.ofMinutes(10));
                s.add("b at " + Math.round(loop.time()));
            });
            a.await();
            b.await();
            return s;
        });
        assertThat(seen).containsExactly("b at 600", "a at 1800");
    }

    @Test
    void theClockDoesNotJumpWhileWorkIsOutOnAnotherThread() {
        double elapsed = TestSupport.runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            Task<Void> sleeper = Aio.createTask(() -> Aio.sleep(Duration.ofHours(1)));
            double t0 = loop.time();
            Aio.toThread(() -> {
                // Real work off the loop; the virtual hour must not pass meanwhile.
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                return null;
            });
            double during = loop.time() - t0;
            sleeper.cancel();
            return during;
        });
        assertThat(elapsed).isZero();
    }

    @Test
    void aManualClockMovesOnlyWhenAdvanced() throws Exception {
        VirtualClock clock = VirtualClock.manual();
        try (EventLoop loop = EventLoop.newEventLoop(clock)) {
            List<String> seen = new ArrayList<>();
            loop.callLater(Duration.ofSeconds(10), () -> seen.add("fired"));
            Future<Void> done = loop.createFuture();
            loop.callLater(Duration.ofSeconds(10), () -> done.setResult(null));
            Thread runner = Thread.ofPlatform().start(() -> loop.runUntilComplete(done));
            assertThat(seen).isEmpty();
            clock.advance(Duration.ofSeconds(10));
            runner.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(runner.isAlive()).isFalse();
            assertThat(seen).containsExactly("fired");
            assertThat(loop.time()).isEqualTo(10.0);
        }
    }
}
