package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's readiness API (addReader/addWriter) on real loopback sockets. */
class ReadinessTest {

    /** A connected pair of loopback channels. */
    private static SocketChannel[] socketPair() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel a = SocketChannel.open(server.getLocalAddress());
            SocketChannel b = server.accept();
            return new SocketChannel[] {a, b};
        }
    }

    @Test
    void aReaderCallbackRunsWhenDataArrives() throws Exception {
        SocketChannel[] pair = socketPair();
        try (SocketChannel a = pair[0];
                SocketChannel b = pair[1]) {
            String got = TestSupport.runReal(() -> {
                EventLoop loop = Aio.getRunningLoop();
                Future<String> received = loop.createFuture();
                loop.addReader(b, () -> {
                    ByteBuffer buf = ByteBuffer.allocate(16);
                    try {
                        b.read(buf);
                    } catch (Exception e) {
                        received.setException(e);
                        return;
                    }
                    loop.removeReader(b);
                    received.setResult(new String(buf.array(), 0, buf.position()));
                });
                Aio.toThread(() -> a.write(ByteBuffer.wrap("ping".getBytes())));
                return received.await();
            });
            assertThat(got).isEqualTo("ping");
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void readinessFoundWhileRegisteringAChannelAgainIsNotLost() throws Exception {
        // Registering a channel whose key was just cancelled makes the loop select at once to
        // flush the key. That select can find another channel ready; its event must still be
        // delivered although later selects no longer count it.
        SocketChannel[] pair = socketPair();
        SocketChannel[] other = socketPair();
        try (SocketChannel a = pair[0];
                SocketChannel b = pair[1];
                SocketChannel c = other[0];
                SocketChannel d = other[1]) {
            a.write(ByteBuffer.wrap("x".getBytes())); // b is readable; d never is
            String got = TestSupport.runReal(() -> {
                EventLoop loop = Aio.getRunningLoop();
                Future<String> done = loop.createFuture();
                loop.addReader(d, () -> {});
                Aio.sleep(Duration.ZERO);
                loop.removeReader(d); // cancels d's key...
                loop.addReader(b, () -> {
                    loop.removeReader(b);
                    done.setResult("b was read");
                });
                loop.addReader(d, () -> {}); // ...and registers it again: the loop selects now
                String r = done.await();
                loop.removeReader(d);
                return r;
            });
            assertThat(got).isEqualTo("b was read");
        }
    }

    @Test
    void virtualTimeJumpsWhileAChannelIsWatchedButQuiet() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            double elapsed = TestSupport.runVirtual(() -> {
                EventLoop loop = Aio.getRunningLoop();
                loop.addReader(server, () -> {}); // nobody connects
                double t0 = loop.time();
                Aio.sleep(Duration.ofHours(1));
                loop.removeReader(server);
                return loop.time() - t0;
            });
            assertThat(elapsed).isGreaterThanOrEqualTo(3600.0);
        }
    }
}
