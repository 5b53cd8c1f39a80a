package network.chiral.signaling.server.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

import network.chiral.signaling.api.Relay;

/**
 * Relays this node has published to other nodes' inboxes, kept until those nodes confirm
 * they read them.
 *
 * <p>Redis still counts a subscriber that has stopped reading (a node frozen, or cut off
 * without its connection being reset) as a receiver, so a PUBLISH that reached "one
 * receiver" proves nothing. Every tick, this node sends a {@link Envelope.Probe} through the
 * same connection as its relays to each node that has relays awaiting confirmation. Redis
 * keeps one connection's messages in order, so the answer to a probe confirms every relay
 * published before it. When a node with relays awaiting confirmation has answered nothing
 * for the deadline, those relays are handed back to be reported undeliverable, and the node
 * becomes suspect: relays to it are refused at once until it answers a probe again. So a
 * relay is either read by its node or answered, never silently lost.
 *
 * <p>Progress, not age, decides: a busy node whose inbox runs a second behind still answers
 * every probe, late, and loses nothing. A pause of this node itself (a long GC) is not held
 * against the others: after one, every node gets a full deadline again.
 *
 * <p>Thread-safe: senders record relays, the cluster thread ticks, a Redis I/O thread
 * records answers.
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

    private record Entry(long seq, long sentNanos, Relay relay) {
    }

    /** One remote node's relays awaiting confirmation. Guarded by itself. */
    private static final class Watch {
        final ArrayDeque<Entry> entries = new ArrayDeque<>();
        /** Outstanding probes by id, oldest first. */
        final TreeMap<Long, Long> covers = new TreeMap<>();
        long seq;
        /** When the node last answered a probe. */
        long heard = Long.MIN_VALUE;
        boolean suspect;
        boolean closed;
    }

    /** Probes kept per node while it does not answer. */
    private static final int MAX_PROBES = 64;

    private final long deadlineNanos;
    private final int capacity;
    private final LongSupplier clock;
    private final ConcurrentMap<String, Watch> watches = new ConcurrentHashMap<>();
    private long probeIds;
    private long lastTick;
    /** When this node last came out of a pause of its own. */
    private long resumed;

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
        Watch watch = watches.get(node);
        if (watch == null) {
            return false;
        }
        synchronized (watch) {
            return watch.suspect || watch.entries.size() >= capacity;
        }
    }

    /** {@code relay} has just been published to {@code node}'s inbox (the reply has come back). */
    void forwarded(String node, Relay relay) {
        while (true) {
            Watch watch = watches.computeIfAbsent(node, n -> new Watch());
            synchronized (watch) {
                if (!watch.closed) {
                    watch.entries.addLast(new Entry(++watch.seq, clock.getAsLong(), relay));
                    return;
                }
            }
            // The node was forgotten meanwhile; a fresh watch takes this relay.
            watches.remove(node, watch);
        }
    }

    /**
     * {@code node} answered probe {@code id}: every relay published before that probe is read.
     *
     * @return whether {@code node} was suspect until now
     */
    boolean confirmed(String node, long id) {
        Watch watch = watches.get(node);
        if (watch == null) {
            return false;
        }
        synchronized (watch) {
            Long covers = watch.covers.get(id);
            if (covers == null) {
                // Not a probe of this watch (an earlier one, for a node forgotten since).
                return false;
            }
            // Answers come in order: probes older than this one are answered by it too.
            watch.covers.headMap(id, true).clear();
            watch.heard = clock.getAsLong();
            while (!watch.entries.isEmpty() && watch.entries.peekFirst().seq() <= covers) {
                watch.entries.pollFirst();
            }
            boolean was = watch.suspect;
            watch.suspect = false;
            return was;
        }
    }

    /** Expires what waited too long and names the probes to send. Cluster thread only. */
    Tick tick() {
        long now = clock.getAsLong();
        if (now - lastTick > deadlineNanos / 2) {
            // This node was paused (or starved of CPU): answers may be waiting unread.
            resumed = now;
        }
        lastTick = now;
        List<Probe> probes = new ArrayList<>();
        List<Relay> expired = new ArrayList<>();
        List<String> suspected = new ArrayList<>();
        watches.forEach((node, watch) -> {
            synchronized (watch) {
                Entry oldest = watch.entries.peekFirst();
                if (oldest != null && now - Math.max(Math.max(oldest.sentNanos(), watch.heard), resumed) > deadlineNanos) {
                    watch.entries.forEach(entry -> expired.add(entry.relay()));
                    watch.entries.clear();
                    if (!watch.suspect) {
                        watch.suspect = true;
                        suspected.add(node);
                    }
                }
                if (!watch.entries.isEmpty() || watch.suspect) {
                    long id = ++probeIds;
                    watch.covers.put(id, watch.seq);
                    if (watch.covers.size() > MAX_PROBES) {
                        // Each answer covers the probes before it, so the oldest are the least needed.
                        watch.covers.pollFirstEntry();
                    }
                    probes.add(new Probe(node, id));
                }
            }
        });
        return new Tick(probes, expired, suspected);
    }

    /**
     * {@code node} is gone from the cluster: stop watching it.
     *
     * @return its relays that were never confirmed
     */
    List<Relay> forget(String node) {
        Watch watch = watches.remove(node);
        if (watch == null) {
            return List.of();
        }
        synchronized (watch) {
            watch.closed = true;
            List<Relay> unconfirmed = watch.entries.stream().map(Entry::relay).toList();
            watch.entries.clear();
            return unconfirmed;
        }
    }

    /** Relays awaiting confirmation, all nodes together. */
    int pending() {
        int pending = 0;
        for (Watch watch : watches.values()) {
            synchronized (watch) {
                pending += watch.entries.size();
            }
        }
        return pending;
    }
}
