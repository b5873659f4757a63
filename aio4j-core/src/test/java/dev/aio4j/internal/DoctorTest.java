package dev.aio4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The doctor, run in fresh JVMs launched the ways users launch aio4j: it names the mode, and
 * the exact flag for the class path and for the module path.
 */
class DoctorTest {

    record Result(int status, String out) {}

    private static Result doctor(String... options) throws IOException, InterruptedException {
        Path classes;
        try {
            classes = Path.of(Doctor.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String o : options) {
            cmd.add(o.replace("CLASSES", classes.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void onTheClassPathWithoutTheFlagItGivesTheUnnamedModuleFlag() throws Exception {
        Result r = doctor("-cp", "CLASSES", "dev.aio4j.internal.Doctor");
        assertThat(r.status()).as(r.out()).isEqualTo(1);
        assertThat(r.out())
                .contains("mode:   portable")
                .contains("class path")
                .contains("add --add-opens java.base/java.lang=ALL-UNNAMED to the java command");
    }

    @Test
    void onTheClassPathWithTheFlagItIsCarrierMode() throws Exception {
        Result r =
                doctor("--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", "CLASSES", "dev.aio4j.internal.Doctor");
        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).contains("mode:   carrier").contains("nothing to do");
    }

    @Test
    void onTheModulePathTheUnnamedModuleFlagIsNotEnoughAndItSaysWhichIs() throws Exception {
        Result r = doctor(
                "--add-opens",
                "java.base/java.lang=ALL-UNNAMED",
                "-p",
                "CLASSES",
                "-m",
                "dev.aio4j/dev.aio4j.internal.Doctor");
        assertThat(r.status()).as(r.out()).isEqualTo(1);
        assertThat(r.out())
                .contains("mode:   portable")
                .contains("named module dev.aio4j")
                .contains("add --add-opens java.base/java.lang=dev.aio4j to the java command");
    }

    @Test
    void onTheModulePathTheModuleFlagGivesCarrierMode() throws Exception {
        Result r = doctor(
                "--add-opens",
                "java.base/java.lang=dev.aio4j",
                "-p",
                "CLASSES",
                "-m",
                "dev.aio4j/dev.aio4j.internal.Doctor");
        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).contains("mode:   carrier");
    }

    @Test
    void portableModeChosenOnPurposeNeedsNoFix() throws Exception {
        Result r = doctor("-Daio4j.mode=portable", "-cp", "CLASSES", "dev.aio4j.internal.Doctor");
        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out())
                .contains("mode:   portable")
                .contains("chose portable mode")
                .contains("nothing to do");
    }

    @Test
    void theStartUpLineOfUnchosenPortableModeSaysWhatBreaksAndTheFlag() {
        if (!Schedulers.mode().equals("portable") || Schedulers.portableChosen()) {
            return; // this JVM runs carrier mode; the other Surefire run checks the portable line
        }
        assertThat(Schedulers.explanation())
                .contains("hold the whole loop and cannot be cancelled")
                .contains("pools shared by tasks can deadlock")
                .contains("add --add-opens java.base/java.lang=ALL-UNNAMED")
                .contains("-Daio4j.mode=portable");
    }
}
