package dev.aio4j.process;

import static dev.aio4j.process.ProcessTesting.bytes;
import static dev.aio4j.process.ProcessTesting.python;
import static dev.aio4j.process.ProcessTesting.run;
import static dev.aio4j.process.ProcessTesting.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.net.StreamReader;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** Data through a child's pipes: stdin as a StreamWriter, stdout and stderr as StreamReaders. */
@Timeout(value = 180, threadMode = ThreadMode.SEPARATE_THREAD)
class SubprocessStreamsTest {

    @Test
    void catEchoesOneHundredMegabytesWithTheSha256Intact() throws Exception {
        int total = 100 * 1024 * 1024;
        byte[][] digests = run(() -> {
            try (Subprocess cat = Processes.exec(ProcessOptions.piped(), "cat")) {
                Task<byte[]> reader = Aio.createTask(() -> {
                    MessageDigest got = MessageDigest.getInstance("SHA-256");
                    long n = 0;
                    for (byte[] block; (block = cat.stdout().read(256 * 1024)).length > 0; ) {
                        got.update(block);
                        n += block.length;
                    }
                    assertThat(n).isEqualTo(total);
                    return got.digest();
                });
                MessageDigest sent = MessageDigest.getInstance("SHA-256");
                Random random = new Random(42);
                byte[] block = new byte[1 << 20];
                for (int i = 0; i < total / block.length; i++) {
                    random.nextBytes(block);
                    sent.update(block);
                    cat.stdin().write(block);
                    cat.stdin().drain();
                }
                cat.stdin().close();
                byte[] received = reader.await();
                assertThat(cat.waitFor()).isZero();
                return new byte[][] {sent.digest(), received};
            }
        });
        assertThat(digests[1]).isEqualTo(digests[0]);
    }

