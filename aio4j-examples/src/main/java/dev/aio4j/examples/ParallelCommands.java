package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.process.ProcessOptions;
import dev.aio4j.process.Processes;
import dev.aio4j.process.Redirect;
import dev.aio4j.process.Subprocess;
import dev.aio4j.sync.Semaphore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs shell commands concurrently, at most a few at a time (a Semaphore), streams each one's
 * output line by line prefixed with its name as it comes, and ends with a table of exit codes
 * and times. The loop never waits for a child: each command's pipe is read by its own task.
 *
 * <pre>
 *   ./aio4j example ParallelCommands [--limit N] [NAME=COMMAND ...]
 * </pre>
 *
 * Without commands it runs a small built-in set (one of them fails on purpose).
 */
public final class ParallelCommands {
    private ParallelCommands() {}

    /** One command's outcome. */
    record Result(String name, int returncode, long startMillis, long millis, int lines) {}

    public static void main(String[] args) {
        int limit = 4;
        Map<String, String> commands = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--limit") && i + 1 < args.length) {
                limit = Integer.parseInt(args[++i]);
            } else if (args[i].contains("=")) {
                commands.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("expected NAME=COMMAND or --limit N, got: " + args[i]);
            }
        }
        if (commands.isEmpty()) {
            commands.put("count", "for i in 1 2 3; do echo $i; sleep 0.2; done");
            commands.put("sleepy", "sleep 1; echo rested");
            commands.put("kernel", "uname -sr");
            commands.put("fails", "echo 'about to fail' >&2; exit 3");
            commands.put("slow", "sleep 0.5; echo half a second");
            commands.put("files", "ls / | wc -l");
        }
        int slots = limit;
        Aio.run(() -> {
            Semaphore semaphore = new Semaphore(slots);
            long start = System.nanoTime();
            List<Task<Result>> tasks = new ArrayList<>();
            for (var command : commands.entrySet()) {
                tasks.add(Aio.createTask(
                        () -> run(command.getKey(), command.getValue(), semaphore, start), command.getKey()));
            }
            List<Result> results = new ArrayList<>();
            for (Task<Result> t : tasks) {
                results.add(t.await());
            }
            long total = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("%n%-10s %6s %8s %8s %6s%n", "command", "exit", "start", "time", "lines");
            for (Result r : results) {
                System.out.printf(
                        "%-10s %6d %6d ms %5d ms %6d%n",
                        r.name(), r.returncode(), r.startMillis(), r.millis(), r.lines());
            }
            long sum = results.stream().mapToLong(Result::millis).sum();
            System.out.printf(
                    "%d commands, at most %d at once: %d ms in all, %d ms end to end%n",
                    results.size(), slots, sum, total);
        });
    }

    /** Runs one command once a slot is free, printing its lines as they arrive. */
    private static Result run(String name, String command, Semaphore semaphore, long t0) throws Exception {
        try (var slot = semaphore.acquire()) {
            long started = System.nanoTime();
            ProcessOptions options = ProcessOptions.defaults()
                    .withStdin(Redirect.DEVNULL)
                    .withStdout(Redirect.PIPE)
                    .withStderr(Redirect.STDOUT);
            try (Subprocess child = Processes.shell(command, options)) {
                int lines = 0;
                for (byte[] line : child.stdout().lines()) {
                    System.out.printf("[%s] %s", name, new String(line, StandardCharsets.UTF_8));
                    lines++;
                }
                int code = child.waitFor();
                long now = System.nanoTime();
                return new Result(name, code, (started - t0) / 1_000_000, (now - started) / 1_000_000, lines);
            }
        }
    }
}
