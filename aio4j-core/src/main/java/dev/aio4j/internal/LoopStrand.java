package dev.aio4j.internal;

import dev.aio4j.EventLoop;

/** The strand of a loop itself: its thread runs the loop (callbacks, I/O, timers), never a task. */
public final class LoopStrand extends Strand {
    private final EventLoop loop;

    public LoopStrand(EventLoop loop) {
        super(null);
        this.loop = loop;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }
}
