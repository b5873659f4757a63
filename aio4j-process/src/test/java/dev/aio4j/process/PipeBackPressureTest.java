package dev.aio4j.process;

import static dev.aio4j.process.ProcessTesting.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * A child that writes far more than the task reads is held back by its pipe: the reader's buffer
 * never grows past twice its limit plus what the pump had on its way. 64 MiB by default, 1 GiB under {@code -Daio4j.long=true}.
 */
@Timeout(value = 600, threadMode = ThreadMode.SEPARATE_THREAD)
class PipeBackPressureTest {

    @Test
    void aChildWritingMuchMoreThanTheTaskReadsKeepsTheBufferNearTheLimit() throws Exception {
        long size = ProcessTesting.LONG ? 1L << 30 : 64L << 20;
        int limit = 64 * 1024;
        long[] got = run(() -> {
            ProcessOptions options =
                    ProcessOptions.defaults().withStdout(Redirect.PIPE).withLimit(limit);
            try (Subprocess p = Processes.exec(options, "head", "-c", Long.toString(size), "/dev/zero")) {
                long total = 0;
                long maxBuffered = 0;
                int reads = 0;
                for (byte[] block; (block = p.stdout().read(16 * 1024)).length > 0; ) {
                    total += block.length;
                    maxBuffered = Math.max(maxBuffered, p.stdout().bufferedSize());
                    if (++reads % 64 == 0) {
                        Aio.sleep(Duration.ofMillis(1)); // the slow reader: the child runs ahead if it can
                    }
                }
                assertThat(p.waitFor()).isZero();
                return new long[] {total, maxBuffered};
            }
        });
        assertThat(got[0]).isEqualTo(size);
        // The reader pauses the pump above 2 x limit; what was already on its way still arrives:
        // at most the pump's window (128 KiB) and the chunk that crossed the mark (64 KiB).
        assertThat(got[1]).as("most bytes buffered in the reader").isLessThanOrEqualTo(2L * limit + 192 * 1024);
        assertThat(ProcessTesting.busyPumpsAfterSettling())
                .as(ProcessTesting::pumpStacks)
                .isZero();
    }
}
