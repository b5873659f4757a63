package dev.aio4j.http.server;

import dev.aio4j.http.HttpStatus;

/**
 * Thrown by a handler to answer with an error status (aiohttp's {@code HTTPException} family,
 * one class with a status instead of one class per status). The message becomes the plain-text
 * body.
 */
public class HttpError extends RuntimeException {

    private final int status;

    /** An error with {@code status} and its reason phrase as the body. */
    public HttpError(int status) {
        this(status, status + " " + HttpStatus.reason(status));
    }

    /**
     * An error with {@code status} and {@code message} as the body.
     *
     * @throws IllegalArgumentException if {@code status} is not in 400..599
     */
    public HttpError(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status not in 400..599: " + status);
        }
        this.status = status;
    }

    /** The response status. */
    public int status() {
        return status;
    }
}
