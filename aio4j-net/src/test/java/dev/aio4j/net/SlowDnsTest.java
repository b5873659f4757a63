package dev.aio4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host name lookups from tasks against a DNS server that answers after 1 s: a JVM in a private
 * mount and network namespace ({@code unshare}, as root) whose /etc/resolv.conf points at
 * {@link SlowDnsProbe}'s server on 127.0.0.1:53 and whose /etc/hosts knows only localhost.
 * The child runs in the mode of this JVM.
 */
class SlowDnsTest {

    /**
     * The heartbeat's worst lateness allowed. A lookup that held the loop would make it at least
     * 1000 ms late (measured: 6 s); with lookups off the loop it was 5-34 ms late on a 2-core machine
     * at load 3, and 86 ms once when class loading was not warmed up.
     */
    private static final long HEARTBEAT_LATE_LIMIT_MILLIS = 150;

    @TempDir
    Path dir;

    @Test
    void lookupsFromTasksSuspendOnlyTheirTask() throws Exception {
        Map<String, String> out = runProbe();
        assertThat(out.get("provider"))
                .as("the first InetAddressResolverProvider on the class path (an old aio4j-core?)")
                .isEqualTo("aio4j");
        for (int i = 0; i < SlowDnsProbe.NAMES.size(); i++) {
            assertThat(out).containsEntry(SlowDnsProbe.NAMES.get(i), "127.0.0." + (11 + i));
        }
        assertThat(out).containsEntry("http", "hello").containsEntry("getaddrinfo", "127.0.0.22");
        assertThat(out.get("unknown.task")).startsWith("UnknownHostException").isEqualTo(out.get("unknown.thread"));
        // Net.getaddrinfo leaves the loop in both modes.
        assertThat(out).containsEntry("getaddrinfo.results", "127.0.0.31,127.0.0.32,127.0.0.33,127.0.0.34");
        assertThat(Long.parseLong(out.get("getaddrinfo.millis")))
                .as("4 concurrent getaddrinfo of 1 s")
                .isBetween(900L, 2500L);
        assertThat(Long.parseLong(out.get("getaddrinfo.heartbeat.maxLateMillis")))
                .isLessThan(HEARTBEAT_LATE_LIMIT_MILLIS);
        long took = Long.parseLong(out.get("concurrent.millis"));
        long late = Long.parseLong(out.get("heartbeat.maxLateMillis"));
        if (out.get("mode").equals("carrier")) {
            // 6 lookups of 1 s each, all at once.
            assertThat(took).as("6 concurrent lookups of 1 s").isBetween(900L, 2500L);
            assertThat(late).as("heartbeat lateness").isLessThan(HEARTBEAT_LATE_LIMIT_MILLIS);
            assertThat(out)
                    .containsEntry("cancel.outcome", "cancelled enough")
                    .containsEntry("timeout.outcome", "TimeoutError")
                    .containsEntry("cancel.later", "127.0.0.23");
            assertThat(Long.parseLong(out.get("cancel.millis"))).isLessThan(500);
            assertThat(Long.parseLong(out.get("timeout.millis"))).isLessThan(700);
        } else {
            // Portable mode resolves inline (see TaskResolver): each lookup holds the loop.
            assertThat(late).as("heartbeat lateness in portable mode").isGreaterThan(800L);
        }
    }

    private Map<String, String> runProbe() throws Exception {
        String unshare = "/usr/bin/unshare";
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of(unshare)), "skipped: " + unshare + " is missing (util-linux)");
        Process probe = new ProcessBuilder(unshare, "--mount", "--net", "true")
                .redirectErrorStream(true)
                .start();
        String why = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Assumptions.assumeTrue(
                probe.waitFor() == 0, "skipped: unshare --mount --net is not permitted here (needs root): " + why);

        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
            fail("the command 'ip' is missing: install the Debian package iproute2 (./aio4j test installs it)");
        }
        Path resolvConf =
                Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\noptions timeout:5 attempts:1\n");
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n::1 localhost\n");
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new ArrayList<>(List.of(
                unshare,
                "--mount",
                "--net",
                "sh",
                "-c",
                "ip link set lo up && mount --bind \"$1\" /etc/resolv.conf && mount --bind \"$2\" /etc/hosts"
                        + " && shift 2 && exec \"$@\"",
                "sh",
                resolvConf.toString(),
                hosts.toString(),
                java));
        if (!"portable".equals(System.getProperty("aio4j.expectMode"))) {
            cmd.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        }
        cmd.addAll(List.of(
                "-Daio4j.quiet=true", "-cp", System.getProperty("java.class.path"), SlowDnsProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Path log = dir.resolve("probe.log");
        var copy = Thread.ofPlatform().start(() -> {
            try {
                Files.copy(p.getInputStream(), log);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        copy.join(5000);
        String output = Files.readString(log);
        System.out.println("SlowDnsProbe:\n" + output);
        assertThat(ended)
                .as("the probe ended within 60 s; it printed:\n" + output)
                .isTrue();
        assertThat(p.exitValue())
                .as("the probe's exit status; it printed:\n" + output)
                .isZero();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.lastIndexOf(' ', eq) < 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }
}
