package dev.aio4j.http.client;

import static dev.aio4j.http.HttpTesting.run;
import static dev.aio4j.http.client.HttpTesting.stat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.CancelledError;
import dev.aio4j.Task;
import dev.aio4j.http.client.HttpTesting.Peer;
import dev.aio4j.net.IncompleteReadError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Response bodies: decoding, chunked transfer, streaming with bounded memory, abandoning. */
class BodyReaderTest {

    /** The size of the streamed download: 1 GiB with -Daio4j.long=true, else 64 MiB. */
    static final long DOWNLOAD = Boolean.getBoolean("aio4j.long") ? 1L << 30 : 64L << 20;

    static final String TEXT;

    static {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            sb.append(String.format("line %05d of a text that compresses well%n", i));
        }
        TEXT = sb.toString();
    }

    static final Peer peer = Peer.shared();

    @Test
    void gzipAndDeflateBodiesAreDecoded() {
        run(() -> {
            try (HttpSession s = HttpSession.create()) {
                ClientResponse gz = s.get(peer.url("/gzip"));
                assertThat(gz.header("Content-Encoding")).contains("gzip");
                assertThat(gz.text()).isEqualTo(TEXT);
                assertThat(s.get(peer.url("/deflate")).text()).isEqualTo(TEXT);
            }
        });
    }

    @Test
    void withoutAutoDecompressTheBodyArrivesAsSent() {
        run(() -> {
            try (HttpSession s = HttpSession.builder()
                    .autoDecompress(false)
                    .header("Accept-Encoding", "gzip")
                    .build()) {
                byte[] raw = s.get(peer.url("/gzip")).bytes();
                assertThat(raw.length).isLessThan(TEXT.length() / 4);
                assertThat(new String(
                                new GZIPInputStream(new java.io.ByteArrayInputStream(raw)).readAllBytes(),
                                StandardCharsets.UTF_8))
                        .isEqualTo(TEXT);
            }
        });
    }

    @Test
    void aCorruptGzipBodyIsAClientPayloadError() {
        run(() -> {
            try (HttpSession s = HttpSession.builder().limitPerHost(1).build()) {
                ClientResponse r = s.get(peer.url("/broken-gzip"));
                assertThatThrownBy(r::text)
                        .isInstanceOf(ClientPayloadError.class)
                        .hasMessageContaining("gzip");
                assertThat(s.get(peer.url("/hello")).text()).isEqualTo("hello");
            }
        });
    }

    @Test
    void chunkedBodiesAreReassembledAndReadLineByLineOrUntilASeparator() throws Exception {
        run(() -> {
            try (HttpSession s = HttpSession.create()) {
                StringBuilder expected = new StringBuilder();
                for (int i = 0; i < 100; i++) {
                    expected.append(String.format("chunk %03d;", i));
                }
                ClientResponse r = s.get(peer.url("/chunked"));
                assertThat(r.header("Transfer-Encoding")).contains("chunked");
                assertThat(new String(r.content().readUntil(";".getBytes()), StandardCharsets.US_ASCII))
                        .isEqualTo("chunk 000;");
                assertThat(new String(r.content().readExactly(10), StandardCharsets.US_ASCII))
                        .isEqualTo("chunk 001;");
                assertThat(r.text()).isEqualTo(expected.substring(20));

                ClientResponse lines = s.get(peer.url("/slowbody?parts=3&ms=10"));
                assertThat(lines.content().readline()).isEqualTo("part 0\n".getBytes());
                assertThat(lines.content().readline()).isEqualTo("part 1\n".getBytes());
                assertThat(lines.content().readline()).isEqualTo("part 2\n".getBytes());
                assertThat(lines.content().readline()).isEmpty();
                assertThat(lines.content().atEof()).isTrue();
                assertThat(lines.released()).isTrue();

                ClientResponse shortOne = s.get(peer.url("/hello"));
                assertThatThrownBy(() -> shortOne.content().readExactly(10)).isInstanceOf(IncompleteReadError.class);
            }
        });
    }

    @Test
    void aLargeDownloadStreamsWithBoundedMemory() {
        run(() -> {
            try (HttpSession s = HttpSession.create()) {
                HttpTesting.resetStats(peer);
                long start = System.nanoTime();
                long read = 0;
                int maxBuffered = 0;
                long maxLag = 0;
                long nextCheck = 32L << 20;
                byte[] pattern = new byte[256];
                for (int i = 0; i < 256; i++) {
                    pattern[i] = (byte) i;
                }
                try (ClientResponse r = s.get(peer.url("/bytes?n=" + DOWNLOAD))) {
                    BodyReader body = r.content();
                    for (byte[] piece; (piece = body.read(256 * 1024)).length > 0; ) {
                        for (int i = 0; i < piece.length; i += 4093) { // spot-check the content
                            assertThat(piece[i]).isEqualTo(pattern[(int) ((read + i) % 256)]);
                        }
                        read += piece.length;
                        maxBuffered = Math.max(maxBuffered, body.bufferedSize());
                        if (read >= nextCheck) {
                            nextCheck += 128L << 20;
                            long sent = stat(peer, "sent");
                            maxLag = Math.max(maxLag, sent - read);
                        }
                    }
                }
                double took = (System.nanoTime() - start) / 1e9;
                assertThat(read).isEqualTo(DOWNLOAD);
                assertThat(maxBuffered).as("bytes buffered in the reader").isLessThanOrEqualTo(64 * 1024 + 64 * 1024);
                assertThat(maxLag)
                        .as("bytes the server was ahead of the reader")
                        .isLessThan(48L << 20);
                System.out.printf(
                        "streamed %d MiB in %.2f s (%.0f MiB/s), server at most %.1f MiB ahead%n",
                        read >> 20, took, (read >> 20) / took, maxLag / 1048576.0);
            }
        });
    }

    @Test
    void aReaderThatStopsReadingStopsTheServer() {
        run(() -> {
            try (HttpSession s = HttpSession.create()) {
                HttpTesting.resetStats(peer);
                try (ClientResponse r = s.get(peer.url("/bytes?n=" + (512L << 20)))) {
                    r.content().readExactly(1 << 20);
                    Aio.sleep(Duration.ofMillis(1500)); // the reader pauses; the server must stall
                    long sent = stat(peer, "sent");
                    Aio.sleep(Duration.ofMillis(500));
                    long sentLater = stat(peer, "sent");
                    assertThat(sent).as("bytes sent while the reader paused").isLessThan(48L << 20);
                    assertThat(sentLater).as("the server is stalled").isEqualTo(sent);
                    assertThat(r.content().readExactly(1 << 20)).hasSize(1 << 20); // and resumes
                }
            }
        });
    }

    @Test
    void cancellingATaskMidBodyReleasesTheConnection() {
        run(() -> {
            try (HttpSession s = HttpSession.builder().limitPerHost(1).build()) {
                s.get(peer.url("/hello")).text();
                HttpTesting.quiesceAndReset(s, peer);
                long[] got = {0};
                Task<Void> download = Aio.createTask(() -> {
                    try (ClientResponse r = s.get(peer.url("/bytes?n=" + (256L << 20)))) {
                        for (byte[] piece; (piece = r.content().read(65536)).length > 0; ) {
                            got[0] += piece.length;
                            Aio.sleep(Duration.ofMillis(1));
                        }
                    }
                });
                while (got[0] < (2 << 20)) {
                    Aio.sleep(Duration.ofMillis(10));
                }
                download.cancel();
                assertThatThrownBy(download::await).isInstanceOf(CancelledError.class);
                assertThat(s.inFlight()).isZero();
                // the next request gets the slot at once; the abandoned connection is closed
                assertThat(s.get(peer.url("/hello")).text()).isEqualTo("hello");
                Map<String, Object> after = null;
                for (int i = 0; i < 100; i++) {
                    after = HttpTesting.stats(s, peer);
                    if (((Number) after.get("open")).longValue() <= 1) {
                        break;
                    }
                    Aio.sleep(Duration.ofMillis(50));
                }
                assertThat(((Number) after.get("open")).longValue())
                        .as("connections open at the server")
                        .isEqualTo(1);
                assertThat(((Number) after.get("sent")).longValue()).isLessThan(256L << 20);
            }
        });
    }

    @Test
    void closingAResponseBeforeItsEndAbandonsTheBody() {
        run(() -> {
            try (HttpSession s = HttpSession.builder().limitPerHost(1).build()) {
                ClientResponse r = s.get(peer.url("/bytes?n=" + (64L << 20)));
                r.content().read(1000);
                r.close();
                assertThat(r.released()).isTrue();
                assertThatThrownBy(() -> r.content().read(10))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("closed");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (ClientResponse next = s.get(peer.url("/gzip"))) {
                    assertThat(next.content().transferTo(out)).isEqualTo(TEXT.length());
                }
                assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(TEXT);
            }
        });
    }
}
