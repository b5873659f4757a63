package dev.aio4j.http.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

/** gzip and deflate decoding fed in pieces of every size, and its failures. */
class ContentDecoderTest {

    private static final byte[] DATA = data();

    private static byte[] data() {
        byte[] b = new byte[300_000];
        Random r = new Random(1);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + r.nextInt(6)); // compressible
        }
        return b;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] data, boolean zlib) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d =
                new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, !zlib))) {
            d.write(data);
        }
        return out.toByteArray();
    }

    /** Feeds {@code encoded} in pieces of {@code pieceSize}, pulling at most {@code max} at a time. */
    private static byte[] decode(String encoding, byte[] encoded, int pieceSize, int max) throws IOException {
        ContentDecoder d = ContentDecoder.forEncoding(encoding);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < encoded.length; at += pieceSize) {
            d.push(ByteBuffer.wrap(encoded, at, Math.min(pieceSize, encoded.length - at))
                    .slice());
            for (byte[] b; (b = d.pull(max)) != null; ) {
                assertThat(b.length).isBetween(1, max);
                out.write(b);
            }
        }
        d.finish();
        d.close();
        return out.toByteArray();
    }

    @Test
    void gzipDecodesWhateverThePieceSizes() throws IOException {
        byte[] gz = gzip(DATA);
        for (int piece : new int[] {1, 7, 100, 16384, gz.length}) {
            assertThat(decode("gzip", gz, piece, 4096))
                    .as("pieces of %d", piece)
                    .isEqualTo(DATA);
        }
    }

    @Test
    void gzipMembersFollowingEachOtherDecodeAsOneBody() throws IOException {
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.write(gzip("first ".getBytes()));
        two.write(gzip("second".getBytes()));
        assertThat(new String(decode("x-gzip", two.toByteArray(), 3, 100))).isEqualTo("first second");
    }

    @Test
    void deflateAcceptsZlibAndRawStreams() throws IOException {
        assertThat(decode("deflate", deflate(DATA, true), 1000, 65536)).isEqualTo(DATA);
        assertThat(decode("Deflate", deflate(DATA, false), 1000, 65536)).isEqualTo(DATA);
    }

    @Test
    void pullNeverReturnsMoreThanAskedHoweverFarAPieceExpands() throws IOException {
        byte[] zeros = new byte[10 << 20];
        byte[] gz = gzip(zeros);
        assertThat(gz.length).isLessThan(64 * 1024);
        ContentDecoder d = ContentDecoder.forEncoding("gzip");
        d.push(ByteBuffer.wrap(gz));
        byte[] first = d.pull(8192);
        assertThat(first).hasSize(8192);
        d.close();
    }

    @Test
    void truncatedOrCorruptBodiesFail() throws IOException {
        byte[] gz = gzip(DATA);
        assertThatThrownBy(() -> decode("gzip", java.util.Arrays.copyOf(gz, gz.length - 4), 500, 4096))
                .isInstanceOf(EOFException.class);
        byte[] bad = gz.clone();
        bad[bad.length - 6] ^= 1; // the CRC
        assertThatThrownBy(() -> decode("gzip", bad, 500, 4096))
                .isInstanceOf(ZipException.class)
                .hasMessageContaining("CRC");
        assertThatThrownBy(() -> decode("gzip", "plain text".getBytes(), 500, 4096))
                .isInstanceOf(ZipException.class)
                .hasMessageContaining("not in gzip format");
        assertThatThrownBy(() -> decode("deflate", java.util.Arrays.copyOf(deflate(DATA, true), 100), 50, 4096))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void identityAndUnknownCodingsPassBytesThrough() throws IOException {
        assertThat(decode(null, DATA, 1000, 300)).isEqualTo(DATA);
        assertThat(decode("br", DATA, 1000, 300)).isEqualTo(DATA);
    }
}
