package dev.aio4j;

/**
 * Thrown for a signal that cannot be handled: an unknown name, a signal no process can catch
 * (KILL, STOP), or one the JVM keeps for itself or was told not to share ({@code -Xrs}).
 * asyncio raises ValueError or RuntimeError for these.
 */
public class UnsupportedSignalException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnsupportedSignalException(String message) {
        super(message);
    }
}
