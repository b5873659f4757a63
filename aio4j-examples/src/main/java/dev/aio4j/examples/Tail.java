package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.Timeout;
import dev.aio4j.process.ProcessOptions;
import dev.aio4j.process.Processes;
import dev.aio4j.process.Redirect;
import dev.aio4j.process.Subprocess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Follows a child's output line by line as it is written, like {@code tail -f}, while another
 * task keeps a clock ticking on the same loop; stops after some lines or some time and closes
 * the child, which kills it.
 *
 * <pre>
 *   ./aio4j example Tail [--lines N] [--seconds S] [COMMAND ARG...]
 *   ./aio4j example Tail --lines 20 tail -n +1 -F /var/log/syslog
 * </pre>
 *
 * Without a command it follows a shell loop that prints a numbered tick every 200 ms.
 */
public final class Tail {
    private Tail() {}

    public static void main(String[] args) {
        int maxLines = 10;
        double seconds = 30;
        List<String> command = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (command.isEmpty() && args[i].equals("--lines") && i + 1 < args.length) {
                maxLines = Integer.parseInt(args[++i]);
            } else if (command.isEmpty() && args[i].equals("--seconds") && i + 1 < args.length) {
                seconds = Double.parseDouble(args[++i]);
            } else {
                command.addAll(Arrays.asList(args).subList(i, args.length));
                break;
            }
        }
        if (command.isEmpty()) {
            command = List.of("/bin/sh", "-c", "i=0; while :; do i=$((i+1)); echo \"tick $i\"; sleep 0.2; done");
        }
        int wanted = maxLines;
        Duration limit = Duration.ofMillis((long) (seconds * 1000));
        List<String> cmd = command;
        Aio.run(() -> {
            ProcessOptions options = ProcessOptions.defaults()
                    .withStdin(Redirect.DEVNULL)
                    .withStdout(Redirect.PIPE)
                    .withStderr(Redirect.STDOUT);
            try (Subprocess child = Processes.exec(cmd, options)) {
                System.out.printf("following pid %d: %s%n", child.pid(), String.join(" ", cmd));
                long start = System.nanoTime();
                int[] ticks = {0};
                Task<Void> clock = Aio.createTask(
                        () -> {
                            while (true) {
                                Aio.sleep(Duration.ofMillis(50));
                                ticks[0]++;
                            }
                        },
                        "clock");
                int[] seen = {0};
                boolean ended = Timeout.moveOnAfter(limit, () -> {
                            for (byte[] line : child.stdout().lines()) {
                                seen[0]++;
                                System.out.printf(
                                        "%7.3f s  %s",
                                        (System.nanoTime() - start) / 1e9, new String(line, StandardCharsets.UTF_8));
                                if (seen[0] >= wanted) {
                                    return false;
                                }
                            }
                            return true; // EOF: the child closed its output
                        })
                        .orElse(false);
                clock.cancel();
                if (!ended) {
                    child.close(); // kills it if it still runs
                }
                System.out.printf(
                        "%d lines in %.1f s; the clock task ticked %d times meanwhile; child %s, exit %d%n",
                        seen[0],
                        (System.nanoTime() - start) / 1e9,
                        ticks[0],
                        ended ? "had ended" : "was stopped",
                        child.waitFor());
            }
        });
    }
}
