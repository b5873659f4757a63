package dev.aio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** The subprocess examples run as programs, the way a reader runs them. */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class ProcessExamplesTest {

    /** Runs an example in its own JVM to the end; returns what it printed. */
    private static String runExample(String main, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens",
                "java.base/java.lang=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.aio4j.examples." + main));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void parallelCommandsStreamsPrefixedLinesAndSummarisesExitCodes() throws Exception {
        String out = runExample(
                "ParallelCommands",
                "--limit",
                "2",
                "a=echo one; sleep 0.3; echo two",
                "b=echo err >&2; exit 5",
                "c=sleep 0.5; echo late");
        assertThat(out).contains("[a] one\n", "[a] two\n", "[b] err\n", "[c] late\n");
        assertThat(out.indexOf("[a] one")).isLessThan(out.indexOf("[a] two"));
        assertThat(out)
                .containsPattern("(?m)^a +0 ")
                .containsPattern("(?m)^b +5 ")
                .containsPattern("(?m)^c +0 ");
        assertThat(out).contains("3 commands, at most 2 at once");
    }

    @Test
    void tailFollowsTheTicksThenKillsTheChild() throws Exception {
        String out = runExample("Tail", "--lines", "4");
        assertThat(out).containsPattern("following pid \\d+");
        for (int i = 1; i <= 4; i++) {
            assertThat(out).containsPattern("s  tick " + i + "\n");
        }
        assertThat(out).doesNotContain("tick 5").contains("4 lines in").contains("was stopped, exit 137");
    }

    @Test
    void tailFollowsAGivenCommandToItsEnd() throws Exception {
        String out = runExample("Tail", "--lines", "100", "printf", "x\\ny\\n");
        assertThat(out)
                .contains("s  x\n")
                .contains("s  y\n")
                .contains("2 lines in")
                .contains("had ended, exit 0");
    }
}
