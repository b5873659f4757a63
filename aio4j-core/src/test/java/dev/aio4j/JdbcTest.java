package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A JDBC driver inside tasks, against a real PostgreSQL (pgjdbc): queries suspend only their
 * task, and a cancelled query ends like a cancelled {@code Aio.sleep} (carrier mode).
 */
class JdbcTest {

    private static PostgresServer pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        if (TestSupport.carrierMode()) {
            pg = PostgresServer.start();
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static void carrierModeOnly() {
        assumeTrue(
                TestSupport.carrierMode(),
                "portable mode: the driver's socket reads hold the baton, as every JDK"
                        + " blocking call does there (SuspendsOnlyTheTaskTest.jdkCallsRunOneAtATimeInPortableMode)");
    }

    @Test
    void fourOneSecondQueriesAtOnceSuspendOnlyTheirTasks() throws Exception {
        carrierModeOnly();
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            connections.add(pg.connect());
        }
        try {
            SuspendsOnlyTheTaskTest.assertSuspendsOnlyTheTask(SuspendsOnlyTheTaskTest.fourAtOnce(i -> {
                try (Statement st = connections.get(i).createStatement()) {
                    st.executeQuery("SELECT pg_sleep(1)").close();
                }
            }));
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    static List<String> cancellations() {
        return BlockingCallCancellationTest.CANCELLATIONS;
    }

    @ParameterizedTest(name = "a query under {0}")
    @MethodSource("cancellations")
    void aCancelledQueryEndsLikeACancelledSleep(String how) throws Exception {
        carrierModeOnly();
        try (Connection c = pg.connect()) {
            BlockingCallCancellationTest.assertCancelledLikeASleep(how, () -> {
                try (Statement st = c.createStatement()) {
                    st.executeQuery("SELECT pg_sleep(30)").close();
                }
            });
            // The interrupt closed the driver's socket: the connection is gone, as docs/BLOCKING.md says.
            assertThat(c.isValid(5))
                    .as("connection still usable after the cancelled query")
                    .isFalse();
        }
    }
}
