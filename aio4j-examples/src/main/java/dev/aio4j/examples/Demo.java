package dev.aio4j.examples;

import dev.aio4j.Aio;
import dev.aio4j.CheckedRunnable;
import dev.aio4j.EventLoop;
import dev.aio4j.Task;
import dev.aio4j.TaskGroup;
import dev.aio4j.TaskGroupException;
import dev.aio4j.Timeout;
import dev.aio4j.file.AioPath;
import dev.aio4j.file.AsyncFile;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import dev.aio4j.process.ProcessOptions;
import dev.aio4j.process.Processes;
import dev.aio4j.process.Subprocess;
import dev.aio4j.queue.Queue;
import dev.aio4j.sync.Semaphore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;

/**
 * The showcase run by {@code ./aio4j demo}: what one event loop on one carrier thread does with
 * a lot of concurrent tasks, and how to see inside a running program (a deadlock the loop
 * finds, the task tree of a live server).
 *
 * <pre>
 *   ./aio4j demo [--tasks N]     (N concurrent tasks, default 100,000)
 * </pre>
 */
public final class Demo {
    /** The mode this JVM runs loops in; the child programs of section 10 are started in the same. */
    private static String mode = "portable";

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--deadlocking-child")) {
            deadlockingChild();
            return;
        }
        ScraperDemo.run();
        int tasks = 100_000;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--tasks") && i + 1 < args.length) {
                tasks = Integer.parseInt(args[++i]);
            }
        }
        int n = tasks;
        Aio.run(() -> {
            EventLoop loop = Aio.getRunningLoop();
            mode = loop.mode();
            System.out.printf(
                    "aio4j demo: one event loop, %s mode, JDK %s, %d cores%n",
                    loop.mode(),
                    Runtime.version().feature(),
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("%n1. %,d tasks, each sleeping a random 0-100 ms%n", n);
            concurrentSleeps(n, "cold JVM: the JIT has not compiled the switch paths yet");
            concurrentSleeps(n, "warm");
            switching();
            cancellation(n / 10);
            threadBridge();
            structuredConcurrency();
            pipeline();
            echo();
            files();
            processes();
            return null;
        });
        seeingInside();
    }

    // ------------------------------------------------------------------ 10. seeing inside

    /** A deadlock found by the loop in a child program, then the task tree of a live server. */
    private static void seeingInside() throws Exception {
        System.out.printf("%n10. seeing inside: a child program whose two tasks take two locks in opposite order%n");
        Process child = childJvm(List.of(Demo.class.getName(), "--deadlocking-child"));
        String report = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        child.waitFor();
        System.out.print(report.lines()
                .filter(l -> !l.startsWith("aio4j: "))
                .map(l -> "   " + l + "\n")
                .collect(java.util.stream.Collectors.joining()));
        System.out.printf("%n    and `./aio4j pstree PID` of a ChatServer with two clients connected:%n");
        Process server = childJvm(List.of(ChatServer.class.getName(), "--host", "127.0.0.1", "--port", "0"));
        List<java.net.Socket> clients = new ArrayList<>();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(
                    new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("listening on ")) {
                // the mode banner
            }
            if (line == null) {
                System.out.println("   (skipped: the ChatServer did not start)");
                return;
            }
            int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
            for (int i = 0; i < 2; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", port);
                clients.add(s);
                new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            }
            java.io.ByteArrayOutputStream tree = new java.io.ByteArrayOutputStream();
            java.io.PrintStream to = new java.io.PrintStream(tree, true, StandardCharsets.UTF_8);
            dev.aio4j.examples.tools.TaskTreeTool.run(new String[] {"pstree", Long.toString(server.pid())}, to, to);
            System.out.print(tree.toString(StandardCharsets.UTF_8).indent(3));
        } finally {
            for (java.net.Socket s : clients) {
                s.close();
            }
            server.destroy();
            server.waitFor();
        }
    }

    /** This JVM's java, class path and mode, running {@code mainAndArgs}; stderr merged into stdout. */
    private static Process childJvm(List<String> mainAndArgs) throws java.io.IOException {
        List<String> cmd =
                new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        if (mode.equals("carrier")) {
            cmd.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** The child of section 10: a transfer each way, each taking its two account locks in its own order. */
    private static void deadlockingChild() {
        try {
            Aio.run(
                    () -> {
                        Aio.currentTask().setName("main");
                        dev.aio4j.sync.Lock alice = new dev.aio4j.sync.Lock();
                        dev.aio4j.sync.Lock bob = new dev.aio4j.sync.Lock();
                        Task<Void> one = Aio.createTask(() -> transfer(alice, bob), "alice->bob");
                        Task<Void> two = Aio.createTask(() -> transfer(bob, alice), "bob->alice");
                        return Aio.gather(one, two).await();
                    },
                    dev.aio4j.RunOptions.defaults().withDebug(true)); // debug mode: a deadlock fails the run
        } catch (dev.aio4j.DeadlockError e) {
            System.out.println(e.getMessage());
        }
    }

    private static Void transfer(dev.aio4j.sync.Lock from, dev.aio4j.sync.Lock to) {
        try (var a = from.acquire()) {
            Aio.sleep(Duration.ofMillis(10)); // look up the balance: the other transfer starts meanwhile
            try (var b = to.acquire()) {
                return null;
            }
        }
    }

    /** N tasks each sleep a random 0-100 ms; a progress line counts them down. */
    private static void concurrentSleeps(int n, String round) {
        System.out.printf("   %s%n", round);
        SplittableRandom random = new SplittableRandom(42);
        int[] finished = {0};
        long start = System.nanoTime();
        List<Task<Void>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Duration d = Duration.ofMillis(random.nextInt(101));
            all.add(Aio.createTask(() -> {
                Aio.sleep(d);
                finished[0]++;
            }));
        }
        long spawned = System.nanoTime();
        Task<Void> progress = Aio.createTask(() -> {
            while (true) {
                System.out.printf("\r   finished %,9d / %,d", finished[0], n);
                System.out.flush();
                Aio.sleep(Duration.ofMillis(20));
            }
        });
        for (Task<Void> t : all) {
            t.await();
        }
        long end = System.nanoTime();
        progress.cancel();
        System.out.printf("\r   finished %,9d / %,d%n", finished[0], n);
        System.out.printf(
                "   spawned in %.1f ms (%.0f ns a task); all done in %.1f ms, %.1f ms over the longest sleep%n",
                ms(spawned - start), (double) (spawned - start) / n, ms(end - start), ms(end - start) - 100);
    }

    /** 1,000 tasks x 1,000 yields: the cost of one task switch, after a warm-up round. */
    private static void switching() {
        int tasks = 1_000, yields = 1_000;
        System.out.printf(
                "%n2. %,d tasks x %,d yields (Aio.sleep(Duration.ZERO)), after a warm-up round%n", tasks, yields);
        yieldRound(tasks, yields);
        long took = yieldRound(tasks, yields);
        System.out.printf(
                "   %,d switches in %.1f ms: %.0f ns a switch%n",
                (long) tasks * yields, ms(took), (double) took / ((long) tasks * yields));
    }

    private static long yieldRound(int tasks, int yields) {
        long start = System.nanoTime();
        List<Task<Void>> all = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            all.add(Aio.createTask(() -> {
                for (int k = 0; k < yields; k++) {
                    Aio.sleep(Duration.ZERO);
                }
            }));
        }
        for (Task<Void> t : all) {
            t.await();
        }
        return System.nanoTime() - start;
    }

    /** Cancel N sleeping tasks; each sees CancelledError at its wait and cleans up. */
    private static void cancellation(int n) {
        System.out.printf("%n3. cancelling %,d sleeping tasks%n", n);
        int[] cleanedUp = {0};
        List<Task<Void>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(Aio.createTask(() -> {
                try {
                    Aio.sleep(Duration.ofHours(1));
                } finally {
                    cleanedUp[0]++;
                }
            }));
        }
        Aio.sleep(Duration.ZERO);
        long start = System.nanoTime();
        for (Task<Void> t : all) {
            t.cancel("demo over");
        }
        int cancelled = 0;
        for (Task<Void> t : all) {
            try {
                t.await();
            } catch (CancellationException e) {
                cancelled++;
            }
        }
        System.out.printf(
                "   %,d cancelled, %,d finally blocks ran, in %.1f ms%n",
                cancelled, cleanedUp[0], ms(System.nanoTime() - start));
    }

    /** Blocking work goes to a thread while the loop keeps ticking. */
    private static void threadBridge() {
        System.out.printf("%n4. a blocking call on a worker thread (Aio.toThread) while the loop ticks%n");
        int[] ticks = {0};
        Task<Void> ticker = Aio.createTask(() -> {
            while (true) {
                Aio.sleep(Duration.ofMillis(10));
                ticks[0]++;
            }
        });
        String result = Aio.toThread(() -> {
            Thread.sleep(200); // stands for file I/O, DNS, a native call
            return Thread.currentThread().getName();
        });
        ticker.cancel();
        System.out.printf("   the call ran on %s; the loop ticked %d times meanwhile%n", result, ticks[0]);
    }

    /** A task group fails fast; a timeout scope gives up on slow work. */
    private static void structuredConcurrency() {
        System.out.printf("%n5. structured concurrency: TaskGroup and timeouts%n");
        int[] cancelledSiblings = {0};
        long start = System.nanoTime();
        try {
            TaskGroup.run(tg -> {
                for (int i = 0; i < 1_000; i++) {
                    tg.createTask(() -> {
                        try {
                            Aio.sleep(Duration.ofSeconds(10));
                        } catch (CancellationException e) {
                            cancelledSiblings[0]++;
                            throw e;
                        }
                    });
                }
                tg.createTask(() -> {
                    Aio.sleep(Duration.ofMillis(5));
                    throw new IllegalStateException("one child failed");
                });
            });
        } catch (TaskGroupException e) {
            System.out.printf(
                    "   a group of 1,001 children: \"%s\" cancelled the other %,d in %.1f ms%n",
                    e.exceptions().get(0).getMessage(), cancelledSiblings[0], ms(System.nanoTime() - start));
        }
        Optional<String> slow = Timeout.moveOnAfter(Duration.ofMillis(20), () -> {
            Aio.sleep(Duration.ofSeconds(5));
            return "too late";
        });
        String fast = Timeout.after(Duration.ofSeconds(1), () -> {
            Aio.sleep(Duration.ofMillis(1));
            return "in time";
        });
        System.out.printf(
                "   moveOnAfter(20 ms) over a 5 s sleep: %s; after(1 s) over a 1 ms sleep: %s%n",
                slow.isPresent() ? slow.get() : "gave up, no exception", fast);
    }

    /** Producers and consumers through a bounded queue, ended by shutdown. */
    private static void pipeline() {
        int producers = 100, consumers = 100, perProducer = 1_000;
        System.out.printf(
                "%n6. %d producers -> Queue(maxsize 64) -> %d consumers, %,d items%n",
                producers, consumers, producers * perProducer);
        Queue<Integer> queue = new Queue<>(64);
        long[] sum = {0};
        int[] items = {0};
        long start = System.nanoTime();
        TaskGroup.run(tg -> {
            List<Task<Void>> senders = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                senders.add(tg.createTask(() -> {
                    for (int i = 1; i <= perProducer; i++) {
                        queue.put(i); // waits while the queue is full
                    }
                }));
            }
            for (int c = 0; c < consumers; c++) {
                tg.createTask(() -> {
                    for (int item : queue) { // ends when the queue is shut down and empty
                        sum[0] += item;
                        items[0]++;
                    }
                });
            }
            for (Task<Void> t : senders) {
                t.await();
            }
            queue.shutdown();
        });
        long expected = (long) producers * perProducer * (perProducer + 1) / 2;
        System.out.printf(
                "   %,d items delivered once each (sum %s) in %.1f ms%n",
                items[0], sum[0] == expected ? "correct" : "WRONG", ms(System.nanoTime() - start));
    }

    /** A TCP echo server and 100 clients on the same loop, over loopback. */
    private static void echo() throws Exception {
        int clients = 100, messages = 200;
        System.out.printf(
                "%n7. TCP echo on 127.0.0.1: %d clients x %d round trips of 64 bytes, one loop%n", clients, messages);
        Server server = Net.startServer(
                (reader, writer) -> {
                    while (true) {
                        byte[] data = reader.read(4096);
                        if (data.length == 0) {
                            break;
                        }
                        writer.write(data);
                        writer.drain();
                    }
                    writer.close();
                },
                "127.0.0.1",
                0);
        byte[] message = "x".repeat(63).concat("\n").getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        TaskGroup.run(tg -> {
            for (int c = 0; c < clients; c++) {
                tg.createTask(() -> {
                    Connection conn = Net.openConnection("127.0.0.1", server.port());
                    for (int i = 0; i < messages; i++) {
                        conn.writer().write(message);
                        conn.writer().drain();
                        conn.reader().readExactly(message.length);
                    }
                    conn.writer().close();
                    conn.writer().waitClosed();
                });
            }
        });
        long took = System.nanoTime() - start;
        server.close();
        server.waitClosed();
        System.out.printf(
                "   %,d round trips in %.1f ms: %,.0f a second (client and server share one loop)%n",
                clients * messages, ms(took), clients * messages / (took / 1e9));
    }

    /**
     * Files without stalling the loop: four FIFOs whose writers start 500 ms late, read inside
     * tasks (the loop stalls on each) and through AioPath (it does not); then eight files read
     * at once through AioPath.
     */
    private static void files() throws Exception {
        System.out.printf(
                "%n8. files: 4 tasks each read a FIFO whose writer starts 500 ms later, a 10 ms ticker runs%n");
        AioPath dir = AioPath.of(Files.createTempDirectory("aio4j-demo"));
        for (boolean offLoop : new boolean[] {false, true}) {
            List<AioPath> fifos = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                AioPath fifo = dir.resolve((offLoop ? "aio" : "plain") + i);
                if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() != 0) {
                    System.out.println("   (skipped: mkfifo failed)");
                    return;
                }
                fifos.add(fifo);
                Thread.ofPlatform().daemon(true).start(() -> {
                    try {
                        Thread.sleep(500);
                        Files.writeString(fifo.path(), "hello\n");
                    } catch (Exception e) {
                        // the demo's reader reports what it got
                    }
                });
            }
            String[] line = new String[1];
            long[] took = timed(() -> TaskGroup.run(tg -> {
                for (AioPath fifo : fifos) {
                    tg.createTask(() -> {
                        // A FIFO's open and read park nothing: inside a task they hold the loop.
                        line[0] = offLoop ? fifo.readString() : Files.readString(fifo.path());
                    });
                }
            }));
            System.out.printf(
                    "   %-36s %4d ms; the ticker's worst lateness %4d ms%n",
                    offLoop ? "AioPath.readString (file threads):" : "Files.readString inside tasks:",
                    took[0],
                    took[1]);
        }
        int count = 8;
        int mb = 32;
        byte[] content = new byte[mb << 20];
        new SplittableRandom(7).nextBytes(content);
        List<AioPath> paths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            paths.add(dir.resolve("file" + i));
            paths.get(i).writeBytes(content);
        }
        long[] total = {0};
        long[] took = timed(() -> TaskGroup.run(tg -> {
            for (AioPath p : paths) {
                tg.createTask(() -> {
                    try (AsyncFile f = p.openRead()) {
                        for (byte[] chunk; (chunk = f.read(1 << 20)).length > 0; ) {
                            total[0] += chunk.length; // after the wait: `total[0] += f.read(..)` would lose updates
                        }
                    }
                });
            }
        }));
        System.out.printf(
                "   %d tasks read %d MB each in 1 MB reads (AsyncFile): %d MB in %d ms, ticker's worst lateness %d ms%n",
                count, mb, total[0] >> 20, took[0], took[1]);
        for (AioPath p : dir.list()) {
            p.delete();
        }
        dir.delete();
    }

    /** Child processes: 8 commands, 4 at a time, read through aio4j-process versus plain pipes. */
    private static void processes() throws Exception {
        System.out.printf(
                "%n9. processes: 8 children (`sleep 0.5; echo`), at most 4 at a time (a Semaphore), a 10 ms ticker runs%n");
        for (boolean aio : new boolean[] {false, true}) {
            Semaphore four = new Semaphore(4);
            List<String> outputs = new ArrayList<>();
            long[] took = timed(() -> TaskGroup.run(tg -> {
                for (int i = 0; i < 8; i++) {
                    String command = "sleep 0.5; echo child " + i;
                    tg.createTask(() -> {
                        try (var held = four.acquire()) {
                            if (aio) {
                                try (Subprocess p = Processes.shell(command, ProcessOptions.piped())) {
                                    outputs.add(p.communicate().stdoutText().strip());
                                }
                            } else {
                                // A pipe read parks nothing: inside a task it holds the loop.
                                Process p = new ProcessBuilder("sh", "-c", command).start();
                                outputs.add(
                                        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
                                p.waitFor();
                            }
                        }
                    });
                }
            }));
            System.out.printf(
                    "   %-40s %4d ms (ideal about 1,000); the ticker's worst lateness %4d ms; %d outputs%n",
                    aio ? "Processes.shell + communicate:" : "ProcessBuilder + a pipe read in tasks:",
                    took[0],
                    took[1],
                    outputs.size());
        }
    }

    /** Runs {@code body} beside a 10 ms ticker; returns {milliseconds taken, ticker's worst lateness in ms}. */
    private static long[] timed(CheckedRunnable body) throws Exception {
        long[] worstLate = {0};
        long[] tickStart = {System.nanoTime()};
        Task<Void> ticker = Aio.createTask(() -> {
            while (true) {
                tickStart[0] = System.nanoTime();
                Aio.sleep(Duration.ofMillis(10));
                worstLate[0] = Math.max(worstLate[0], System.nanoTime() - tickStart[0] - 10_000_000);
            }
        });
        Aio.sleep(Duration.ofMillis(20));
        long start = System.nanoTime();
        body.run();
        long took = System.nanoTime() - start;
        worstLate[0] = Math.max(worstLate[0], System.nanoTime() - tickStart[0] - 10_000_000);
        ticker.cancel();
        return new long[] {took / 1_000_000, worstLate[0] / 1_000_000};
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    static {
        Locale.setDefault(Locale.ROOT);
    }
}
