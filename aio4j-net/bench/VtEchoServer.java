import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** The baseline: plain blocking java.net, one virtual thread per connection. */
public class VtEchoServer {
    public static void main(String[] args) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress())) {
            System.out.println("listening on 127.0.0.1:" + listener.getLocalPort());
            System.out.flush();
            while (true) {
                Socket s = listener.accept();
                s.setTcpNoDelay(true);
                Thread.ofVirtual().start(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        byte[] buf = new byte[65536];
                        for (int n; (n = in.read(buf)) > 0; ) {
                            out.write(buf, 0, n);
                        }
                    } catch (Exception e) {
                        // the client went away
                    }
                });
            }
        }
    }
}
