package dev.aio4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.net.IncompleteReadError;
import dev.aio4j.net.Protocol;
import dev.aio4j.net.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** In-memory stream pairs: what only they do (the shared contract is in MemoryStreamContractTest). */
@AioTest(virtualTime = true)
class MemoryStreamsTest {

    @Test
    void aSmallBufferDeliversDataInPiecesOfThatSize(TestClock clock) {
        List<Integer> sizes = new ArrayList<>();
        Protocol recorder = new Protocol() {
            @Override
            public void dataReceived(byte[] data) {
                sizes.add(data.length);
            }
        };
        MemoryStreams.TransportPair pair = MemoryStreams.transports(new Protocol() {}, recorder, 3);
        pair.left().write(bytes("abcdefgh"));
        clock.waitAllTasksBlocked();
        assertThat(sizes).containsExactly(3, 3, 2);
        pair.left().close();
        clock.waitAllTasksBlocked();
        assertThat(pair.right().isClosing()).isTrue();
    }

    @Test
    void readlineWorksWhenALineArrivesOneByteAtATime() throws Exception {
        MemoryStreams.StreamPair pair = MemoryStreams.pair(1);
        pair.left().writer().write("hello\nworld\n");
        assertThat(str(pair.right().reader().readline())).isEqualTo("hello\n");
        assertThat(str(pair.right().reader().readline())).isEqualTo("world\n");
        pair.left().writer().close();
        assertThat(pair.right().reader().read()).isEmpty();
        pair.right().writer().close();
        pair.right().writer().waitClosed();
    }

    @Test
    void readIntoTakesEveryPieceInOrderWhenDataArrivesInSmallChunks(TestClock clock) throws Exception {
        MemoryStreams.StreamPair pair = MemoryStreams.pair(5);
        byte[] got = new byte[23];
        Task<Integer> reading = Aio.createTask(() -> {
            int at = 0;
            while (at < got.length) {
                int n = pair.right().reader().readInto(got, at, Math.min(4, got.length - at));
                if (n < 0) {
                    break;
                }
                at += n;
            }
            return at;
        });
        clock.waitAllTasksBlocked();
        pair.left().writer().write("abcdefghijklmnopqrstuvw");
        assertThat(reading.await()).isEqualTo(23);
        assertThat(str(got)).isEqualTo("abcdefghijklmnopqrstuvw");
        pair.left().writer().close();
        assertThat(pair.right().reader().readInto(new byte[4], 0, 4)).isEqualTo(-1);
        pair.right().writer().close();
        pair.right().writer().waitClosed();
    }

    @Test
    void drainWaitsUntilTheOtherSideReads(TestClock clock) throws Exception {
        MemoryStreams.StreamPair pair = MemoryStreams.pair(16, 16);
        Task<Void> writer = Aio.createTask(() -> {
            pair.left().writer().write(new byte[1000]);
            pair.left().writer().drain();
        });
        clock.waitAllTasksBlocked();
        // The right reader buffered up to twice its limit, paused reading; the rest waits.
        assertThat(writer.done()).isFalse();
        assertThat(pair.left().writer().transport().getWriteBufferSize()).isPositive();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < 1000) {
            got.write(pair.right().reader().read(100));
        }
        writer.await();
        assertThat(got.size()).isEqualTo(1000);
        pair.left().writer().close();
        pair.right().writer().close();
        pair.left().writer().waitClosed();
        pair.right().writer().waitClosed();
    }

    @Test
    void eofInTheMiddleOfAFrameIsAnIncompleteRead() throws Exception {
        MemoryStreams.StreamPair pair = MemoryStreams.pair();
        pair.left().writer().write("abc");
        pair.left().writer().writeEof();
        assertThatThrownBy(() -> pair.right().reader().readExactly(10)).isInstanceOf(IncompleteReadError.class);
        pair.left().writer().close();
        pair.right().writer().close();
        pair.right().writer().waitClosed();
    }

    @Test
    void anAbortIsAResetForTheOtherSide() {
        MemoryStreams.StreamPair pair = MemoryStreams.pair();
        pair.left().writer().transport().abort();
        assertThatThrownBy(() -> pair.right().reader().read())
                .isInstanceOf(java.net.SocketException.class)
                .hasMessage("Connection reset by peer");
        pair.right().writer().close();
    }

    @Test
    void writeAfterWriteEofIsRefused() {
        MemoryStreams.TransportPair pair = MemoryStreams.transports(new Protocol() {}, new Protocol() {}, 64);
        Transport t = pair.left();
        t.writeEof();
        assertThatThrownBy(() -> t.write(bytes("x"))).isInstanceOf(IllegalStateException.class);
        t.close();
        pair.right().close();
        Aio.sleep(Duration.ZERO);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
