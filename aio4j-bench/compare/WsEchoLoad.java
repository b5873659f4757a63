import dev.aio4j.Aio;
import dev.aio4j.Task;
import dev.aio4j.http.websocket.WebSocket;
import dev.aio4j.http.websocket.WebSocketOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * WebSocket echo load (the client side of http_bench.py --ws): C connections on one aio4j loop,
 * each sending a 32-byte text message and waiting for its echo, for S seconds after a warm-up,
 * without permessage-deflate.
 * Prints round trips per second and the p50/p99 round-trip time.
 *
 *     java -cp CLASSPATH WsEchoLoad.java ws://127.0.0.1:PORT/ CONNECTIONS SECONDS
 */
public class WsEchoLoad {
    public static void main(String[] args) {
        String uri = args[0];
        int conns = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        Aio.run(() -> {
            List<WebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < conns; i++) {
                // Uncompressed, as the recorded runs were: this measures framing, not deflate.
                sockets.add(WebSocket.connect(uri, WebSocketOptions.defaults().withCompress(false)));
            }
            run(sockets, 2.0); // warm-up
            long[][] samples = run(sockets, seconds);
            long total = 0;
            List<Long> all = new ArrayList<>();
            for (long[] s : samples) {
                total += s.length;
                for (long v : s) {
                    all.add(v);
                }
            }
            long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("round trips/s %.0f p50 %.3f ms p99 %.3f ms%n", total / seconds,
                    sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6);
            for (WebSocket ws : sockets) {
                ws.close();
            }
        });
    }

    /** Each socket echoes until the deadline; returns the round-trip times per socket. */
    private static long[][] run(List<WebSocket> sockets, double seconds) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        String message = "x".repeat(32);
        List<Task<long[]>> tasks = new ArrayList<>();
        for (WebSocket ws : sockets) {
            tasks.add(Aio.createTask(() -> {
                long[] times = new long[1024];
                int n = 0;
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    ws.send(message);
                    ws.receive();
                    if (n == times.length) {
                        times = Arrays.copyOf(times, n * 2);
                    }
                    times[n++] = System.nanoTime() - t0;
                }
                return Arrays.copyOf(times, n);
            }));
        }
        long[][] out = new long[tasks.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = tasks.get(i).await();
        }
        return out;
    }
}
