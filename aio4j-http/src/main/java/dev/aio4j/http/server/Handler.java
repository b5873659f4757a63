package dev.aio4j.http.server;

/**
 * Answers one request (an aiohttp.web handler). Each call runs in its own task, so it may wait
 * (read the body, call other services, sleep) without holding up other connections.
 *
 * <p>Throw {@link HttpError} for an error response with a given status; any other exception
 * becomes a 500 response, and the exception goes to the server's logger.
 */
@FunctionalInterface
public interface Handler {
    /**
     * Answers one request, in the request's own task.
     *
     * @param request the request, its body not yet read
     * @return the response to send
     * @throws Exception an {@code HttpError} is answered with its status; anything else is
     *     logged and answered with a 500
     */
    Response handle(Request request) throws Exception;
}
