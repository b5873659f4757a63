package dev.aio4j.http.client;

import static dev.aio4j.http.HttpTesting.run;
import static dev.aio4j.http.client.HttpTesting.quiesceAndReset;
import static dev.aio4j.http.client.HttpTesting.stat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.TaskGroup;
import dev.aio4j.http.client.HttpTesting.Peer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The session's connection limits, observed from the server's side (the aiohttp peer counts its
 * open connections), and what many requests in flight cost the loop.
 */
class ConnectionLimitTest {

    static final Peer peer = Peer.shared();

    @Test
    void theServerNeverSeesMoreThanLimitPerHostOpenConnections() {
        run(() -> {
            try (HttpSession s = HttpSession.builder().limitPerHost(4).build()) {
                quiesceAndReset(s, peer);
                int[] maxInFlight = {0};
                TaskGroup.run(g -> {
                    for (int i = 0; i < 60; i++) {
                        String path = i % 3 == 0 ? "/delay?ms=30" : i % 3 == 1 ? "/bytes?n=300000" : "/hello";
                        g.createTask(() -> {
                            try (ClientResponse r = s.get(peer.url(path))) {
                                maxInFlight[0] = Math.max(maxInFlight[0], s.inFlight());
                                r.bytes();
                            }
                        });
                    }
                });
                assertThat(maxInFlight[0]).as("requests in flight, sampled").isBetween(2, 4);
                assertThat(s.inFlight()).isZero();
                assertThat(stat(s, peer, "max"))
                        .as("most connections open at once")
                        .isLessThanOrEqualTo(4);
                assertThat(stat(s, peer, "requests")).isEqualTo(60);
            }
        });
    }

    @Test
    void withoutALimitTheJdkClientOpensAConnectionPerConcurrentRequest() {
        run(() -> {
            try (HttpSession s = HttpSession.builder().limit(0).build()) {
                quiesceAndReset(s, peer);
                TaskGroup.run(g -> {
                    for (int i = 0; i < 30; i++) {
                        g.createTask(() -> s.get(peer.url("/delay?ms=300")).text());
                    }
                });
                // what the limits are for: the JDK's pool bounds nothing while requests are in flight
                assertThat(stat(s, peer, "max")).as("connections open at once").isGreaterThanOrEqualTo(25);
            }
        });
    }

    @Test
    void connectionsAreReusedRatherThanOpenedAgain() {
        run(() -> {
            try (HttpSession s = HttpSession.builder().limitPerHost(3).build()) {
                quiesceAndReset(s, peer);
                for (int round = 0; round < 5; round++) {
                    TaskGroup.run(g -> {
                        for (int i = 0; i < 30; i++) {
                            g.createTask(() -> s.get(peer.url("/delay?ms=5")).text());
                        }
                    });
                }
                // 150 requests over at most 3 connections of this session
                assertThat(stat(s, peer, "accepted"))
                        .as("connections accepted for 150 requests")
                        .isLessThanOrEqualTo(3);
                assertThat(stat(s, peer, "max")).isLessThanOrEqualTo(3);
            }
        });
    }

    @Test
    void theTotalLimitBoundsRequestsToEveryHostTogether() {
        run(() -> {
            try (HttpSession s = HttpSession.builder().limit(5).build()) {
                int[] max = {0};
                TaskGroup.run(g -> {
                    for (int i = 0; i < 30; i++) {
                        // two "hosts": 127.0.0.1 and localhost are different keys
                        String host = i % 2 == 0 ? "127.0.0.1" : "localhost";
                        g.createTask(() -> {
                            try (ClientResponse r = s.get("http://" + host + ":" + peer.port + "/delay?ms=20")) {
                                max[0] = Math.max(max[0], s.inFlight());
                                r.text();
                            }
                        });
                    }
                });
                assertThat(max[0]).as("requests in flight, sampled").isBetween(2, 5);
            }
        });
    }

    @Test
    void totalTimeoutStartsOnlyOnceTheSlotIsHeld() {
        run(() -> {
            try (HttpSession s = HttpSession.builder().limitPerHost(1).build()) {
                Task<String> slow =
                        Aio.createTask(() -> s.get(peer.url("/delay?ms=800")).text());
                Aio.sleep(Duration.ofMillis(100)); // the slow request holds the only slot
                long start = System.nanoTime();
                String fast = s.request("GET", peer.url("/delay?ms=10"))
                        .timeout(ClientTimeout.ofTotal(Duration.ofMillis(500)))
                        .send()
                        .text();
                double waited = (System.nanoTime() - start) / 1e9;
                assertThat(fast).isEqualTo("ok");
                assertThat(waited)
                        .as("waited for the slot longer than the total timeout")
                        .isGreaterThan(0.5);
                assertThat(slow.await()).isEqualTo("ok");
            }
        });
    }

    @Test
    void aRedirectToTheSameHostKeepsItsSlotInsteadOfQueueingAgain() {
        run(() -> {
            try (HttpSession s = HttpSession.builder().limitPerHost(1).build()) {
                s.get(peer.url("/hello")).text();
                long start = System.nanoTime();
                Task<Double> redirected = Aio.createTask(() -> {
                    String body = s.get(peer.url("/redirect/3")).text();
                    assertThat(body).isEqualTo("done");
                    return (System.nanoTime() - start) / 1e9;
                });
                for (int i = 0; i < 1000 && s.inFlight() == 0; i++) {
                    Aio.sleep(Duration.ofMillis(1)); // until the redirected request holds the slot
                }
                List<Task<String>> queued = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    queued.add(Aio.createTask(
                            () -> s.get(peer.url("/delay?ms=1000")).text()));
                }
                assertThat(redirected.await())
                        .as("seconds for 4 hops, not behind 3 x 1 s")
                        .isLessThan(2.0);
                for (Task<String> q : queued) {
                    assertThat(q.await()).isEqualTo("ok");
                }
            }
        });
    }

    @Test
    void fiftyRequestsInFlightLeaveAHeartbeatOnTime() {
        run(() -> {
            try (HttpSession s = HttpSession.create()) {
                s.get(peer.url("/hello")).text(); // warm up the JDK client
                List<Double> lateness = new ArrayList<>();
                boolean[] stop = {false};
                Task<Void> heartbeat = Aio.createTask(() -> {
                    while (!stop[0]) {
                        long t0 = System.nanoTime();
                        Aio.sleep(Duration.ofMillis(10));
                        lateness.add((System.nanoTime() - t0) / 1e6 - 10);
                    }
                });
                long start = System.nanoTime();
                List<String> bodies = TaskGroup.call(g -> {
                            List<Task<String>> tasks = new ArrayList<>();
                            for (int i = 0; i < 50; i++) {
                                tasks.add(g.createTask(
                                        () -> s.get(peer.url("/delay?ms=500")).text()));
                            }
                            return tasks;
                        })
                        .stream()
                        .map(Task::result)
                        .toList();
                double took = (System.nanoTime() - start) / 1e9;
                stop[0] = true;
                heartbeat.await();
                assertThat(bodies).hasSize(50).containsOnly("ok");
                assertThat(took)
                        .as("50 x 500 ms concurrently, not 25 s in sequence")
                        .isLessThan(8.0);
                double worst =
                        lateness.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                assertThat(lateness.size()).as("heartbeats during %.2f s", took).isGreaterThan(20);
                assertThat(worst).as("the heartbeat's worst lateness in ms").isLessThan(500);
                System.out.printf(
                        "50 requests of 500 ms in %.2f s; %d heartbeats, the latest %.1f ms late%n",
                        took, lateness.size(), worst);
            }
        });
    }
}
