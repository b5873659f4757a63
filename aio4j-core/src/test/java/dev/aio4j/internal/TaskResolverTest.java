package dev.aio4j.internal;

import static java.net.spi.InetAddressResolver.LookupPolicy.IPV4;
import static java.net.spi.InetAddressResolver.LookupPolicy.IPV4_FIRST;
import static java.net.spi.InetAddressResolver.LookupPolicy.IPV6;
import static java.net.spi.InetAddressResolver.LookupPolicy.IPV6_FIRST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aio4j.Aio;
import dev.aio4j.RunOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolver.LookupPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * aio4j's resolver answers exactly as the JDK's built-in one, inside and outside tasks. Slow
 * DNS (lookups that suspend only their task, cancellation) is tested in a private network
 * namespace by aio4j-net's SlowDnsTest.
 */
class TaskResolverTest {
    private static final List<String> HOSTS = List.of("localhost", "127.0.0.1", "::1");
    private static final List<LookupPolicy> POLICIES = List.of(
            LookupPolicy.of(IPV4 | IPV6),
            LookupPolicy.of(IPV4),
            LookupPolicy.of(IPV6),
            LookupPolicy.of(IPV4 | IPV6 | IPV4_FIRST),
            LookupPolicy.of(IPV4 | IPV6 | IPV6_FIRST));

    private static TaskResolver resolver;

    @BeforeAll
    static void firstLookupInstallsTheResolver() throws Exception {
        InetAddress.getByName("localhost");
        resolver = TaskResolverProvider.installed();
        assertThat(resolver).as("the JDK's system-wide resolver is aio4j's").isNotNull();
    }

    @Test
    void lookupsByNameAnswerAsTheBuiltinResolverInsideAndOutsideTasks() {
        InetAddressResolver builtin = resolver.builtin();
        for (String host : HOSTS) {
            for (LookupPolicy policy : POLICIES) {
                String expected =
                        outcome(() -> builtin.lookupByName(host, policy).toList());
                assertThat(outcome(() -> resolver.lookupByName(host, policy).toList()))
                        .as(host)
                        .isEqualTo(expected);
                assertThat(inTask(() -> outcome(
                                () -> resolver.lookupByName(host, policy).toList())))
                        .as(host)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void lookupsByAddressAnswerAsTheBuiltinResolverInsideAndOutsideTasks() throws Exception {
        for (String literal : List.of("127.0.0.1", "::1")) {
            byte[] addr = InetAddress.getByName(literal).getAddress();
            String expected = outcome(() -> resolver.builtin().lookupByAddress(addr));
            assertThat(outcome(() -> resolver.lookupByAddress(addr))).isEqualTo(expected);
            assertThat(inTask(() -> outcome(() -> resolver.lookupByAddress(addr))))
                    .isEqualTo(expected);
        }
    }

    @Test
    void inetAddressAnswersTheSameInsideAndOutsideTasks() {
        for (String host : HOSTS) {
            String outside = outcome(() -> Arrays.asList(InetAddress.getAllByName(host)));
            assertThat(inTask(() -> outcome(() -> Arrays.asList(InetAddress.getAllByName(host)))))
                    .isEqualTo(outside);
            String canonical = outcome(
                    () -> InetAddress.getByAddress(InetAddress.getByName(host).getAddress())
                            .getCanonicalHostName());
            assertThat(inTask(() -> outcome(() -> InetAddress.getByAddress(
                                    InetAddress.getByName(host).getAddress())
                            .getCanonicalHostName())))
                    .isEqualTo(canonical);
        }
    }

    @Test
    void aTaskInCarrierModeResolvesOnTheLookupPoolAndEverythingElseOnItsOwnThread() throws Exception {
        List<String> threads = new ArrayList<>();
        InetAddressResolver recording = new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                threads.add(Thread.currentThread().getName());
                return resolver.builtin().lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                threads.add(Thread.currentThread().getName());
                return resolver.builtin().lookupByAddress(addr);
            }
        };
        InetAddressResolver tested = new TaskResolver(recording);
        byte[] loopback = {127, 0, 0, 1};
        tested.lookupByName("localhost", POLICIES.get(0));
        tested.lookupByAddress(loopback);
        String caller = Thread.currentThread().getName();
        assertThat(threads).containsExactly(caller, caller);
        threads.clear();

        inTask(() -> {
            tested.lookupByName("localhost", POLICIES.get(0));
            tested.lookupByAddress(loopback);
            Aio.getRunningLoop().callSoon(() -> outcome(() -> tested.lookupByName("localhost", POLICIES.get(0))));
            Aio.sleep(java.time.Duration.ZERO);
            return null;
        });
        boolean carrier = Schedulers.mode().equals("carrier");
        assertThat(threads).hasSize(3);
        assertThat(threads.get(0)).matches(carrier ? "aio4j-dns-\\d+" : "");
        assertThat(threads.get(1)).matches(carrier ? "aio4j-dns-\\d+" : "");
        assertThat(threads.get(2)).as("a callback resolves inline").doesNotStartWith("aio4j-dns-");
    }

    /** The addresses or the exception's class and message, for comparing two resolvers. */
    private static String outcome(Callable<?> lookup) {
        try {
            return String.valueOf(lookup.call());
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static <T> T inTask(Callable<T> body) {
        return Aio.run(body, RunOptions.defaults().withSigintHandling(false));
    }
}
