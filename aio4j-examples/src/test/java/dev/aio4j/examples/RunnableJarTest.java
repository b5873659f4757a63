package dev.aio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged examples jar runs carrier mode under a plain {@code java -jar}, with no flag. */
class RunnableJarTest {

    private static final Path JAR = Path.of("target", "aio4j-examples-runnable.jar");

    private static String run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void javaDashJarRunsCarrierModeWithNoFlag() throws Exception {
        assertThat(JAR).as("built by mvn package").exists();
        String out = run("-jar", JAR.toString(), "--tasks", "1000");
        assertThat(out).contains("aio4j: carrier mode").contains("one event loop, carrier mode");
    }

    @Test
    void theSameJarOnAPlainClassPathNeedsTheFlag() throws Exception {
        assertThat(Files.exists(JAR)).isTrue();
        String out = run("-cp", JAR.toString(), "dev.aio4j.examples.Demo", "--tasks", "1000");
        assertThat(out).contains("aio4j: portable mode").contains("--add-opens java.base/java.lang=ALL-UNNAMED");
    }
}
