package dev.aio4j;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Exception plumbing shared by futures, tasks and bridges. */
final class Futures {
    private Futures() {}

    /**
     * The exception to throw for {@code t} from a method that declares none: unchecked ones as
     * they are, checked ones wrapped in a {@link CompletionException}.
     */
    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new CompletionException(t);
    }

    /** The cause a CompletableFuture wrapped, or {@code t}. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
