package dev.aio4j.bench;

import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.net.ClientHandler;
import dev.aio4j.net.Connection;
import dev.aio4j.net.Net;
import dev.aio4j.net.Server;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The streams echo in one loop, timed in CPU time of the loop's carrier thread per message: an
 * echo server and its clients on 127.0.0.1, one message in flight per connection. The carrier
 * does both ends, so the number is the cost of a message's two trips through aio4j (write, read,
 * echo write, read back), system calls included (the share spent in user space is printed too);
 * on a machine loaded by other work it moves far less than a wall-clock rate or an external load
 * generator's count.
 *
 * <pre>
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -Daio4j.quiet=true [-Decho.read=BYTES] \
 *       -cp aio4j-bench/target/benchmarks.jar dev.aio4j.bench.EchoCpuBench read|readInto SIZE CONNS ROUNDS
 * </pre>
 *
 * <p>{@code read}: the server reads with {@code read(256 KiB)} and writes the arrays back (the
 * EchoServer example); {@code readInto}: it reads into a direct buffer with {@code readInto} and
 * writes the buffer back. The clients are the same in both: write the message, then
 * {@code readExactly} it.
 */
public final class EchoCpuBench {
    private EchoCpuBench() {}

    /** What the server asks for per read ({@code -Decho.read=BYTES}; default 256 KiB, as the EchoServer example). */
    static final int READ_SIZE = Integer.getInteger("echo.read", 256 * 1024);

    static final ClientHandler READ = (reader, writer) -> {
        while (true) {
            byte[] data = reader.read(READ_SIZE);
            if (data.length == 0) {
                break;
            }
            writer.write(data);
            writer.drain();
        }
        writer.close();
    };

    static final ClientHandler READ_INTO = (reader, writer) -> {
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_SIZE);
        while (reader.readInto(buffer.clear()) > 0) {
            writer.write(buffer.flip());
            writer.drain();
        }
        writer.close();
    };

    public static void main(String[] args) throws Exception {
        ClientHandler handler = args[0].equals("readInto") ? READ_INTO : READ;
        int size = Integer.parseInt(args[1]);
        int conns = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        int perRound = Math.max(conns, (int) Math.min(200_000, 400L * 1024 * 1024 / size));
        byte[] message = new byte[size];
        Arrays.fill(message, (byte) 'x');
        BenchLoops.Running running = BenchLoops.start("carrier");
        running.call(() -> 0);
        Thread carrier = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isVirtual() && t.getName().startsWith("aio4j-loop-"))
                .findFirst()
                .orElseThrow();
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        Server server = running.call(() -> Net.startServer(handler, "127.0.0.1", 0));
        Connection[] clients = running.call(() -> {
            Connection[] cs = new Connection[conns];
            for (int i = 0; i < conns; i++) {
                cs[i] = Net.openConnection("127.0.0.1", server.port());
            }
            return cs;
        });
        double[] perMessage = new double[rounds];
        double[] userShare = new double[rounds];
        for (int r = -3; r < rounds; r++) {
            long cpu0 = tmx.getThreadCpuTime(carrier.threadId());
            long user0 = tmx.getThreadUserTime(carrier.threadId());
            long wall0 = System.nanoTime();
            running.call(() -> {
                Task<?>[] ts = new Task<?>[conns];
                for (int i = 0; i < conns; i++) {
                    Connection c = clients[i];
                    ts[i] = Aio.createTask(() -> {
                        for (int m = 0; m < perRound / conns; m++) {
                            c.writer().write(message);
                            c.writer().drain();
                            c.reader().readExactly(size);
                        }
                        return null;
                    });
                }
                for (Task<?> t : ts) {
                    t.await();
                }
                return 0;
            });
            long cpu = tmx.getThreadCpuTime(carrier.threadId()) - cpu0;
            long user = tmx.getThreadUserTime(carrier.threadId()) - user0;
            long wall = System.nanoTime() - wall0;
            if (r >= 0) {
                perMessage[r] = cpu / 1000.0 / (perRound / conns * conns);
                userShare[r] = (double) user / cpu;
            }
            System.err.printf(
                    "round %d: %.2f us CPU/message, %.0f messages/s wall%n",
                    r, cpu / 1000.0 / (perRound / conns * conns), (perRound / conns * conns) * 1e9 / wall);
        }
        running.call(() -> {
            for (Connection c : clients) {
                c.writer().close();
            }
            server.close();
            server.closeClients();
            return 0;
        });
        running.close();
        Arrays.sort(perMessage);
        Arrays.sort(userShare);
        System.out.printf(
                "%s %d B x%d: median %.2f, min %.2f us of carrier CPU per message (%.0f %% of it in user" + " space)%n",
                args[0], size, conns, perMessage[rounds / 2], perMessage[0], 100 * userShare[rounds / 2]);
        System.exit(0);
    }
}
