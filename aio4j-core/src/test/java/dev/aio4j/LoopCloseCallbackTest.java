package dev.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EventLoop.addCloseCallback: what runs when a loop closes. */
class LoopCloseCallbackTest {

    @Test
    void closeCallbacksRunOnceInRegistrationOrderWhenTheLoopCloses() {
        List<String> seen = new ArrayList<>();
        EventLoop loop = EventLoop.newEventLoop();
        loop.runUntilComplete(() -> {
            Runnable first = () -> seen.add("first");
            loop.addCloseCallback(first);
            loop.addCloseCallback(first);
            loop.addCloseCallback(() -> seen.add("second"));
            return null;
        });
        assertThat(seen).isEmpty();
        loop.close();
        loop.close();
        assertThat(seen).containsExactly("first", "second");
    }

    @Test
    void aRemovedCallbackDoesNotRun() {
        List<String> seen = new ArrayList<>();
        EventLoop loop = EventLoop.newEventLoop();
        boolean[] removed = new boolean[2];
        loop.runUntilComplete(() -> {
            Runnable gone = () -> seen.add("gone");
            loop.addCloseCallback(gone);
            removed[0] = loop.removeCloseCallback(gone);
            removed[1] = loop.removeCloseCallback(gone);
            return null;
        });
        loop.close();
        assertThat(seen).isEmpty();
        assertThat(removed).containsExactly(true, false);
    }

    @Test
    void aFailingCallbackGoesToTheExceptionHandlerAndTheOthersStillRun() {
        List<String> seen = new ArrayList<>();
        EventLoop loop = EventLoop.newEventLoop();
        loop.setExceptionHandler((l, context) -> seen.add(context.message() + ": " + context.exception().getMessage()));
        loop.runUntilComplete(() -> {
            loop.addCloseCallback(() -> {
                throw new IllegalStateException("boom");
            });
            loop.addCloseCallback(() -> seen.add("after"));
            return null;
        });
        loop.close();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).startsWith("Exception in close callback").endsWith(": boom");
        assertThat(seen.get(1)).isEqualTo("after");
    }

    @Test
    void aClosedLoopRefusesNewCloseCallbacks() {
        EventLoop loop = EventLoop.newEventLoop();
        loop.close();
        assertThatThrownBy(() -> loop.addCloseCallback(() -> { })).isInstanceOf(IllegalStateException.class)
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
            loop.addCloseCallback(() -> seen.add("loop closed"));
        });
        assertThat(seen).containsExactly("task cancelled", "loop closed");
    }
}
