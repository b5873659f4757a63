package dev.aio4j.net;

/**
 * What {@link Server#shutdown} did.
 *
 * @param served the connections the server accepted in its life
 * @param finished the connections open when the shutdown began that ended within the grace period
 * @param aborted the connections still open when the grace period ran out, aborted
 */
public record ShutdownReport(long served, int finished, int aborted) {}
