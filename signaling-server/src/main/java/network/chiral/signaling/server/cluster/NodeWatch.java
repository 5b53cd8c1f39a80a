package network.chiral.signaling.server.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

import network.chiral.signaling.api.Relay;
import network.chiral.signaling.server.cluster.Confirmations.Answer;
import network.chiral.signaling.server.cluster.Confirmations.Pending;
import network.chiral.signaling.server.cluster.Confirmations.Probe;

/**
 * One remote node's published relays awaiting confirmation, in the order they were published,
 * and the probes out to it, each covering what was published before it. A relay settled
 * elsewhere (a receipt, a return) leaves {@code unsettled} at once and its entry here when it
 * comes up. Thread-safe: every method holds this watch's monitor.
 */
final class NodeWatch {
    /** Probes kept per node while it does not answer. */
    private static final int MAX_PROBES = 64;

    /** A published relay: {@code seq} orders it among those published to its node. */
    private record Entry(long seq, long id) {
    }

    private final String node;
    /** Every relay not yet settled, all nodes together; shared with the other watches. */
    private final ConcurrentMap<Long, Pending> unsettled;
    private final long deadlineNanos;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    /** Outstanding probes by id, oldest first, each with the last seq it covers. */
    private final TreeMap<Long, Long> covers = new TreeMap<>();
    private long seq;
    /** The epoch of the node's subscription as its last answer named it; 0 before any. */
    private long epoch;
    private boolean suspect;
    private boolean closed;

    NodeWatch(String node, ConcurrentMap<Long, Pending> unsettled, long deadlineNanos) {
        this.node = node;
        this.unsettled = unsettled;
        this.deadlineNanos = deadlineNanos;
    }

    /** Whether relays to this node must be refused: it is suspect, or {@code capacity} await it. */
    synchronized boolean refuses(int capacity) {
        return suspect || entries.size() >= capacity;
    }

    /**
     * Watches relay {@code id}, just published, unless it was settled meanwhile.
     *
     * @return {@code false} if this watch was closed: the node was forgotten, and a fresh watch must take it
     */
    synchronized boolean published(long id) {
        if (closed) {
            return false;
        }
        if (unsettled.containsKey(id)) {
            entries.addLast(new Entry(++seq, id));
        }
        return true;
    }

    /**
     * The node answered probe {@code id} from its subscription {@code answerEpoch}: every relay
     * published before that probe is settled but {@code unwritten}; those are lost if the
     * subscription is not the one they went to.
     */
    synchronized Answer confirmed(long id, long answerEpoch, List<Long> unwritten) {
        Long covered = covers.get(id);
        if (covered == null) {
            // Not a probe of this watch (an earlier one, for a node forgotten since).
            return Answer.NONE;
        }
        boolean newSubscription = epoch != 0 && epoch != answerEpoch;
        epoch = answerEpoch;
        // Answers come in order: probes older than this one are answered by it too.
        covers.headMap(id, true).clear();
        List<Relay> lost = new ArrayList<>();
        Set<Long> open = unwritten.isEmpty() ? Set.of() : new HashSet<>(unwritten);
        ArrayDeque<Entry> kept = new ArrayDeque<>();
        while (!entries.isEmpty() && entries.peekFirst().seq() <= covered) {
            Entry entry = entries.pollFirst();
            if (open.contains(entry.id())) {
                kept.add(entry);
                continue;
            }
            Pending pending = unsettled.remove(entry.id());
            if (pending != null && newSubscription) {
                // Published to the subscription Redis dropped, and named in no receipt.
                lost.add(pending.relay());
            }
        }
        while (!kept.isEmpty()) {
            entries.addFirst(kept.pollLast());
        }
        boolean was = suspect;
        suspect = false;
        return new Answer(was, lost);
    }

    /**
     * Expires the relays that waited longer than the deadline since they were sent or since
     * {@code resumed}, whichever is later, and opens a probe while any are awaited or the node
     * is suspect. What it finds goes into the tick's lists.
     */
    synchronized void tick(long now, long resumed, LongSupplier nextProbe, List<Probe> probes, List<Relay> expired,
                           List<String> suspected) {
        boolean expiredAny = false;
        while (!entries.isEmpty()) {
            long head = entries.peekFirst().id();
            Pending pending = unsettled.get(head);
            if (pending != null && now - Math.max(pending.sentNanos(), resumed) <= deadlineNanos) {
                break;
            }
            entries.pollFirst();
            if (pending != null && unsettled.remove(head, pending)) {
                expired.add(pending.relay());
                expiredAny = true;
            }
        }
        if (expiredAny && !suspect) {
            suspect = true;
            suspected.add(node);
        }
        if (!entries.isEmpty() || suspect) {
            long id = nextProbe.getAsLong();
            covers.put(id, seq);
            if (covers.size() > MAX_PROBES) {
                // Each answer covers the probes before it, so the oldest are the least needed.
                covers.pollFirstEntry();
            }
            probes.add(new Probe(node, id));
        }
    }

    /**
     * The node is gone: closes this watch.
     *
     * @return its relays that were never settled
     */
    synchronized List<Relay> close() {
        closed = true;
        List<Relay> unconfirmed = new ArrayList<>();
        for (Entry entry : entries) {
            Pending pending = unsettled.remove(entry.id());
            if (pending != null) {
                unconfirmed.add(pending.relay());
            }
        }
        entries.clear();
        return unconfirmed;
    }
}
