package dev.aio4j.http.client.internal;

import dev.aio4j.sync.Held;
import dev.aio4j.sync.Semaphore;
import java.util.HashMap;

/**
 * The connection slots of a session (aiohttp's connector limits): at most {@code limit} requests
 * in flight in total and {@code limitPerHost} per scheme, host and port, 0 meaning no limit. A
 * request takes its slot before it is handed to the JDK client and gives it back once its body
 * has been read to the end, has failed or was abandoned, so the client never has more exchanges
 * open than the limits allow; see {@code HttpSession} for why that also bounds its connections.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The per-host slot is taken before the total one: a request waiting for a busy host then
 * holds nothing that requests for other hosts need (taking the total slot first lets one slow
 * host starve all others). Waiting is FIFO (aio4j's {@link Semaphore}).
 *
 * <p>Invariants: (1) everything is touched on the session's loop only (the semaphores bind to
 * it); (2) a host's entry exists exactly while some request holds or waits for its slot,
 * counted by {@code users}; (3) {@code inUse} counts the slots held.
 */
public final class ConnectionLimiter {

    private final int limit;
    private final int limitPerHost;
    /** The total slots; null when unlimited. */
    private final Semaphore total;
    /** Per-host slots by host key; empty when unlimited. */
    private final HashMap<String, Host> hosts = new HashMap<>();

    private int inUse;
    private int maxInUse;

    private static final class Host {
        final Semaphore slots;
        int users;

        Host(int n) {
            slots = new Semaphore(n);
        }
    }

    /**
     * @throws IllegalArgumentException if a limit is negative
     */
    public ConnectionLimiter(int limit, int limitPerHost) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit < 0: " + limit);
        }
        if (limitPerHost < 0) {
            throw new IllegalArgumentException("limitPerHost < 0: " + limitPerHost);
        }
        this.limit = limit;
        this.limitPerHost = limitPerHost;
        this.total = limit == 0 ? null : new Semaphore(limit);
    }

    /**
     * Waits for a slot for {@code hostKey}, suspending only the task.
     *
     * @throws dev.aio4j.CancelledError if the task is cancelled while waiting; it then holds nothing
     */
    public Slot acquire(String hostKey) {
        Host host = null;
        Held hostHeld = null;
        if (limitPerHost > 0) {
            host = hosts.computeIfAbsent(hostKey, k -> new Host(limitPerHost));
            host.users++;
            try {
                hostHeld = host.slots.acquire();
            } catch (Throwable e) {
                leave(hostKey, host);
                throw e;
            }
        }
        Held totalHeld = null;
        if (total != null) {
            try {
                totalHeld = total.acquire();
            } catch (Throwable e) {
                if (hostHeld != null) {
                    hostHeld.close();
                }
                leave(hostKey, host);
                throw e;
            }
        }
        inUse++;
        maxInUse = Math.max(maxInUse, inUse);
        return new Slot(hostKey, host, hostHeld, totalHeld);
    }

    private void leave(String hostKey, Host host) {
        if (host != null && --host.users == 0) {
            hosts.remove(hostKey);
        }
    }

    /** Slots held now. */
    public int inUse() {
        return inUse;
    }

    /** The most slots held at once so far. */
    public int maxInUse() {
        return maxInUse;
    }

    @Override
    public String toString() {
        return "ConnectionLimiter[limit=" + limit + ", limitPerHost=" + limitPerHost + ", inUse=" + inUse + ", hosts="
                + hosts.size() + "]";
    }

    /** A held slot; {@link #release()} gives it back once, later calls do nothing. */
    public final class Slot {
        private final String hostKey;
        private final Host host;
        private Held hostHeld;
        private Held totalHeld;
        private boolean released;

        private Slot(String hostKey, Host host, Held hostHeld, Held totalHeld) {
            this.hostKey = hostKey;
            this.host = host;
            this.hostHeld = hostHeld;
            this.totalHeld = totalHeld;
        }

        /** Gives the slot back (loop only); idempotent. */
        public void release() {
            if (released) {
                return;
            }
            released = true;
            inUse--;
            if (totalHeld != null) {
                totalHeld.close();
            }
            if (hostHeld != null) {
                hostHeld.close();
            }
            leave(hostKey, host);
        }
    }
}
