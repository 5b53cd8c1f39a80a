package network.chiral.signaling.server.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import network.chiral.signaling.api.Relay;

/**
 * Relays this node has forwarded to other nodes, kept until they are settled: confirmed read,
 * or answered to their sender. Each relay is settled exactly once, whoever gets there first
 * (a probe's answer, a receipt, a relay coming back, the deadline), so its sender hears at
 * most one answer.
 *
 * <p>Redis still counts a subscriber that has stopped reading (a node frozen, or cut off
 * without its connection being reset) as a receiver, so a PUBLISH that reached "one
 * receiver" proves nothing. Every tick, this node sends a {@link Envelope.Probe} through the
 * same connection as its relays to each node that has relays awaiting confirmation. Redis
 * keeps one connection's messages in order, so the answer to a probe confirms every relay
 * published before it, unless the answering subscription is not the one those relays went to
 * (its epoch changed: Redis dropped it, or restarted); then the relays it does not name in a
 * receipt ({@link Envelope.Delivered}) are answered as lost.
 *
 * <p>A relay not confirmed within the deadline of being sent is answered {@code unavailable},
 * and its node becomes suspect: relays to it are refused at once until it answers a probe
 * again. The receiving node never delivers a relay after half that deadline
 * ({@link Envelope.Forward#expiresAt}), so a relay answered {@code unavailable} does not
 * arrive later. A pause of this node itself (a long GC) is not held against the others:
 * after one, every relay gets a full deadline again.
 *
 * <p>Thread-safe: senders open relays, the cluster thread ticks, a Redis I/O thread records
 * answers. Each node's relays are watched by a {@link NodeWatch}.
 */
final class Confirmations {
    /** A probe to send: {@code node}'s inbox gets {@code id}. */
    record Probe(String node, long id) {
    }

    /**
     * What one tick asks of the node.
     *
     * @param probes    probes to publish now
     * @param expired   relays no answer confirmed in time: report them undeliverable
     * @param suspected nodes that have just become suspect
     */
    record Tick(List<Probe> probes, List<Relay> expired, List<String> suspected) {
    }

    /**
     * A relay not yet settled.
     *
     * @param relay     what is needed to answer its sender (not its payload)
     * @param sentNanos when it was opened
     * @param expiresAt when the receiving node stops delivering it (epoch milliseconds)
     */
    record Pending(Relay relay, long sentNanos, long expiresAt) {
    }

    private final long deadlineNanos;
    private final int capacity;
    private final LongSupplier clock;
    private final ConcurrentMap<Long, Pending> unsettled = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, NodeWatch> watches = new ConcurrentHashMap<>();
    private final AtomicLong relayIds = new AtomicLong();
    private long probeIds;
    private long lastTick;
    /** When this node last came out of a pause of its own. */
    private long resumed;
    /** Since when this node's own connection to Redis has been down; 0 while it is up. */
    private long linkDownSince;

    /**
     * @param deadline how long a relay may stay unconfirmed
     * @param capacity most relays awaiting confirmation per node; beyond that, relays to it are refused
     * @param clock    nanoseconds, as {@link System#nanoTime()}
     */
    Confirmations(Duration deadline, int capacity, LongSupplier clock) {
        this.deadlineNanos = deadline.toNanos();
        this.capacity = capacity;
        this.clock = clock;
        this.lastTick = clock.getAsLong();
        this.resumed = lastTick;
    }

    /** Whether a relay to {@code node} must be refused now: it is suspect, or too far behind. */
    boolean refuses(String node) {
        NodeWatch watch = watches.get(node);
        return watch != null && watch.refuses(capacity);
    }

    /**
     * Opens a relay about to be published, before it is: whatever comes back for it, even
     * before the publish returns, finds it.
     *
     * @param expiresAt when the receiving node must stop delivering it (epoch milliseconds)
     * @return its number, to put in its envelope
     */
    long open(Relay relay, long expiresAt) {
        long id = relayIds.incrementAndGet();
        unsettled.put(id, new Pending(relay, clock.getAsLong(), expiresAt));
        return id;
    }

    /** Relay {@code id} has been published to {@code node}'s inbox (the reply has come back). */
    void published(String node, long id) {
        while (true) {
            NodeWatch watch = watches.computeIfAbsent(node, n -> new NodeWatch(n, unsettled, deadlineNanos));
            if (watch.published(id)) {
                return;
            }
            // The node was forgotten meanwhile; a fresh watch takes this relay.
            watches.remove(node, watch);
        }
    }

    /**
     * Settles relay {@code id} if nothing has yet: the caller then answers for it.
     *
     * @return the relay, or {@code null} if it was settled already (confirmed, or answered)
     */
    Pending settle(long id) {
        return unsettled.remove(id);
    }

    /** {@code node} delivered these relays (a receipt): settled, nothing to answer. */
    void delivered(List<Long> ids) {
        for (long id : ids) {
            unsettled.remove(id);
        }
    }

    /**
     * What an answer to a probe did.
     *
     * @param recovered whether the node was suspect until now
     * @param lost      relays it cannot vouch for: sent to a subscription of it that is gone
     */
    record Answer(boolean recovered, List<Relay> lost) {
        static final Answer NONE = new Answer(false, List.of());
    }

    /**
     * {@code node} answered probe {@code id} from its subscription {@code epoch}; it vouches for
     * every relay published before that probe except {@code unwritten}, which stay open until a
     * receipt, a return or the deadline settles them.
     */
    Answer confirmed(String node, long id, long epoch, List<Long> unwritten) {
        NodeWatch watch = watches.get(node);
        return watch == null ? Answer.NONE : watch.confirmed(id, epoch, unwritten);
    }

    /**
     * Expires what waited too long and names the probes to send. Cluster thread only.
     *
     * @param linkOpen whether this node's own connection to Redis is up: while it is down (for
     *                 up to three deadlines: a Redis restart), answers and receipts cannot reach
     *                 this node, so nothing is expired, and after it every relay gets a full
     *                 deadline again
     */
    Tick tick(boolean linkOpen) {
        long now = clock.getAsLong();
        if (now - lastTick > deadlineNanos / 2) {
            // This node was paused (or starved of CPU): answers may be waiting unread.
            resumed = now;
        }
        if (linkOpen) {
            linkDownSince = 0;
        } else {
            if (linkDownSince == 0) {
                linkDownSince = now;
            }
            if (now - linkDownSince <= 3 * deadlineNanos) {
                resumed = now;
            }
        }
        lastTick = now;
        List<Probe> probes = new ArrayList<>();
        List<Relay> expired = new ArrayList<>();
        List<String> suspected = new ArrayList<>();
        watches.values().forEach(watch -> watch.tick(now, resumed, () -> ++probeIds, probes, expired, suspected));
        return new Tick(linkOpen ? probes : List.of(), expired, suspected);
    }

    /** {@link #tick(boolean)} with the link up. */
    Tick tick() {
        return tick(true);
    }

    /**
     * {@code node} is gone from the cluster: stop watching it.
     *
     * @return its relays that were never settled
     */
    List<Relay> forget(String node) {
        NodeWatch watch = watches.remove(node);
        return watch == null ? List.of() : watch.close();
    }

    /** Relays not yet settled, all nodes together. */
    int pending() {
        return unsettled.size();
    }
}
