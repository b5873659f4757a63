package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static dev.aio4j.TestSupport.runVirtual;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.queue.Queue;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The loop's test support: waitAllTasksBlocked, nextTimerNanos, Future.hasUnretrievedException. */
class WaitAllTasksBlockedTest {

    @Test
    void returnsOnceAChainOfWakeUpsHasSettledWithoutMovingVirtualTime() {
        List<Integer> out = runVirtual(() -> {
            Queue<Integer> a = new Queue<>();
            Queue<Integer> b = new Queue<>();
            List<Integer> seen = new ArrayList<>();
            Aio.createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    b.put(a.get() * 10);
                }
            });
            Aio.createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    seen.add(b.get());
                }
            });
            a.putNowait(1);
            a.putNowait(2);
            a.putNowait(3);
            EventLoop loop = Aio.getRunningLoop();
            loop.waitAllTasksBlocked();
            assertThat(loop.nanoTime()).isZero();
            return seen;
        });
        assertThat(out).containsExactly(10, 20, 30);
    }

    @Test
    void aTaskSleepingOnATimerCountsAsBlockedAndTheClockDoesNotJump() {
        runVirtual(() -> {
            Task<Void> sleeper = Aio.createTask(() -> Aio.sleep(Duration.ofHours(1)));
            Aio.getRunningLoop().waitAllTasksBlocked();
            assertThat(sleeper.done()).isFalse();
            assertThat(Aio.getRunningLoop().nanoTime()).isZero();
            sleeper.cancel();
            return null;
        });
    }

    @Test
    void aTaskInAJdkBlockingCallCountsAsRunning() {
        boolean back = runVirtual(() -> {
            boolean[] done = {false};
            Aio.createTask(() -> {
                Thread.sleep(50);
                done[0] = true;
            });
            Aio.getRunningLoop().waitAllTasksBlocked();
            return done[0];
        });
        assertThat(back).isTrue();
    }

    @Test
    void workOnAnotherThreadIsWaitedFor() {
        String got = runVirtual(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            String[] result = {null};
            Aio.createTask(() -> result[0] = Aio.await(cf));
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    return;
                }
                cf.complete("from a thread");
            });
            Aio.getRunningLoop().waitAllTasksBlocked();
            return result[0];
        });
        assertThat(got).isEqualTo("from a thread");
    }

    @Test
    void readyIoIsHandledBeforeItReturns() throws Exception {
        Pipe pipe = Pipe.open();
        try {
            String got = runReal(() -> {
                EventLoop loop = Aio.getRunningLoop();
                Future<String> read = loop.createFuture();
                loop.addReader(pipe.source(), () -> {
                    ByteBuffer buf = ByteBuffer.allocate(16);
                    try {
                        int n = pipe.source().read(buf);
                        if (!read.done()) {
                            read.setResult(new String(buf.array(), 0, n));
                        }
                    } catch (java.io.IOException e) {
                        read.setException(e);
                    }
                });
                String[] seen = {null};
                Aio.createTask(() -> seen[0] = read.await());
                Aio.sleep(Duration.ZERO);
                pipe.sink().write(ByteBuffer.wrap("ready".getBytes()));
                loop.waitAllTasksBlocked();
                loop.removeReader(pipe.source());
                return seen[0];
            });
            assertThat(got).isEqualTo("ready");
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
    }

    @Test
    void onlyATaskCanWait() {
        runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            Future<Throwable> seen = loop.createFuture();
            loop.callSoon(() -> {
                try {
                    loop.waitAllTasksBlocked();
                    seen.setResult(null);
                } catch (IllegalStateException e) {
                    seen.setResult(e);
                }
            });
            assertThat(seen.await()).hasMessageContaining("must be called from a task");
            return null;
        });
    }

    @Test
    void nextTimerNanosSkipsCancelledTimers() {
        runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            assertThat(loop.nextTimerNanos()).isEqualTo(OptionalLong.empty());
            TimerHandle early = loop.callLater(Duration.ofSeconds(1), () -> {});
            TimerHandle late = loop.callLater(Duration.ofSeconds(5), () -> {});
            assertThat(loop.nextTimerNanos())
                    .isEqualTo(OptionalLong.of(Duration.ofSeconds(1).toNanos()));
            early.cancel();
            assertThat(loop.nextTimerNanos())
                    .isEqualTo(OptionalLong.of(Duration.ofSeconds(5).toNanos()));
            late.cancel();
            assertThat(loop.nextTimerNanos()).isEqualTo(OptionalLong.empty());
            return null;
        });
    }

    @Test
    void askingAboutAnUnretrievedExceptionDoesNotRetrieveIt() {
        runVirtual(() -> {
            Future<String> f = Aio.getRunningLoop().createFuture();
            assertThat(f.hasUnretrievedException()).isFalse();
            f.setException(new IllegalStateException("x"));
            assertThat(f.hasUnretrievedException()).isTrue();
            assertThat(f.hasUnretrievedException()).isTrue();
            assertThat(f.exception()).hasMessage("x");
            assertThat(f.hasUnretrievedException()).isFalse();
            Future<String> ok = Aio.getRunningLoop().createFuture();
            ok.setResult("fine");
            assertThat(ok.hasUnretrievedException()).isFalse();
            return null;
        });
    }
}
