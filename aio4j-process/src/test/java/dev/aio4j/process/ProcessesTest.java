package dev.aio4j.process;

import static dev.aio4j.process.ProcessTesting.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting children: exec and shell, and every option. */
class ProcessesTest {

    @TempDir
    Path dir;

    @Test
    void execPassesArgumentsWithoutAShell() throws Exception {
        String out = run(() -> {
            try (Subprocess p = Processes.exec(ProcessOptions.piped(), "printf", "%s|", "a b", "$HOME", "*")) {
                return p.communicate().stdoutText();
            }
        });
        assertThat(out).isEqualTo("a b|$HOME|*|");
    }

    @Test
    void shellRunsTheCommandThroughBinSh() throws Exception {
        String out = run(() -> {
            try (Subprocess p = Processes.shell(
                    "for i in 1 2 3; do printf $i; done | wc -c",
                    ProcessOptions.defaults().withStdout(Redirect.PIPE))) {
                return p.communicate().stdoutText().strip();
            }
        });
        assertThat(out).isEqualTo("3");
    }

    @Test
    void cwdAndEnvironmentReachTheChild() throws Exception {
        String out = run(() -> {
            try (Subprocess p = Processes.shell(
                    "pwd; echo $ONLY; echo ${HOME:-unset}",
                    ProcessOptions.defaults()
                            .withStdout(Redirect.PIPE)
                            .withCwd(dir)
                            .withEnvironment(Map.of("ONLY", "this", "PATH", "/usr/bin:/bin")))) {
                return p.communicate().stdoutText();
            }
        });
        assertThat(out).isEqualTo(dir.toRealPath() + "\nthis\nunset\n");
    }

    @Test
    void filesCanBeStdinStdoutAndStderr() throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "from a file\n");
        Path out = dir.resolve("out.txt");
        Path err = Files.writeString(dir.resolve("err.txt"), "kept\n");
        int code = run(() -> {
            try (Subprocess p = Processes.shell(
                    "cat; echo oops >&2",
                    new ProcessOptions(
                            Redirect.file(in), Redirect.file(out), Redirect.appendTo(err), null, null, 1024))) {
                assertThat(List.of(p.stdin() == null, p.stdout() == null, p.stderr() == null))
                        .containsOnly(true);
                return p.waitFor();
            }
        });
        assertThat(code).isZero();
        assertThat(Files.readString(out)).isEqualTo("from a file\n");
        assertThat(Files.readString(err)).isEqualTo("kept\noops\n");
    }

    @Test
    void devnullStdinReadsEofAtOnce() throws Exception {
        String out = run(() -> {
            try (Subprocess p = Processes.exec(ProcessOptions.piped().withStdin(Redirect.DEVNULL), "wc", "-c")) {
                return p.communicate().stdoutText().strip();
            }
        });
        assertThat(out).isEqualTo("0");
    }

    @Test
    void badOptionsFailWithTheValueInTheMessage() {
        assertThatThrownBy(() -> ProcessOptions.defaults().withStdout(Redirect.STDOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stdout is STDOUT (only stderr may be)");
        assertThatThrownBy(() -> ProcessOptions.defaults().withStdin(Redirect.STDOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stdin is STDOUT (only stderr may be)");
        assertThatThrownBy(() -> ProcessOptions.defaults().withLimit(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit <= 0: 0");
        assertThatThrownBy(() -> ProcessOptions.defaults().withStdin(Redirect.appendTo(Path.of("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stdin appends to a file: x");
        assertThatThrownBy(() -> run(() -> Processes.exec(List.of(), ProcessOptions.defaults())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("command is empty");
    }

    @Test
    void startingOutsideALoopFailsClearly() {
        assertThatThrownBy(() -> Processes.exec("true")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMissingWorkingDirectoryIsAnIoException() {
        Object error = run(() -> {
            try {
                return Processes.exec(ProcessOptions.defaults().withCwd(dir.resolve("gone")), "true");
            } catch (java.io.IOException e) {
                return e;
            }
        });
        assertThat(error).isInstanceOf(java.io.IOException.class);
        assertThat(error.toString()).contains(dir.resolve("gone").toString());
    }
}
