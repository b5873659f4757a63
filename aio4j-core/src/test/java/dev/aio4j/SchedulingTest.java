package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static dev.aio4j.TestSupport.runVirtual;
import static dev.aio4j.TestSupport.yieldNow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How tasks share their loop: order, atomicity between waits, JDK blocking calls. */
class SchedulingTest {

    @Test
    void tenThousandTasksYieldingWithSleepZeroRunInFifoOrder() {
        // asyncio: each sleep(0) puts the task at the back of the ready queue, so N tasks doing
        // R rounds of sleep(0) run as round 0: 0..N-1, round 1: 0..N-1, ...
        int n = 10_000, rounds = 5;
        List<Integer> trace = runReal(() -> {
            List<Integer> order = new ArrayList<>(n * rounds);
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                tasks.add(Aio.createTask(() -> {
                    for (int r = 0; r < rounds; r++) {
                        order.add(id);
                        yieldNow();
                    }
                }));
            }
            for (Task<Void> t : tasks) {
                t.await();
            }
            return order;
        });
        assertThat(trace).hasSize(n * rounds);
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < n; i++) {
                if (trace.get(r * n + i) != i) {
                    throw new AssertionError("round " + r + " position " + i + " ran task " + trace.get(r * n + i));
                }
            }
        }
    }

    @Test
    void sharedCounterNeedsNoLockBetweenWaits() {
        // 1,000 tasks x 100 read-modify-write steps, each with a wait outside the critical
        // section: no update is lost because nothing else runs between two waits.
        int[] counter = {0};
        runVirtual(() -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                int id = i;
                tasks.add(Aio.createTask(() -> {
                    for (int k = 0; k < 100; k++) {
                        int read = counter[0];
                        counter[0] = read + 1;
                        Aio.sleep(Duration.ofMillis((id + k) % 3));
                    }
                }));
            }
            for (Task<Void> t : tasks) {
                t.await();
            }
            return null;
        });
        assertThat(counter[0]).isEqualTo(100_000);
    }

    @Test
    void aCallbackScheduledBeforeSleepZeroRunsBeforeTheTaskResumes() {
        // test_sleep_zero
        List<String> events = runReal(() -> {
            List<String> ev = new ArrayList<>();
            Aio.getRunningLoop().callSoon(() -> ev.add("callback"));
            yieldNow();
            ev.add("task resumed");
            return ev;
        });
        assertThat(events).containsExactly("callback", "task resumed");
    }

    @Test
    void aTaskBlockedInAPlainSocketReadDoesNotStopTheOthersInCarrierMode() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicLong steps = new AtomicLong();
            AtomicLong stepsSeenByReader = new AtomicLong(-1);
            AtomicReferenceThread reader = new AtomicReferenceThread();
            CountDownLatch connected = new CountDownLatch(1);
            Thread peer = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    connected.countDown();
                    // Wait until the reading task is parked inside the JDK's read, then until
                    // the others have made progress (carrier mode) or for a bounded time.
                    awaitBlockedInRead(reader);
                    long atBlock = steps.get();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (TestSupport.carrierMode() && steps.get() < atBlock + 1_000 && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(42);
                    out.flush();
                    s.getInputStream().read(); // until the client closes
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long[] atBlock = new long[1];
            int value = runReal(() -> {
                Task<Void> counter = Aio.createTask(() -> {
                    while (stepsSeenByReader.get() < 0) {
                        steps.incrementAndGet();
                        yieldNow();
                    }
                });
                Task<Integer> blocking = Aio.createTask(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                        reader.set(Thread.currentThread());
                        InputStream in = s.getInputStream();
                        atBlock[0] = steps.get();
                        int b = in.read(); // a JDK blocking call inside a task
                        stepsSeenByReader.set(steps.get());
                        return b;
                    }
                });
                int b = blocking.await();
                counter.await();
                return b;
            });
            peer.join();
            assertThat(value).isEqualTo(42);
            if (TestSupport.carrierMode()) {
                // The other task kept running while the read was blocked.
                assertThat(stepsSeenByReader.get() - atBlock[0]).isGreaterThanOrEqualTo(1_000);
            } else {
                // Portable mode: the blocked task holds the baton, as a blocking call holds the
                // loop in asyncio; nothing else ran during the read.
                assertThat(stepsSeenByReader.get()).isEqualTo(atBlock[0]);
            }
        }
    }

    /** Holder for the reading task's thread, published to the peer thread. */
    static final class AtomicReferenceThread extends java.util.concurrent.atomic.AtomicReference<Thread> {}

    static void awaitBlockedInRead(AtomicReferenceThread reader) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Thread t = reader.get();
            if (t != null && t.getState() == Thread.State.WAITING) {
                for (StackTraceElement e : t.getStackTrace()) {
                    if (e.getMethodName().contains("read") && e.getClassName().contains("Socket")) {
                        return;
                    }
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the task never blocked in its socket read");
    }

    @Test
    void aTaskBlockedInASocketReadIsInterruptedOutOfItByCancel() throws Exception {
        if (!TestSupport.carrierMode()) {
            return; // covered by cancellationOfABlockedTaskWaitsForTheCallInPortableMode
        }
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(); // never writes; returns when the client closes
                } catch (Exception ignored) {
                    // the client's socket closes on interrupt
                }
            });
            AtomicReferenceThread reader = new AtomicReferenceThread();
            runReal(() -> {
                Task<Integer> blocking = Aio.createTask(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                        reader.set(Thread.currentThread());
                        return s.getInputStream().read();
                    }
                });
                Aio.toThread(() -> {
                    awaitBlockedInRead(reader);
                    return null;
                });
                blocking.cancel("stop reading");
                assertThatThrownBy(blocking::await)
                        .isInstanceOf(CancelledError.class)
                        .hasMessage("stop reading");
                assertThat(blocking.cancelled()).isTrue();
                return null;
            });
            peer.join();
        }
    }

    @Test
    void cancellationOfABlockedTaskWaitsForTheCallInPortableMode() throws Exception {
        if (TestSupport.carrierMode()) {
            return; // carrier mode interrupts the call: see the test above
        }
        // In portable mode the loop cannot run while the task holds the baton, so a cancel sent
        // from another thread arrives after the blocking call returns, at the task's next wait.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicReferenceThread reader = new AtomicReferenceThread();
            AtomicInteger readValue = new AtomicInteger(-2);
            CountDownLatch cancelSent = new CountDownLatch(1);
            Thread peer = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    // Answer only once the cancel is on its way, so the read is still blocked
                    // when the canceller looks for it.
                    assertThat(cancelSent.await(30, TimeUnit.SECONDS)).isTrue();
                    s.getOutputStream().write(7);
                    s.getInputStream().read();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            runReal(() -> {
                EventLoop loop = Aio.getRunningLoop();
                Task<Void>[] blocking = new Task[1];
                blocking[0] = Aio.createTask(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                        reader.set(Thread.currentThread());
                        Thread canceller = Thread.ofPlatform().start(() -> {
                            try {
                                awaitBlockedInRead(reader);
                            } catch (InterruptedException e) {
                                return;
                            }
                            loop.callSoonThreadsafe(() -> blocking[0].cancel());
                            cancelSent.countDown();
                        });
                        readValue.set(s.getInputStream().read());
                        canceller.join();
                        Aio.sleep(Duration.ofSeconds(30)); // the cancellation lands here
                    }
                });
                assertThatThrownBy(blocking[0]::await).isInstanceOf(CancelledError.class);
                return null;
            });
            peer.join();
            assertThat(readValue.get()).isEqualTo(7);
        }
    }

    @Test
    void sleepingAVirtualHourTakesMilliseconds() {
        long start = System.nanoTime();
        double elapsed = runVirtual(() -> {
            EventLoop loop = Aio.getRunningLoop();
            double t0 = loop.time();
            Aio.sleep(Duration.ofHours(1));
            return loop.time() - t0;
        });
        long realMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(elapsed).isGreaterThanOrEqualTo(3600.0);
        assertThat(realMillis).isLessThan(5_000); // generous bound for a loaded machine; typically ~1 ms
    }

    @Test
    void realSleepWaitsAtLeastItsDelay() {
        long took = runReal(() -> {
            long t0 = System.nanoTime();
            Aio.sleep(Duration.ofMillis(20));
            return System.nanoTime() - t0;
        });
        assertThat(took).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    }

    @Test
    void sleepOutsideATaskIsAClearError() {
        assertThatThrownBy(() -> Aio.sleep(Duration.ZERO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must be called from a task");
    }
}
