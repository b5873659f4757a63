package dev.aio4j.net;

import static dev.aio4j.net.NetTesting.bytes;
import static dev.aio4j.net.NetTesting.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.RunOptions;
import dev.aio4j.Task;
import dev.aio4j.VirtualClock;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** StreamReader fed by hand (asyncio's test_streams.py, the parts without sockets). */
class StreamReaderTest {

    private static <T> T virtual(Callable<T> body) {
        return Aio.run(body, RunOptions.defaults().withClock(VirtualClock.autojump()));
    }

    // ------------------------------------------------------------------ read

    @Test
    void readReturnsWhatIsBufferedUpToN() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("hello world"));
            return str(r.read(5)) + "|" + str(r.read(100));
        });
        assertThat(got).isEqualTo("hello| world");
    }

    @Test
    void readWaitsForTheFirstByteThenReturnsAtOnce() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            Aio.getRunningLoop().callLater(Duration.ofSeconds(1), () -> r.feedData(bytes("late")));
            return str(r.read(100));
        });
        assertThat(got).isEqualTo("late");
    }

    @Test
    void readZeroIsEmptyAndReadAllReturnsEverythingToEof() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader(4);
            assertThat(r.read(0)).isEmpty();
            r.feedData(bytes("line1\nline2\n"));
            r.feedEof();
            return str(r.read());
        });
        assertThat(got).isEqualTo("line1\nline2\n");
    }

    @Test
    void readAtEofReturnsEmpty() {
        int n = virtual(() -> {
            StreamReader r = new StreamReader();
            r.feedEof();
            assertThat(r.atEof()).isTrue();
            return r.read(10).length;
        });
        assertThat(n).isZero();
    }

    @Test
    void limitMustBePositive() {
        virtual(() -> {
            assertThatThrownBy(() -> new StreamReader(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("limit <= 0: 0");
            return null;
        });
    }

    // ------------------------------------------------------------------ readline

    @Test
    void readlineReturnsLinesThenThePartialLineThenEmpty() {
        List<String> got = virtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("one\ntwo\nthr"));
            r.feedEof();
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                lines.add(str(r.readline()));
            }
            return lines;
        });
        assertThat(got).containsExactly("one\n", "two\n", "thr", "");
    }

    @Test
    void readlineOverTheLimitConsumesThroughTheNewline() {
        // test_streams.py test_readline_limit_with_existing_data
        String got = virtual(() -> {
            StreamReader r = new StreamReader(3);
            r.feedData(bytes("li"));
            r.feedData(bytes("ne1\nline2\n"));
            assertThatThrownBy(r::readline).isInstanceOf(LimitOverrunError.class);
            return str(r.read(100));
        });
        assertThat(got).isEqualTo("line2\n");
    }

    @Test
    void readlineOverTheLimitWithoutNewlineClearsTheBuffer() {
        int left = virtual(() -> {
            StreamReader r = new StreamReader(3);
            r.feedData(bytes("abcdefgh"));
            assertThatThrownBy(r::readline)
                    .isInstanceOf(LimitOverrunError.class)
                    .hasMessageContaining("Separator is not found");
            return r.bufferedSize();
        });
        assertThat(left).isZero();
    }

    @Test
    void linesIteratesToEof() {
        List<String> got = virtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("a\nb\nc"));
            r.feedEof();
            List<String> lines = new ArrayList<>();
            for (byte[] line : r.lines()) {
                lines.add(str(line));
            }
            return lines;
        });
        assertThat(got).containsExactly("a\n", "b\n", "c");
    }

    // ------------------------------------------------------------------ readUntil

    @Test
    void readUntilIncludesTheSeparator() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("key: value\r\n\r\nbody"));
            return str(r.readUntil(bytes("\r\n\r\n")));
        });
        assertThat(got).isEqualTo("key: value\r\n\r\n");
    }

    @Test
    void readUntilWithSeveralSeparatorsReturnsTheMatchThatEndsFirst() {
        // 3.13: readuntil((b'cd', b'b')) on b'abcd' -> b'ab'
        List<String> got = virtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("abcdxyz!!"));
            List<String> out = new ArrayList<>();
            out.add(str(r.readUntil(bytes("cd"), bytes("b"))));
            out.add(str(r.readUntil(bytes("z!!"), bytes("!"))));
            return out;
        });
        assertThat(got).containsExactly("ab", "cdxyz!");
    }

    @Test
    void readUntilOverTheLimitKeepsTheData() {
        int kept = virtual(() -> {
            StreamReader r = new StreamReader(4);
            r.feedData(bytes("0123456789"));
            LimitOverrunError e = null;
            try {
                r.readUntil(bytes("\n"));
            } catch (LimitOverrunError x) {
                e = x;
            }
            assertThat(e).isNotNull();
            assertThat(e.consumed()).isGreaterThan(4);
            return r.bufferedSize();
        });
        assertThat(kept).isEqualTo(10);
    }

    @Test
    void readUntilFoundBeyondTheLimitIsAnOverrunWithTheSeparatorOffset() {
        int consumed = virtual(() -> {
            StreamReader r = new StreamReader(3);
            r.feedData(bytes("abcdef\n"));
            try {
                r.readUntil(bytes("\n"));
                return -1;
            } catch (LimitOverrunError e) {
                assertThat(e).hasMessageContaining("Separator is found, but chunk is longer than limit");
                return e.consumed();
            }
        });
        assertThat(consumed).isEqualTo(6);
    }

    @Test
    void readUntilAtEofRaisesIncompleteReadWithTheRest() {
        virtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("partial"));
            r.feedEof();
            try {
                r.readUntil(bytes("\n"));
            } catch (IncompleteReadError e) {
                assertThat(str(e.partial())).isEqualTo("partial");
                assertThat(e.expected()).isEqualTo(-1);
                assertThat(e).hasMessage("7 bytes read on a total of undefined expected bytes");
            }
            assertThat(r.bufferedSize()).isZero();
            return null;
        });
    }

    @Test
    void readUntilRejectsEmptySeparators() {
        virtual(() -> {
            StreamReader r = new StreamReader();
            assertThatThrownBy(() -> r.readUntil(new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("separator is empty");
            assertThatThrownBy(() -> r.readUntil(new byte[0][]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("separators is empty");
            return null;
        });
    }

    // ------------------------------------------------------------------ readExactly

    @Test
    void readExactlyWaitsForAllTheBytes() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            var loop = Aio.getRunningLoop();
            loop.callLater(Duration.ofSeconds(1), () -> r.feedData(bytes("abc")));
            loop.callLater(Duration.ofSeconds(2), () -> r.feedData(bytes("defg")));
            return str(r.readExactly(6)) + "|" + str(r.read(10));
        });
        assertThat(got).isEqualTo("abcdef|g");
    }

    @Test
    void readExactlyAtEofRaisesIncompleteReadAndEmptiesTheBuffer() {
        virtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("abc"));
            r.feedEof();
            IncompleteReadError e = null;
            try {
                r.readExactly(10);
            } catch (IncompleteReadError x) {
                e = x;
            }
            assertThat(e).isNotNull();
            assertThat(str(e.partial())).isEqualTo("abc");
            assertThat(e.expected()).isEqualTo(10);
            assertThat(r.atEof()).isTrue();
            return null;
        });
    }

    @Test
    void readExactlyRejectsNegativeCounts() {
        virtual(() -> {
            StreamReader r = new StreamReader();
            assertThatThrownBy(() -> r.readExactly(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("n < 0: -1");
            return null;
        });
    }

    @Test
    void cancellingReadExactlyLosesNoBytesForTheNextRead() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> t = Aio.createTask(() -> r.readExactly(10));
            Aio.sleep(Duration.ZERO);
            r.feedData(bytes("01234"));
            Aio.sleep(Duration.ZERO);
            t.cancel();
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
            r.feedData(bytes("56789"));
            return str(r.readExactly(10));
        });
        assertThat(got).isEqualTo("0123456789");
    }

    // ------------------------------------------------------------------ readInto

    @Test
    void readIntoCopiesWhatIsBufferedUpToTheRoomInTheBuffer() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("hello world"));
            ByteBuffer dst = ByteBuffer.allocate(5);
            assertThat(r.readInto(dst)).isEqualTo(5);
            byte[] rest = new byte[20];
            int n = r.readInto(rest, 2, 18);
            return str(dst.array()) + "|" + n + "|" + new String(rest, 2, n, StandardCharsets.US_ASCII);
        });
        assertThat(got).isEqualTo("hello|6| world");
    }

    @Test
    void readIntoWaitsForTheFirstByteAndAdvancesThePosition() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            Aio.getRunningLoop().callLater(Duration.ofSeconds(1), () -> r.feedData(bytes("late")));
            ByteBuffer dst = ByteBuffer.allocate(16);
            dst.put((byte) '>');
            int n = r.readInto(dst);
            return n + ":" + new String(dst.array(), 0, dst.position(), StandardCharsets.US_ASCII);
        });
        assertThat(got).isEqualTo("4:>late");
    }

    @Test
    void readIntoIsMinusOneAtEofAndZeroForABufferWithoutRoom() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("x"));
            r.feedEof();
            int full = r.readInto(ByteBuffer.allocate(0));
            int one = r.readInto(ByteBuffer.allocate(4));
            int eof = r.readInto(ByteBuffer.allocate(4));
            return full + "," + one + "," + eof;
        });
        assertThat(got).isEqualTo("0,1,-1");
    }

    @Test
    void readIntoRejectsReadOnlyBuffersAndRangesOutsideTheArray() {
        virtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("abc"));
            assertThatThrownBy(() -> r.readInto(ByteBuffer.allocate(4).asReadOnlyBuffer()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("read-only");
            assertThatThrownBy(() -> r.readInto(new byte[4], 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(r.bufferedSize()).isEqualTo(3);
            return null;
        });
    }

    @Test
    void aSocketReadLandsStraightInTheWaitingReadIntosBuffer() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            ByteBuffer dst = ByteBuffer.allocateDirect(8);
            Task<Integer> t = Aio.createTask(() -> r.readInto(dst));
            Aio.sleep(Duration.ZERO);
            ByteBuffer space = r.freeSpace(64 * 1024);
            assertThat(space).isSameAs(dst);
            space.put(bytes("abc"));
            r.bytesFed(3);
            int n = t.await();
            byte[] out = new byte[n];
            dst.flip().get(out);
            return n + ":" + str(out) + ":" + r.bufferedSize();
        });
        assertThat(got).isEqualTo("3:abc:0");
    }

    @Test
    void aReadIntoCancelledAfterItsBytesLandedPutsThemBackAndRestoresThePosition() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            ByteBuffer dst = ByteBuffer.allocate(8);
            dst.put((byte) '#');
            Task<Integer> t = Aio.createTask(() -> r.readInto(dst));
            Aio.sleep(Duration.ZERO);
            ByteBuffer space = r.freeSpace(64 * 1024);
            space.put(bytes("012"));
            r.bytesFed(3);
            r.feedData(bytes("345"));
            t.cancel(); // before the task runs: its bytes are in dst but not yet returned
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
            assertThat(dst.position()).isEqualTo(1);
            return str(r.readExactly(6));
        });
        assertThat(got).isEqualTo("012345");
    }

    /** Feeds {@code data} the way a socket read does: into the reader's free space. */
    private static int socketRead(StreamReader r, byte[] data) {
        ByteBuffer space = r.freeSpace(256 * 1024);
        int room = space.remaining();
        space.put(data);
        r.bytesFed(data.length);
        return room;
    }

    @Test
    void aSocketReadLargerThanTheWaitingReadIsCutWhereTheReadEnds() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            byte[] data = new byte[StreamReader.MIN_READ + 10];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) i;
            }
            Task<byte[]> t = Aio.createTask(() -> r.read(StreamReader.MIN_READ));
            Aio.sleep(Duration.ZERO);
            int room = socketRead(r, data);
            assertThat(room).as("the socket read is not capped by the read").isEqualTo(2 * StreamReader.DEFAULT_LIMIT);
            assertThat(r.bufferedSize()).isEqualTo(data.length);
            byte[] first = t.await();
            byte[] rest = r.read(100);
            assertThat(first).isEqualTo(Arrays.copyOf(data, StreamReader.MIN_READ));
            assertThat(rest).isEqualTo(Arrays.copyOfRange(data, StreamReader.MIN_READ, data.length));
            // A small read caps the socket read at MIN_READ and is cut all the same.
            t = Aio.createTask(() -> r.read(4));
            Aio.sleep(Duration.ZERO);
            int smallRoom = socketRead(r, bytes("abcdefghij"));
            assertThat(smallRoom).isEqualTo(StreamReader.MIN_READ);
            return str(t.await()) + "|" + str(r.read(100)) + "|" + r.bufferedSize();
        });
        assertThat(got).isEqualTo("abcd|efghij|0");
    }

    @Test
    void bytesCutForAReadThatWasCancelledAreAllReadInOrder() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> t = Aio.createTask(() -> r.readExactly(4));
            Aio.sleep(Duration.ZERO);
            socketRead(r, bytes("abcdefgh"));
            t.cancel(); // before it runs: nothing consumed
            assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
            r.feedData(bytes("ij\nkl"));
            return str(r.read(2)) + "|" + str(r.readline()) + "|" + str(r.readExactly(2));
        });
        assertThat(got).isEqualTo("ab|cdefghij\n|kl");
    }

    @Test
    void aReadExactlyFedBySeveralSocketReadsReturnsItsBytesAndKeepsWhatFollows() {
        String got = virtual(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> t = Aio.createTask(() -> r.readExactly(10));
            for (String piece : new String[] {"abcd", "efg", "hijXYZ"}) {
                Aio.sleep(Duration.ZERO); // the read waits again for the rest
                socketRead(r, bytes(piece));
            }
            return str(t.await()) + "|" + str(r.read(100)) + "|" + r.bufferedSize();
        });
        assertThat(got).isEqualTo("abcdefghij|XYZ|0");
    }

    @Test
    void everyReadSeesTheBytesAfterACutInOrder() {
        String got = virtual(() -> {
            StringBuilder out = new StringBuilder();
            // read(n) smaller, equal and larger than what is left after the cut; then readInto,
            // readUntil and an incomplete readExactly, each after a fresh cut.
            StreamReader r = new StreamReader();
            Task<byte[]> t = Aio.createTask(() -> r.read(3));
            Aio.sleep(Duration.ZERO);
            socketRead(r, bytes("abcdefgh"));
            out.append(str(t.await())).append(',');
            out.append(str(r.read(2))).append(',');
            out.append(str(r.read(3))).append(',');
            t = Aio.createTask(() -> r.read(2));
            Aio.sleep(Duration.ZERO);
            socketRead(r, bytes("ijklm"));
            out.append(str(t.await())).append(',');
            ByteBuffer dst = ByteBuffer.allocate(2);
            out.append(r.readInto(dst))
                    .append(str(Arrays.copyOf(dst.array(), 2)))
                    .append(',');
            out.append(str(r.read(100))).append(',');
            t = Aio.createTask(() -> r.read(1));
            Aio.sleep(Duration.ZERO);
            socketRead(r, bytes("n;op"));
            out.append(str(t.await())).append(',');
            out.append(str(r.readUntil(bytes(";")))).append(',');
            out.append(str(r.read(100))).append(',');
            t = Aio.createTask(() -> r.read(1));
            Aio.sleep(Duration.ZERO);
            socketRead(r, bytes("qrs"));
            out.append(str(t.await())).append(',');
            r.feedEof();
            try {
                r.readExactly(10);
            } catch (IncompleteReadError e) {
                out.append(str(e.partial())).append('+').append(str(r.read(1)).isEmpty());
            }
            return out.toString();
        });
        assertThat(got).isEqualTo("abc,de,fgh,ij,2kl,m,n,;,op,q,rs+true");
    }

    // ------------------------------------------------------------------ errors and waiters

    @Test
    void aSecondConcurrentReaderIsAClearError() {
        virtual(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> first = Aio.createTask(() -> r.read(1));
            Aio.sleep(Duration.ZERO);
            assertThatThrownBy(() -> r.readline())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("readUntil() called while another task is already waiting for incoming data");
            r.feedData(bytes("x"));
            assertThat(str(first.await())).isEqualTo("x");
            return null;
        });
    }

    @Test
    void setExceptionWakesTheWaiterAndFailsLaterReads() {
        virtual(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> t = Aio.createTask(() -> r.read(1));
            Aio.sleep(Duration.ZERO);
            r.setException(new SocketException("boom"));
            assertThatThrownBy(t::await).hasRootCauseMessage("boom");
            assertThatThrownBy(() -> r.read(1))
                    .isInstanceOf(SocketException.class)
                    .hasMessage("boom");
            return null;
        });
    }

    @Test
    void feedDataAfterEofIsRejected() {
        virtual(() -> {
            StreamReader r = new StreamReader();
            r.feedEof();
            assertThatThrownBy(() -> r.feedData(bytes("x"))).isInstanceOf(IllegalStateException.class);
            return null;
        });
    }

    @Test
    void readsThrowIOExceptionsAsThemselves() throws IOException {
        virtual(() -> {
            StreamReader r = new StreamReader();
            r.setException(new IOException("io"));
            assertThatThrownBy(() -> r.readExactly(1))
                    .isExactlyInstanceOf(IOException.class)
                    .hasMessage("io");
            return null;
        });
    }
}
