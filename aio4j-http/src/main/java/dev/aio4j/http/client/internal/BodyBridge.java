package dev.aio4j.http.client.internal;

import dev.aio4j.EventLoop;
import dev.aio4j.http.client.ClientConnectionError;
import dev.aio4j.http.client.ClientPayloadError;
import dev.aio4j.net.StreamReader;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.zip.ZipException;

/**
 * Carries one response body from the JDK client's threads to a {@link StreamReader} on the
 * loop, with back-pressure: the JDK is asked for the next piece ({@code request(1)}) only while
 * the reader holds less than its high-water mark or a read is waiting, so a body of any size
 * takes bounded memory however slowly it is read. Decodes gzip and deflate on the way.
 *
 * <h2>Implementation notes</h2>
 *
 * <pre>
 *   OPEN --last byte read--> ENDED (feedEof, slot released)
 *     |---error / abort----> ENDED (reader failed, subscription cancelled, slot released)
 * </pre>
 *
 * <p>Threads: the JDK calls the subscriber methods on its own threads; each posts its work to
 * the loop ({@code callSoonThreadsafe}, FIFO, so they stay in order), and every field below the
 * decoder is touched on the loop only. {@code decoder} is set in {@link #start} before the JDK
 * subscribes, and read on the loop only after a posted call, which orders it.
 *
 * <p>Invariants: (1) at most one piece is requested and not yet delivered ({@code demanded});
 * (2) {@code onEnd}, once set, runs exactly once, when the body ended, failed or was abandoned
 * (or at once if that happened before it was set); (3) after
 * ENDED nothing more is fed to the reader.
 *
 * <p>Memory: the reader holds at most {@code highWater} bytes plus one decoded piece (at most
 * {@code PIECE}), plus, while a read waits for more (a {@code readExactly(n)}), what that read
 * asked for. The JDK itself buffers about one socket read ahead.
 */
public final class BodyBridge implements HttpResponse.BodySubscriber<BodyBridge> {

    /** The most decoded bytes fed to the reader at once. */
    private static final int PIECE = 64 * 1024;

    private final EventLoop loop;
    private final StreamReader reader;
    private final int highWater;
    private final ExchangeTimer timer;
    private final URI url;
    /** What runs when the body ends; null until set (loop only). */
    private Runnable onEnd;

    private volatile ContentDecoder decoder;

    // Loop-confined:
    private Flow.Subscription subscription;
    private boolean demanded;
    private boolean pumpScheduled;
    private boolean upstreamDone;
    private boolean ended;
    private int readsWaiting;
    private long received;

    /** A bridge bound to the running loop, feeding a new reader of limit {@code highWater}. */
    public BodyBridge(int highWater, ExchangeTimer timer, URI url) {
        this.loop = dev.aio4j.Aio.getRunningLoop();
        this.reader = new StreamReader(highWater);
        this.highWater = highWater;
        this.timer = timer;
        this.url = url;
    }

    /** The reader the body is fed into. */
    public StreamReader reader() {
        return reader;
    }

    /**
     * The JDK's body handler: called on a JDK thread when the headers are in.
     *
     * @param decode whether to undo the Content-Encoding
     */
    public BodyBridge start(HttpResponse.ResponseInfo info, boolean decode) {
        decoder = ContentDecoder.forEncoding(
                decode ? info.headers().firstValue("Content-Encoding").orElse(null) : null);
        return this;
    }

    // ------------------------------------------------------------------ JDK threads

