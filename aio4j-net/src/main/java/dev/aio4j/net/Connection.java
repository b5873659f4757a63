package dev.aio4j.net;

import dev.aio4j.Aio;
import dev.aio4j.EventLoop;
import java.util.Objects;
import java.util.function.Function;

/**
 * The reader and writer of one stream connection, as {@link Net#openConnection} returns them
 * (asyncio's {@code (reader, writer)} tuple). {@link AutoCloseable}: try-with-resources closes
 * the connection through its writer.
 */
public record Connection(StreamReader reader, StreamWriter writer) implements AutoCloseable {

    /** Closes the connection: {@code writer().close()} (graceful; buffered bytes are still sent). */
    @Override
    public void close() {
        writer.close();
    }

    /**
     * A stream pair over a transport of your own, such as an in-memory one for tests (asyncio
     * builds a {@code StreamReaderProtocol} and a {@code StreamWriter} by hand for this).
     * {@code connect} receives the protocol the transport must deliver to and returns the
     * transport; this then calls the protocol's {@code connectionMade} with it. The protocol is
     * a {@link BufferedProtocol} that also accepts {@code dataReceived}.
     *
     * @param limit the reader's limit (see {@link StreamReader#StreamReader(int)})
     * @throws IllegalStateException if no loop runs the caller
     */
    public static Connection over(Function<? super Protocol, ? extends Transport> connect, int limit) {
        Objects.requireNonNull(connect, "connect");
        EventLoop loop = Aio.getRunningLoop();
        StreamReader reader = new StreamReader(limit);
        StreamProtocol protocol = new StreamProtocol(loop, reader, null);
        Transport transport = Objects.requireNonNull(connect.apply(protocol), "connect returned null");
        protocol.connectionMade(transport);
        return new Connection(reader, new StreamWriter(transport, protocol, reader));
    }
}
