package dev.aio4j.net;

import static dev.aio4j.net.NetTesting.bytes;
import static dev.aio4j.net.NetTesting.run;
import static dev.aio4j.net.NetTesting.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import dev.aio4j.net.NetTesting.PeerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** UDP: the protocol API, the task API, and CPython asyncio as a peer. */
class DatagramTest {

    static InetSocketAddress local() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    @Test
    void twoEndpointsExchangeDatagramsWithRecvFromAndSendTo() {
        List<String> got = run(() -> {
            DatagramEndpoint a = Net.openDatagramEndpoint(local(), null);
            DatagramEndpoint b = Net.openDatagramEndpoint(local(), null);
            a.sendTo(bytes("ping"), b.localAddress());
            Datagram d = b.recvFrom();
            b.sendTo(bytes("pong"), d.address());
            Datagram back = a.recvFrom();
            assertThat(back.address()).isEqualTo(b.localAddress());
            a.close();
            b.close();
            return List.of(str(d.data()), str(back.data()));
        });
        assertThat(got).containsExactly("ping", "pong");
    }

    @Test
    void theTransportNamesTheStatesOfItsLifecycle() {
        List<String> seen = run(() -> {
            List<String> states = new ArrayList<>();
            dev.aio4j.Future<Void> lost = Aio.getRunningLoop().createFuture();
            DatagramTransport t = Net.createDatagramEndpoint(
                    () -> new DatagramProtocol() {
                        @Override
                        public void connectionLost(Throwable error) {
                            lost.setResult(null);
                        }
                    },
                    local(),
                    null);
            states.add(t.toString());
            t.close();
            states.add(t.toString());
            lost.await();
            states.add(t.toString());
            return states;
        });
        assertThat(seen)
                .extracting(s -> s.substring(0, s.indexOf(',')))
                .containsExactly("UdpTransport[open", "UdpTransport[ending", "UdpTransport[closed");
    }

    @Test
    void anEmptyDatagramIsSentAndReceived() {
        int length = run(() -> {
            DatagramEndpoint a = Net.openDatagramEndpoint(local(), null);
            DatagramEndpoint b = Net.openDatagramEndpoint(local(), null);
            a.sendTo(new byte[0], b.localAddress());
            a.sendTo(bytes("after"), b.localAddress());
            int n = b.recvFrom().data().length;
            assertThat(str(b.recvFrom().data())).isEqualTo("after");
            a.close();
            b.close();
            return n;
        });
        assertThat(length).isZero();
    }

    @Test
    void aConnectedEndpointReceivesAnEmptyDatagramFromItsPeer() {
        List<Integer> lengths = run(() -> {
            DatagramEndpoint b = Net.openDatagramEndpoint(local(), null);
            DatagramEndpoint a = Net.openDatagramEndpoint(local(), (InetSocketAddress) b.localAddress());
            b.sendTo(new byte[0], a.localAddress());
            b.sendTo(bytes("xy"), a.localAddress());
            List<Integer> got = new ArrayList<>();
            got.add(a.recvFrom().data().length);
            Datagram second = a.recvFrom();
            got.add(second.data().length);
            assertThat(second.address()).isEqualTo(b.localAddress());
            a.close();
            b.close();
            return got;
        });
        assertThat(lengths).containsExactly(0, 2);
    }

    @Test
    void aConnectedEndpointRejectsOtherAddressesAndReportsPortUnreachable() throws IOException {
        int deadPort;
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(local());
            deadPort = ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
        int port = deadPort;
        run(() -> {
            DatagramEndpoint e = Net.openDatagramEndpoint(null, new InetSocketAddress("127.0.0.1", port));
            assertThatThrownBy(() -> e.sendTo(bytes("x"), new InetSocketAddress("127.0.0.1", port + 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("address not the connected peer /127.0.0.1:");
            e.send(bytes("anyone?"));
            assertThatThrownBy(e::recvFrom).isInstanceOf(PortUnreachableException.class);
            e.close();
        });
    }

    @Test
    void theProtocolApiEchoesForACpythonAsyncioClient() {
        String python = NetTesting.python();
        String script =
                """
                import asyncio, sys
                class Client(asyncio.DatagramProtocol):
                    def __init__(self, done): self.done, self.got = done, []
                    def connection_made(self, t):
                        for i in range(5): t.sendto(b'dgram %d' % i)
                    def datagram_received(self, data, addr):
                        self.got.append(data)
                        if len(self.got) == 5: self.done.set_result(self.got)
                async def main(port):
                    done = asyncio.get_running_loop().create_future()
                    t, p = await asyncio.get_running_loop().create_datagram_endpoint(
                        lambda: Client(done), remote_addr=('127.0.0.1', port))
                    got = await asyncio.wait_for(done, 10)
                    t.close()
                    print('OK' if sorted(got) == [b'dgram %d' % i for i in range(5)] else 'BAD %r' % got, flush=True)
                asyncio.run(main(int(sys.argv[1])))
                """;
        List<String> seen = new ArrayList<>();
        String out = run(() -> {
            DatagramTransport server = Net.createDatagramEndpoint(
                    () -> new DatagramProtocol() {
                        DatagramTransport t;

                        @Override
                        public void connectionMade(DatagramTransport transport) {
                            t = transport;
                        }

                        @Override
                        public void datagramReceived(byte[] data, SocketAddress address) {
                            seen.add(str(data));
                            t.sendTo(data, address);
                        }
                    },
                    local(),
                    null);
            int port = ((InetSocketAddress) server.getExtraInfo("sockname")).getPort();
            PeerProcess p = Aio.toThread(() -> new PeerProcess(List.of(python, "-c", script, "" + port)));
            try {
                Aio.toThread(() -> p.waitFor(Duration.ofSeconds(20)));
                return p.output();
            } finally {
                p.close();
                server.close();
            }
        });
        assertThat(out).contains("OK");
        assertThat(seen).hasSize(5);
    }

    @Test
    void closeEndsRecvFromWithClosedChannel() {
        run(() -> {
            DatagramEndpoint e = Net.openDatagramEndpoint(local(), null);
            var waiting = Aio.createTask(e::recvFrom);
            Aio.sleep(Duration.ofMillis(10));
            e.close();
            assertThatThrownBy(waiting::await).hasRootCauseInstanceOf(java.nio.channels.ClosedChannelException.class);
        });
    }
}
