package dev.aio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** RequestIds served in-process to 100 interleaved clients, its log lines captured. */
class RequestIdsTest {

    @Test
    void everyLogLineOfARequestCarriesThatRequestsId() {
        List<String> lines = new ArrayList<>();
        Logger jul = Logger.getLogger("dev.aio4j.examples.RequestIds");
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(capture);
        jul.setUseParentHandlers(false);
        Map<String, String> answers;
        try {
            answers = Aio.run(() -> Timeout.after(Duration.ofSeconds(60), () -> {
                Server server = Net.startServer(RequestIds::serve, "127.0.0.1", 0);
                int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                List<Task<String>> clients = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String user = "user" + i;
                    clients.add(Aio.createTask(() -> {
                        Connection c = Net.openConnection("127.0.0.1", port);
                        c.writer().write("GET " + user + "\n");
                        String answer = new String(c.reader().readline(), StandardCharsets.UTF_8).trim();
                        c.writer().close();
                        return answer;
                    }));
                }
                Map<String, String> byId = new HashMap<>();
                for (Task<String> t : clients) {
                    String answer = t.await();
                    byId.put(answer.substring(0, answer.indexOf(' ')), answer.split(" ")[1]);
                }
                server.close();
                return byId;
            }));
        } finally {
            jul.removeHandler(capture);
            jul.setUseParentHandlers(true);
        }
        // 100 requests, each answered with its own ID; 5 lines each (handler, 2 sub-tasks,
        // the thread, the handler), every one naming the user its ID was given for.
        assertThat(answers).hasSize(100);
        Map<String, Integer> linesPerId = new HashMap<>();
        List<String> mismatched = new ArrayList<>();
        for (String line : lines) {
            Matcher m = Pattern.compile("\\[(req-\\d+)] .*?(user\\d+)").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            linesPerId.merge(m.group(1), 1, Integer::sum);
            if (!m.group(2).equals(answers.get(m.group(1)))) {
                mismatched.add(line);
            }
        }
        assertThat(mismatched).isEmpty();
        assertThat(linesPerId)
                .hasSize(100)
                .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(5));
        assertThat(lines).anyMatch(l -> l.contains("scoring") && l.contains("-executor-"));
        assertThat(interleaved(lines)).as("requests interleave").isTrue();
    }

    /** True if some request logged a line after another request's first line and before its own last. */
    private static boolean interleaved(List<String> lines) {
        String first = lines.get(0).substring(0, lines.get(0).indexOf(']'));
        int last = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(first)) {
                last = i;
            }
        }
        for (int i = 1; i < last; i++) {
            if (!lines.get(i).startsWith(first)) {
                return true;
            }
        }
        return false;
    }
}
