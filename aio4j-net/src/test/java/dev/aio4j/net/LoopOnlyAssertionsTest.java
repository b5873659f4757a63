package dev.aio4j.net;

import static dev.aio4j.net.NetTesting.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import org.junit.jupiter.api.Test;

/** The loop-only helpers of this module assert where they run, and the test runs enable assertions. */
class LoopOnlyAssertionsTest {

    @Test
    void theTestRunsEnableAssertions() {
        assertThat(Server.class.desiredAssertionStatus())
                .as("Surefire runs with -ea")
                .isTrue();
    }

    @Test
    void aLoopOnlyHelperCalledFromAnotherThreadWhileTheLoopRunsFailsItsAssertion() {
        run(() -> {
            Server server = Net.startServer(TcpStreamsTest.ECHO, "127.0.0.1", 0);
            Throwable offLoop = Aio.toThread(() -> {
                try {
                    server.startListening();
                    return null;
                } catch (AssertionError e) {
                    return e;
                }
            });
            assertThat(offLoop).isInstanceOf(AssertionError.class);
            server.startListening(); // on the loop: fine (and a no-op, it is serving)
            server.close();
            server.waitClosed();
        });
    }
}