    @Override
    public void onSubscribe(Flow.Subscription s) {
        // The reader is empty: ask for the first piece at once, saving a trip through the loop.
        // Posted before the request, so that the loop sees the subscription before the piece.
        if (!post(() -> {
            subscription = s;
            demanded = true;
            if (ended) {
                s.cancel();
            }
        })) {
            s.cancel();
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> pieces) {
        post(() -> {
            demanded = false;
            if (ended) {
                return;
            }
            for (ByteBuffer b : pieces) {
                received += b.remaining();
                decoder.push(b);
            }
            timer.progress();
            pump();
        });
    }

    @Override
    public void onError(Throwable error) {
        post(() -> fail(error));
    }

    @Override
    public void onComplete() {
        post(() -> {
            upstreamDone = true;
            pump();
        });
    }

    @Override
    public CompletionStage<BodyBridge> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    private boolean post(Runnable r) {
        try {
            loop.callSoonThreadsafe(r);
            return true;
        } catch (IllegalStateException loopClosed) {
            return false;
        }
    }

    // ------------------------------------------------------------------ the loop

    /** A read starts waiting for data: keep data coming even above the high-water mark. */
    public void readStarted() {
        readsWaiting++;
        loop.externalStarted(); // the data comes from the JDK's threads: the loop is not stuck meanwhile
        pump();
    }

    /** The read that {@link #readStarted} announced has returned. */
    public void readEnded() {
        readsWaiting--;
        loop.externalDone();
        pump();
    }

    /**
     * Sets what runs once the body has ended, failed or was abandoned (the response's owner
     * releases its connection slot so); runs it now if that happened already. Until then the
     * end releases nothing, so a redirect can read a body and keep its slot for the next hop.
     */
    public void onEnd(Runnable r) {
        if (ended) {
            r.run();
        } else {
            onEnd = r;
        }
    }

    /** True once the body was read to its end, failed or was abandoned. */
    public boolean ended() {
        return ended;
    }

    /** Raw bytes received so far (before decoding). */
    public long received() {
        return received;
    }

    /**
     * Abandons the body before its end (the response was closed, or a wait timed out): cancels the
     * JDK's subscription, which closes the connection, fails later reads with {@code why}, and
     * releases the slot. Nothing happens once the body has ended.
     */
    public void abort(RuntimeException why) {
        if (ended) {
            return;
        }
        reader.setException(why);
        end();
    }

    /**
     * Feeds what the decoder can give while the reader is below its high-water mark, then asks the
     * JDK for the next piece. Above the mark it feeds only for a waiting read, one piece per loop
     * turn, so that a small compressed piece that inflates hugely never lands in the buffer whole.
     */
    private void pump() {
        if (ended || decoder == null) {
            return;
        }
        try {
            while (true) {
                boolean below = reader.bufferedSize() < highWater;
                if (!below && readsWaiting == 0) {
                    return; // full: the next read pumps again
                }
                byte[] piece = decoder.pull(PIECE);
                if (piece == null) {
                    break; // the decoder needs input
                }
                reader.feedData(piece);
                if (!below) {
                    if (!pumpScheduled) {
                        pumpScheduled = true;
                        loop.callSoon(() -> {
                            pumpScheduled = false;
                            pump();
                        });
                    }
                    return;
                }
            }
            if (upstreamDone) {
                decoder.finish();
                reader.feedEof();
                end();
            } else if (!demanded && subscription != null && (readsWaiting > 0 || reader.bufferedSize() < highWater)) {
                demanded = true;
                subscription.request(1);
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    private void fail(Throwable error) {
        if (ended) {
            return;
        }
        RuntimeException typed;
        if (error instanceof ZipException || error instanceof EOFException) {
            typed = new ClientPayloadError(
                    "response payload is not completed: " + error.getMessage() + " (" + url + ")", error);
        } else if (error instanceof IOException) {
            typed = new ClientConnectionError("connection lost while reading the body of " + url + ": " + error, error);
        } else {
            typed = new ClientPayloadError("reading the body of " + url + " failed: " + error, error);
        }
        reader.setException(typed);
        end();
    }

    private void end() {
        ended = true;
        if (!upstreamDone && subscription != null) {
            subscription.cancel();
        }
        ContentDecoder d = decoder;
        if (d != null) {
            d.close();
        }
        Runnable r = onEnd;
        onEnd = null;
        if (r != null) {
            r.run();
        }
    }

    @Override
    public String toString() {
        return "BodyBridge[" + url + ", received=" + received + (ended ? ", ended" : "") + ", " + reader + "]";
    }
}