    @Test
    void linesGoBackAndForthWithAnInteractiveChild() throws Exception {
        List<String> got = run(() -> {
            try (Subprocess cat = Processes.exec(ProcessOptions.piped(), "cat")) {
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    cat.stdin().write("line " + i + "\n");
                    cat.stdin().drain();
                    lines.add(str(cat.stdout().readline()));
                }
                cat.stdin().close();
                assertThat(cat.stdout().read()).isEmpty();
                assertThat(cat.waitFor()).isZero();
                return lines;
            }
        });
        assertThat(got).hasSize(50).startsWith("line 0\n").endsWith("line 49\n");
    }

    @Test
    void theOutputStaysReadableAfterWaitForReturned() throws Exception {
        String out = run(() -> {
            try (Subprocess p = Processes.shell("echo first; echo second", ProcessOptions.piped())) {
                assertThat(p.waitFor()).isZero();
                return str(p.stdout().read());
            }
        });
        assertThat(out).isEqualTo("first\nsecond\n");
    }

    @Test
    void shellWithStderrRedirectedToStdoutGivesBothInOneStream() throws Exception {
        ProcessOutput out = run(() -> {
            try (Subprocess sh = Processes.shell(
                    "echo out; echo err >&2; echo out2; exit 3",
                    ProcessOptions.defaults().withStdout(Redirect.PIPE).withStderr(Redirect.STDOUT))) {
                assertThat(sh.stderr()).isNull();
                assertThat(sh.stdin()).isNull();
                return sh.communicate();
            }
        });
        assertThat(out.stdoutText()).isEqualTo("out\nerr\nout2\n");
        assertThat(out.stderr()).isNull();
        assertThat(out.returncode()).isEqualTo(3);
    }

    @Test
    void aPythonChildInterleavingBothStreamsIsReadByTwoTasksLineForLine() throws Exception {
        String script =
                """
                import sys
                for i in range(2000):
                    sys.stdout.write(f"out {i}\\n"); sys.stdout.flush()
                    sys.stderr.write(f"err {i}\\n"); sys.stderr.flush()
                """;
        List<List<String>> got = run(() -> {
            try (Subprocess py =
                    Processes.exec(ProcessOptions.piped().withStdin(Redirect.DEVNULL), python(), "-c", script)) {
                Task<List<String>> out = Aio.createTask(() -> lines(py.stdout()));
                Task<List<String>> err = Aio.createTask(() -> lines(py.stderr()));
                List<List<String>> both = List.of(out.await(), err.await());
                assertThat(py.waitFor()).isZero();
                return both;
            }
        });
        for (int i = 0; i < 2000; i++) {
            assertThat(got.get(0).get(i)).isEqualTo("out " + i + "\n");
            assertThat(got.get(1).get(i)).isEqualTo("err " + i + "\n");
        }
        assertThat(got.get(0)).hasSize(2000);
        assertThat(got.get(1)).hasSize(2000);
    }

    private static List<String> lines(StreamReader reader) {
        List<String> lines = new ArrayList<>();
        for (byte[] line : reader.lines()) {
            lines.add(str(line));
        }
        return lines;
    }

    @Test
    void communicateMovesTenMegabytesInAndOutWithoutDeadlock() throws Exception {
        byte[] input = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(input);
        // The child writes all of stdin back on stdout and 10 MB on stderr while still reading:
        // a communicate that did one thing at a time would deadlock on the full pipes.
        String script =
                """
                import sys
                data = sys.stdin.buffer.read()
                sys.stderr.buffer.write(b"e" * len(data)); sys.stderr.flush()
                sys.stdout.buffer.write(data)
                """;
        String shellScript = "tee /dev/stderr";
        ProcessOutput viaPython = run(() -> {
            try (Subprocess py = Processes.exec(ProcessOptions.piped(), python(), "-c", script)) {
                return py.communicate(input);
            }
        });
        assertThat(viaPython.returncode()).isZero();
        assertThat(viaPython.stdout()).isEqualTo(input);
        assertThat(viaPython.stderr()).hasSize(input.length);
        ProcessOutput viaTee = run(() -> {
            try (Subprocess tee = Processes.shell(shellScript, ProcessOptions.piped())) {
                return tee.communicate(input);
            }
        });
        assertThat(viaTee.returncode()).isZero();
        assertThat(viaTee.stdout()).isEqualTo(input);
        assertThat(viaTee.stderr()).isEqualTo(input);
    }

    @Test
    void communicateIgnoresTheBrokenPipeOfAChildThatStopsReading() throws Exception {
        ProcessOutput out = run(() -> {
            try (Subprocess head = Processes.exec(ProcessOptions.piped(), "head", "-c", "10")) {
                return head.communicate(new byte[8 * 1024 * 1024]);
            }
        });
        assertThat(out.returncode()).isZero();
        assertThat(out.stdout()).hasSize(10);
        assertThat(out.stderr()).isEmpty();
    }

    @Test
    void drainReportsTheBrokenPipeWhenTheChildClosedItsStdin() throws Exception {
        String error = run(() -> {
            // The child closes its stdin and stays alive, so the writes meet a pipe with no reader.
            try (Subprocess child = Processes.shell("exec 0<&-; echo closed; exec sleep 30", ProcessOptions.piped())) {
                assertThat(str(child.stdout().readline())).isEqualTo("closed\n");
                try {
                    for (int i = 0; i < 100; i++) {
                        child.stdin().write(new byte[64 * 1024]);
                        child.stdin().drain();
                    }
                    return "no error";
                } catch (IOException e) {
                    return e.getMessage();
                }
            }
        });
        assertThat(error).containsIgnoringCase("broken pipe");
    }

    @Test
    void communicateWithInputNeedsAPipedStdin() {
        assertThatThrownBy(() -> run(() -> {
                    try (Subprocess p = Processes.exec(ProcessOptions.defaults().withStdout(Redirect.PIPE), "true")) {
                        return p.communicate(bytes("x"));
                    }
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs stdin=PIPE");
    }

    @Test
    void theStreamsNotPipedAreNullAndCommunicateReportsThemAsNull() throws Exception {
        ProcessOutput out = run(() -> {
            try (Subprocess p = Processes.shell(
                    "echo hidden; echo shown >&2",
                    ProcessOptions.defaults().withStdout(Redirect.DEVNULL).withStderr(Redirect.PIPE))) {
                assertThat(p.stdout()).isNull();
                return p.communicate();
            }
        });
        assertThat(out.stdout()).isNull();
        assertThat(out.stderrText()).isEqualTo("shown\n");
    }

    @Test
    void theReaderLimitComesFromTheOptions() throws Exception {
        int limit = run(() -> {
            try (Subprocess p = Processes.exec(ProcessOptions.piped().withLimit(1000), "true")) {
                p.communicate();
                return p.stdout().limit();
            }
        });
        assertThat(limit).isEqualTo(1000);
    }
}
