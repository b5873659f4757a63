package dev.aio4j;

/** A future or task was used in a state that does not allow the call (asyncio's InvalidStateError). */
public class InvalidStateError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public InvalidStateError(String message) {
        super(message);
    }
}
