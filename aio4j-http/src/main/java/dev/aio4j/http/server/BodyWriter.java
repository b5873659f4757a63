package dev.aio4j.http.server;

import java.io.OutputStream;

/**
 * Produces a streamed response body. Each {@code write} on {@code out} is sent at once (as one
 * chunk when the length is not known) and waits while the client is slow to read, so memory
 * stays bounded; the writes suspend only the request's task. An exception thrown after the first
 * write aborts the connection, so the client sees a truncated body rather than a complete one.
 */
@FunctionalInterface
public interface BodyWriter {
    /**
     * Writes the body to {@code out}; returning ends the body. Do not close {@code out}.
     *
     * @param out the response body's stream
     * @throws Exception anything; after the first write it aborts the connection
     */
    void writeTo(OutputStream out) throws Exception;
}
