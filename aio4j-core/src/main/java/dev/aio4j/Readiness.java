package dev.aio4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A loop's I/O readiness: its {@link Selector} and the reader and writer callbacks of each
 * channel (the part of asyncio's {@code selector_events.py} under {@code add_reader} and
 * {@code add_writer}). {@link EventLoop} owns one and calls it from its loop strand.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Representation: a channel is registered once, on its first callback; the key's attachment
 * ({@link Interest}) holds the two callbacks and the contexts they were added from, and the
 * key's interest set is exactly the operations of the callbacks present.
 *
 * <p>Removing a channel's last callback leaves it registered with an empty interest set (as Netty
 * does) instead of cancelling its key: a cancelled key stays in the selector until the next
 * select, and registering the channel again before that would need an extra {@code selectNow}.
 * Keys go away when their channel is closed. A registered channel without callbacks still counts
 * in {@link #hasChannels()}.
 *
 * <p>Invariants:
 * <ol>
 *   <li>Only the strand that may touch the loop's state calls this class (the loop strand, a
 *       task or callback of the loop, or the owning thread while the loop is stopped); the
 *       carrier's idle wait runs {@code select} while the loop strand waits, never at the same
 *       time as the loop strand.
 *   <li>A key's interest set is the union of the operations of its callbacks present.
 * </ol>
 */
final class Readiness implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.aio4j");

    private final Selector selector;

    Readiness() {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
    }

    /** The reader and writer callbacks of one channel: the key's attachment. */
    private static final class Interest {
        Runnable reader;
        Runnable writer;
        /** Copies of the contexts the callbacks were registered from; each event runs in the same one (asyncio). */
        Context readerContext;

        Context writerContext;
    }

    /** The selector, for the carrier's idle wait. */
    Selector selector() {
        return selector;
    }

    /** True if some channel is registered (watched now, or since its last callback was removed). */
    boolean hasChannels() {
        return !selector.keys().isEmpty();
    }

    /** Channels registered with the selector; racy from other threads (JMX). */
    int channelCount() {
        return selector.isOpen() ? selector.keys().size() : 0;
    }

    /** True if some channel is watched for an event now (a non-empty interest set). */
    boolean watchesChannels() {
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.interestOps() != 0) {
                return true;
            }
        }
        return false;
    }

    /** Polls without waiting; the ready keys are then in the selected set. */
    void selectNow() throws IOException {
        if (hasChannels()) {
            selector.selectNow();
        }
    }

    /**
     * True if keys are selected. Keys can be waiting from a select made while registering a
     * channel, so look at the set itself rather than at what the last select counted.
     */
    boolean hasSelected() {
        return !selector.selectedKeys().isEmpty();
    }

    /** Sets {@code channel}'s reader ({@code read}) or writer callback; makes the channel non-blocking. */
    void register(SelectableChannel channel, Runnable callback, boolean read) {
        Objects.requireNonNull(callback, "callback");
        SelectionKey key = channel.keyFor(selector);
        try {
            if (key == null || !key.isValid()) {
                if (key != null) {
                    // Cancelled by someone else while the channel stays open: flush it first.
                    selector.selectNow();
                }
                channel.configureBlocking(false);
                key = channel.register(selector, 0, new Interest());
            }
        } catch (ClosedChannelException e) {
            throw new IllegalStateException("channel is closed: " + channel, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Interest interest = (Interest) key.attachment();
        if (read) {
            interest.reader = callback;
            interest.readerContext = Context.copyContext();
        } else {
            interest.writer = callback;
            interest.writerContext = Context.copyContext();
        }
        key.interestOps(opsOf(channel, interest));
    }

    /** Removes {@code channel}'s reader or writer callback; returns whether there was one. */
    boolean unregister(SelectableChannel channel, boolean read) {
        SelectionKey key = channel.keyFor(selector);
        if (key == null || !key.isValid()) {
            return false;
        }
        Interest interest = (Interest) key.attachment();
        boolean had = read ? interest.reader != null : interest.writer != null;
        if (read) {
            interest.reader = null;
            interest.readerContext = null;
        } else {
            interest.writer = null;
            interest.writerContext = null;
        }
        key.interestOps(opsOf(channel, interest)); // possibly none: the key stays (see the notes)
        return had;
    }

    private static int opsOf(SelectableChannel channel, Interest interest) {
        int valid = channel.validOps();
        int ops = 0;
        if (interest.reader != null) {
            ops |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if (interest.writer != null) {
            ops |= valid & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
        }
        return ops;
    }

    /** Hands a callback for each ready operation of each selected key to {@code queue}, and clears the set. */
    void queueReadyCallbacks(Consumer<Handle> queue) {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Interest interest = (Interest) key.attachment();
            int ops;
            try {
                ops = key.readyOps();
            } catch (CancelledKeyException e) {
                continue;
            }
            if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && interest.reader != null) {
                queue.accept(new Handle(interest.reader, interest.readerContext));
            }
            if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 && interest.writer != null) {
                queue.accept(new Handle(interest.writer, interest.writerContext));
            }
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the selector failed", e);
        }
    }
}
