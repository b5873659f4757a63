package dev.aio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.Timeout;
import dev.aio4j.http.client.HttpSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** The scraper against the demo's embedded site, in process and as a program. */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class ScraperTest {

    @Test
    void aCrawlReachesEveryPageWithinTheLimitAndTimesOutOnlyTheSlowOnes() throws Exception {
        try (DemoSite site = new DemoSite(120, 7, 3000)) {
            PrintStream out = System.out;
            List<Scraper.Result> results;
            int maxInFlight;
            try {
                System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
                Object[] got = Aio.run(() -> Timeout.after(Duration.ofSeconds(60), () -> {
                    try (HttpSession session = HttpSession.builder().limit(5).build()) {
                        Scraper scraper = new Scraper(session, Duration.ofMillis(700), 1000);
                        List<Scraper.Result> r = scraper.run(List.of(site.url()), true);
                        return new Object[] {r, scraper.maxInFlight()};
                    }
                }));
                @SuppressWarnings("unchecked")
                List<Scraper.Result> r = (List<Scraper.Result>) got[0];
                results = r;
                maxInFlight = (Integer) got[1];
            } finally {
                System.setOut(out);
            }
            long pagesFetched = results.stream()
                    .map(Scraper.Result::url)
                    .filter(u -> u.contains("/page/"))
                    .distinct()
                    .count();
            assertThat(pagesFetched).as("distinct pages requested").isGreaterThanOrEqualTo(110);
            assertThat(maxInFlight).isEqualTo(5);
            long timeouts =
                    results.stream().filter(r -> "timeout".equals(r.error())).count();
            assertThat(timeouts).as("timeouts").isBetween((long) site.count(DemoSite.Kind.SLOW) - 2, (long)
                    site.count(DemoSite.Kind.SLOW));
            assertThat(results).filteredOn(r -> r.status() == 500).isNotEmpty();
            assertThat(results).filteredOn(r -> r.status() == 404).isNotEmpty();
            assertThat(results).filteredOn(r -> r.redirects() > 0).isNotEmpty();
            assertThat(results)
                    .filteredOn(r -> r.error() != null && !r.error().equals("timeout"))
                    .isEmpty();
        }
    }

    @Test
    void theProgramTakesAUrlListWithLimitAndTimeout() throws Exception {
        try (DemoSite site = new DemoSite(30, 3, 3000)) {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-opens",
                    "java.base/java.lang=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.aio4j.examples.Scraper",
                    "--limit",
                    "3",
                    "--timeout",
                    "0.8"));
            for (int i = 0; i < 20; i++) {
                cmd.add(site.url() + "page/" + i);
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output)
                    .contains("20 requests in")
                    .contains("at most 3 requests in flight (limit 3)")
                    .contains("HTTP 200")
                    .contains("latency: p50");
            assertThat(site.maxInFlight()).isLessThanOrEqualTo(3 + 1);
        }
    }
}
