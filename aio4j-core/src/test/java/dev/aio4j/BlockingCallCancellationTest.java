package dev.aio4j;

import static dev.aio4j.TestSupport.runReal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A JDK blocking call inside a task, cancelled through every path aio4j has, ends the way a
 * cancelled {@code Aio.sleep} does: the task is cancelled, a timeout scope raises TimeoutError,
 * moveOnAfter returns empty, a task group reports only the sibling's failure, and the exception
 * the call threw is kept as a cause.
 */
class BlockingCallCancellationTest {

    private static final Duration DELAY = Duration.ofMillis(200);
    /** Every cancelled call must be out well before this; the calls themselves last 30 s or more. */
    private static final long PROMPT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** A blocking JDK call that does not end by itself within the test. */
    interface Call {
        void block() throws Exception;
    }

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    /** Builds the call to test, with what it needs (peers, processes) torn down after the test. */
    private Call call(String kind) throws IOException {
        switch (kind) {
            case "Thread.sleep":
                return () -> Thread.sleep(30_000);
            case "Object.wait":
                Object monitor = new Object();
                return () -> {
                    synchronized (monitor) {
                        monitor.wait();
                    }
                };
            case "BlockingQueue.take":
                LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
                return queue::take;
            case "Socket read": {
                ServerSocket server = listener();
                return () -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                        InputStream in = s.getInputStream();
                        in.read(); // the peer never writes (the kernel completes the connection)
                    }
                };
            }
            case "SocketChannel read": {
                ServerSocket server = listener();
                return () -> {
                    try (SocketChannel ch = SocketChannel.open(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()))) {
                        ch.read(ByteBuffer.allocate(16));
                    }
                };
            }
            case "HttpClient.send": {
                CountDownLatch never = new CountDownLatch(1);
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                server.createContext("/", exchange -> {
                    try {
                        never.await(60, TimeUnit.SECONDS); // never answers within the test
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.close();
                });
                server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "silent-http");
                    t.setDaemon(true);
                    return t;
                }));
                server.start();
                HttpClient client = HttpClient.newHttpClient();
                cleanup.add(() -> {
                    never.countDown();
                    server.stop(0);
                    client.close();
                });
                URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
                return () -> client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            }
            case "Process.waitFor": {
                List<Process> started = new ArrayList<>();
                cleanup.add(() -> {
                    for (Process p : started) {
                        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                });
                return () -> {
                    Process p = new ProcessBuilder("sleep", "30").start();
                    started.add(p);
                    p.waitFor();
                };
            }
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    private ServerSocket listener() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        return server;
    }

    /** Every way aio4j cancels a task's current call. */
    static final List<String> CANCELLATIONS = List.of(
            "task.cancel",
            "waitFor",
            "Timeout.after",
            "Timeout.moveOnAfter",
            "failing TaskGroup sibling",
            "TaskGroup body, failing child");

    static List<Arguments> callsAndCancellations() {
        List<Arguments> all = new ArrayList<>();
        for (String kind : List.of(
                "Thread.sleep",
                "Object.wait",
                "BlockingQueue.take",
                "Socket read",
                "SocketChannel read",
                "HttpClient.send",
                "Process.waitFor")) {
            for (String how : CANCELLATIONS) {
                all.add(Arguments.of(kind, how));
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("callsAndCancellations")
    void aCancelledBlockingCallEndsLikeACancelledSleep(String kind, String how) throws Exception {
        assumeTrue(
                TestSupport.carrierMode(),
                "portable mode: a JDK blocking call holds the baton, so no cancellation reaches it before it ends"
                        + " (see portableModeLetsAJdkBlockingCallRunToItsEnd)");
        assertCancelledLikeASleep(how, call(kind));
    }

    /**
     * Runs {@code call} in a task, cancels it the way {@code how} names, and checks that every
     * party sees what it sees for a cancelled {@code Aio.sleep}, promptly.
     */
    static void assertCancelledLikeASleep(String how, Call call) {
        long start = System.nanoTime();
        Throwable original = runReal(() -> switch (how) {
            case "task.cancel" -> {
                Task<Void> t = Aio.createTask(call::block);
                Aio.sleep(DELAY);
                t.cancel("stop");
                assertThatThrownBy(t::await)
                        .isExactlyInstanceOf(CancelledError.class)
                        .hasMessage("stop");
                assertThat(t.cancelled()).isTrue();
                yield rootCause(catchThrowable(t::result));
            }
            case "waitFor" -> {
                Throwable e = catchThrowable(() -> Aio.waitFor(call::block, DELAY));
                assertThat(e).isExactlyInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
                assertThat(Aio.currentTask().cancelling()).isZero();
                yield rootCause(e);
            }
            case "Timeout.after" -> {
                Throwable e = catchThrowable(() -> Timeout.after(DELAY, call::block));
                assertThat(e).isExactlyInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
                assertThat(Aio.currentTask().cancelling()).isZero();
                yield rootCause(e);
            }
            case "Timeout.moveOnAfter" -> {
                Optional<Object> r = Timeout.moveOnAfter(DELAY, () -> {
                    call.block();
                    return "finished";
                });
                assertThat(r).isEmpty();
                assertThat(Aio.currentTask().cancelling()).isZero();
                Aio.sleep(Duration.ZERO); // the task goes on: no cancellation is left pending
                yield null;
            }
            case "failing TaskGroup sibling" -> {
                List<Task<?>> blocked = new ArrayList<>();
                Throwable e = catchThrowable(() -> TaskGroup.run(tg -> {
                    blocked.add(tg.createTask(call::block));
                    tg.createTask(() -> {
                        Aio.sleep(DELAY);
                        throw new IllegalStateException("sibling failed");
                    });
                }));
                assertThat(e).isInstanceOf(TaskGroupException.class);
                assertThat(((TaskGroupException) e).exceptions())
                        .singleElement()
                        .isInstanceOf(IllegalStateException.class);
                assertThat(blocked.get(0).cancelled()).isTrue();
                yield rootCause(catchThrowable(blocked.get(0)::result));
            }
            case "TaskGroup body, failing child" -> {
                Throwable e = catchThrowable(() -> TaskGroup.run(tg -> {
                    tg.createTask(() -> {
                        Aio.sleep(DELAY);
                        throw new IllegalStateException("child failed");
                    });
                    call.block();
                }));
                assertThat(e).isInstanceOf(TaskGroupException.class);
                assertThat(((TaskGroupException) e).exceptions())
                        .singleElement()
                        .isInstanceOf(IllegalStateException.class);
                assertThat(Aio.currentTask().cancelling()).isZero();
                yield null;
            }
            default -> throw new IllegalArgumentException(how);
        });
        assertThat(System.nanoTime() - start).as("cancelled promptly").isLessThan(PROMPT_NANOS);
        if (original != null) {
            // The exception the call threw because of the interrupt is kept for diagnosis.
            assertThat(original).isNotInstanceOf(CancelledError.class);
        }
    }

    @Test
    void anInterruptThatAio4jDidNotSendStaysAnError() {
        assumeTrue(
                TestSupport.carrierMode(),
                "portable mode: the foreign interrupt is tested the same way in carrier mode only");
        Throwable e = runReal(() -> {
            Task<Void> t = Aio.createTask(() -> Thread.sleep(30_000));
            Aio.sleep(DELAY);
            t.thread().interrupt(); // not a cancellation
            return catchThrowable(t::await);
        });
        assertThat(e)
                .isInstanceOf(java.util.concurrent.CompletionException.class)
                .hasCauseInstanceOf(InterruptedException.class);
    }

    @Test
    void aTaskThatRethrowsSomethingElseIsStillCancelled() {
        assumeTrue(TestSupport.carrierMode(), "portable mode: no cancellation reaches a JDK blocking call");
        Throwable e = runReal(() -> Timeout.moveOnAfter(DELAY, () -> {
                    try {
                        Thread.sleep(30_000);
                    } catch (InterruptedException ie) {
                        throw new IllegalStateException("wrapped", ie);
                    }
                })
                ? null
                : new AssertionError("moved on"));
        assertThat(e).isInstanceOf(AssertionError.class).hasMessage("moved on");
    }

    @Test
    void portableModeLetsAJdkBlockingCallRunToItsEnd() {
        assumeTrue(
                !TestSupport.carrierMode(),
                "carrier mode cancels the call (aCancelledBlockingCallEndsLikeACancelledSleep)");
        // The call holds the baton: the loop cannot run the timeout's timer until it returns, and
        // by then the body is done, so the scope returns the body's value after the full second.
        long start = System.nanoTime();
        String r = runReal(() -> Aio.waitFor(
                () -> {
                    Thread.sleep(1_000);
                    return "finished";
                },
                Duration.ofMillis(100)));
        assertThat(r).isEqualTo("finished");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1_000));
        // A cancel() sent by another task arrives after the call has ended: the task is done.
        boolean cancelled = runReal(() -> {
            Task<Void> t = Aio.createTask(() -> Thread.sleep(500));
            Aio.sleep(Duration.ofMillis(100));
            return t.cancel();
        });
        assertThat(cancelled).isFalse();
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
        try {
            c.call();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("nothing was thrown");
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
