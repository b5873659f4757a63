package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EventLoop.addCloseable: what a loop closes when it closes. */
class LoopCloseableTest {

    @Test
    void resourcesCloseOnceNewestFirstWhenTheLoopCloses() {
        List<String> seen = new ArrayList<>();
        EventLoop loop = EventLoop.newEventLoop();
        loop.runUntilComplete(() -> {
            AutoCloseable first = () -> seen.add("first");
            loop.addCloseable(first);
            loop.addCloseable(first);
            loop.addCloseable(() -> seen.add("second"));
            return null;
        });
        assertThat(seen).isEmpty();
        loop.close();
        loop.close();
        assertThat(seen).containsExactly("second", "first");
    }

    @Test
    void aRemovedResourceIsNotClosed() {
        List<String> seen = new ArrayList<>();
        EventLoop loop = EventLoop.newEventLoop();
        boolean[] removed = new boolean[2];
        loop.runUntilComplete(() -> {
            AutoCloseable gone = () -> seen.add("gone");
            loop.addCloseable(gone);
            removed[0] = loop.removeCloseable(gone);
            removed[1] = loop.removeCloseable(gone);
            return null;
        });
        loop.close();
        assertThat(seen).isEmpty();
        assertThat(removed).containsExactly(true, false);
    }

    @Test
    void aFailingCloseGoesToTheExceptionHandlerAndTheOthersStillClose() {
        List<String> seen = new ArrayList<>();
        EventLoop loop = EventLoop.newEventLoop();
        loop.setExceptionHandler((l, context) ->
                seen.add(context.message() + ": " + context.exception().getMessage()));
        loop.runUntilComplete(() -> {
            loop.addCloseable(() -> {
                throw new IllegalStateException("boom");
            });
            loop.addCloseable(() -> seen.add("after"));
            return null;
        });
        loop.close();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isEqualTo("after"); // newest first
        assertThat(seen.get(1)).startsWith("Closing ").endsWith(": boom");
    }

    @Test
    void aClosedLoopRefusesNewResources() {
        EventLoop loop = EventLoop.newEventLoop();
        loop.close();
        assertThatThrownBy(() -> loop.addCloseable(() -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Event loop is closed");
    }

    @Test
    void aioRunClosesTheLoopAfterCancellingTheTasksLeft() {
        List<String> seen = new ArrayList<>();
        Aio.run(() -> {
            EventLoop loop = Aio.getRunningLoop();
            Aio.createTask(() -> {
                try {
                    new dev.aio4j.sync.Event().await();
                } finally {
                    seen.add("task cancelled");
                }
            });
            loop.addCloseable(() -> seen.add("loop closed"));
        });
        assertThat(seen).containsExactly("task cancelled", "loop closed");
    }
}
