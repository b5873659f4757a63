package dev.aio4j.http.server;

/** The access log: one INFO line per request on the logger {@code dev.aio4j.http.access}. */
final class AccessLog {
    private AccessLog() {}

    private static final System.Logger LOG = System.getLogger("dev.aio4j.http.access");

    static void log(Request r, int status, long bodyBytes, long nanos) {
        if (!LOG.isLoggable(System.Logger.Level.INFO)) {
            return;
        }
        String client =
                r.remoteAddress() == null ? "-" : r.remoteAddress().getAddress().getHostAddress();
        LOG.log(
                System.Logger.Level.INFO,
                String.format(
                        "%s \"%s %s %s\" %d %d %.3fms",
                        client, r.method(), r.target(), r.version(), status, bodyBytes, nanos / 1e6));
    }
}
