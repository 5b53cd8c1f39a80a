package network.chiral.signaling.server.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * published before it. Relays still unconfirmed after the deadline are handed back to be
 * reported undeliverable, and their node becomes suspect: relays to it are refused at once
 * until it answers a probe again. So a relay is either read by its node or answered, never
 * silently lost.
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

    private record Sent(long covers, long sentNanos) {
    }

    /** One remote node's relays awaiting confirmation. Guarded by itself. */
    private static final class Watch {
        final ArrayDeque<Entry> entries = new ArrayDeque<>();
        final Map<Long, Sent> probes = new HashMap<>();
        long seq;
        boolean suspect;
        boolean closed;
    }

    private final long deadlineNanos;
    private final int capacity;
    private final LongSupplier clock;
    private final ConcurrentMap<String, Watch> watches = new ConcurrentHashMap<>();
    private long probeIds;

    /**
     * @param deadline how long a relay may stay unconfirmed
     * @param capacity most relays awaiting confirmation per node; beyond that, relays to it are refused
     * @param clock    nanoseconds, as {@link System#nanoTime()}
     */
    Confirmations(Duration deadline, int capacity, LongSupplier clock) {
        this.deadlineNanos = deadline.toNanos();
        this.capacity = capacity;
        this.clock = clock;
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
            Sent sent = watch.probes.remove(id);
            if (sent == null) {
                return false;
            }
            // Answers come in order: probes older than this one are answered by it too.
            watch.probes.keySet().removeIf(older -> older < id);
            while (!watch.entries.isEmpty() && watch.entries.peekFirst().seq() <= sent.covers()) {
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
        List<Probe> probes = new ArrayList<>();
        List<Relay> expired = new ArrayList<>();
        List<String> suspected = new ArrayList<>();
        watches.forEach((node, watch) -> {
            synchronized (watch) {
                Entry oldest = watch.entries.peekFirst();
                if (oldest != null && now - oldest.sentNanos() > deadlineNanos) {
                    watch.entries.forEach(entry -> expired.add(entry.relay()));
                    watch.entries.clear();
                    if (!watch.suspect) {
                        watch.suspect = true;
                        suspected.add(node);
                    }
                }
                // A probe unanswered this long will not confirm anything in time any more.
                watch.probes.values().removeIf(sent -> now - sent.sentNanos() > deadlineNanos);
                if (!watch.entries.isEmpty() || watch.suspect) {
                    long id = ++probeIds;
                    watch.probes.put(id, new Sent(watch.seq, now));
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
