package dev.aio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
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
        assumeTrue(Files.exists(JAR), "the jar is built by mvn package; this test runs after it, in mvn verify");
        String out = run("-jar", JAR.toString(), "--tasks", "1000");
        assertThat(out).contains("aio4j: carrier mode").contains("one event loop, carrier mode");
    }

    @Test
    void theSameJarOnAPlainClassPathNeedsTheFlag() throws Exception {
        assumeTrue(Files.exists(JAR), "the jar is built by mvn package; this test runs after it, in mvn verify");
        String out = run("-cp", JAR.toString(), "dev.aio4j.examples.Demo", "--tasks", "1000");
        assertThat(out).contains("aio4j: portable mode").contains("--add-opens java.base/java.lang=ALL-UNNAMED");
    }
}
