package dev.aio4j.http.client;

import java.time.Duration;

/**
 * The deadlines of a request (aiohttp's {@code ClientTimeout}); {@code null} means none.
 *
 * <ul>
 *   <li>{@code total}: the whole exchange, redirects and reading the body included. It starts
 *       when the request has its connection slot ({@code limit} and {@code limitPerHost}), not
 *       when it starts waiting for one: aiohttp starts it before the wait, so a request queued
 *       behind a busy limit times out without having been sent (its most-filed complaint).
 *   <li>{@code connect}: opening a connection, the JDK client's connect timeout. It is a property
 *       of the session's client: a request's own {@code ClientTimeout} cannot change it.
 *   <li>{@code sockRead}: the longest wait for the next bytes of the response: its headers after
 *       the request was handed over (the connection's set-up included when one is opened: the
 *       JDK does not tell when it is up), then between any two pieces of the body.
 * </ul>
 *
 * @param total the whole exchange, from the connection slot to the body's end
 * @param connect opening a connection
 * @param sockRead the longest silence of the server while the response is awaited or read
 */
public record ClientTimeout(Duration total, Duration connect, Duration sockRead) {

    /** aiohttp's default: five minutes in total, 30 seconds to connect, no read deadline. */
    public static final ClientTimeout DEFAULT = new ClientTimeout(Duration.ofMinutes(5), Duration.ofSeconds(30), null);

    /** No deadline at all. */
    public static final ClientTimeout NONE = new ClientTimeout(null, null, null);

    /**
     * Checks the deadlines.
     *
     * @throws IllegalArgumentException if a deadline is zero or negative
     */
    public ClientTimeout {
        check("total", total);
        check("connect", connect);
        check("sockRead", sockRead);
    }

    /** A timeout with only a total deadline. */
    public static ClientTimeout ofTotal(Duration total) {
        return new ClientTimeout(total, null, null);
    }

    /** This timeout with {@code total} replaced. */
    public ClientTimeout withTotal(Duration total) {
        return new ClientTimeout(total, connect, sockRead);
    }

    /** This timeout with {@code connect} replaced. */
    public ClientTimeout withConnect(Duration connect) {
        return new ClientTimeout(total, connect, sockRead);
    }

    /** This timeout with {@code sockRead} replaced. */
    public ClientTimeout withSockRead(Duration sockRead) {
        return new ClientTimeout(total, connect, sockRead);
    }

    private static void check(String name, Duration d) {
        if (d != null && (d.isZero() || d.isNegative())) {
            throw new IllegalArgumentException(name + " <= 0: " + d);
        }
    }
}
