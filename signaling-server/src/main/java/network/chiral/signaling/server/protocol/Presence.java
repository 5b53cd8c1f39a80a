package network.chiral.signaling.server.protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

import jakarta.json.spi.JsonProvider;

import network.chiral.signaling.api.Peers;
import network.chiral.signaling.server.peer.Connections;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.routing.PeerChanges;
import network.chiral.signaling.server.routing.PeerDirectory;

/**
 * Keeps registered sockets' peer lists fresh: when anyone registered or left since the last
 * round (on this node or, in cluster mode, any other), every registered socket of this node is
 * sent a new {@code peers} message, shaped as the reply to {@code register} (its own id first,
 * capped, with {@code total}) but without {@code iceServers}. A socket that asked for deltas at
 * {@code register} gets {@code peer-joined} and {@code peer-left} instead, one per change, unless
 * who changed is not known (a node died) or more changed than a list holds: then the list. Rounds come at most every push
 * interval, so a socket gets at most one push per interval however busy the network is.
 *
 * <p>Cost: a round lists the directory once and writes one frame per registered socket, built
 * from one shared encoding of the list. Two bounds hold whatever the number of peers: the next
 * round waits at least {@link #WORK_RATIO} times as long as this one took, so pushes never take
 * more than about a twentieth of one core; and at least as long as {@link #BYTES_PER_SECOND}
 * needs to carry what this one queued. With many peers, lists simply come less often.
 */
final class Presence {
    /** The least wait after a round, as a multiple of the round's own duration. */
    static final int WORK_RATIO = 20;
    /** The most that pushes send per second on average, in characters queued (4 MiB). */
    static final long BYTES_PER_SECOND = 4L * 1024 * 1024;
    /** Looked up once: {@code Json.createValue} looks the provider up on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private final Duration interval;
    private final int limit;
    /** A pushed list's ids for a socket whose own id is among those listed. */
    private final ReplyIds ownFirst;
    private final PeerDirectory directory;
    private final Connections connections;
    private final PeerChanges changes;
    private final Scheduler scheduler;
    private final LongSupplier clock;

    Presence(Duration interval, int limit, PeerDirectory directory, Connections connections, PeerChanges changes,
             Scheduler scheduler, LongSupplier clock) {
        this.interval = interval;
        this.limit = limit;
        this.ownFirst = new ReplyIds(limit);
        this.directory = directory;
        this.connections = connections;
        this.changes = changes;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Starts the rounds; nothing happens when pushes are switched off. */
    void start() {
        if (!interval.isZero()) {
            scheduler.after(interval, this::round);
        }
    }

    /** One round: a push to every registered socket if anything changed, then the next round. */
    void round() {
        long began = clock.getAsLong();
        PeerChanges.Batch batch = changes.take();
        long queued = batch.any() ? push(directory.list(limit + 1), batch) : 0;
        Duration took = Duration.ofNanos(Math.max(0, clock.getAsLong() - began));
        Duration wait = interval;
        for (Duration bound : new Duration[] {took.multipliedBy(WORK_RATIO), Duration.ofMillis(queued * 1000 / BYTES_PER_SECOND)}) {
            if (bound.compareTo(wait) > 0) {
                wait = bound;
            }
        }
        scheduler.after(wait, this::round);
    }

    /**
     * Sends every registered socket the list, or, to those that asked for deltas, what changed;
     * returns how many characters it queued.
     */
    private long push(PeerDirectory.Listing listing, PeerChanges.Batch batch) {
        // Deltas when who changed is known and they are fewer than a list would hold.
        boolean deltas = batch.complete() && batch.changes().size() <= limit;
        List<String> deltaFrames = deltas ? deltaFrames(batch.changes()) : List.of();
        List<String> deltaIds = deltas ? batch.changes().stream().map(PeerChanges.Change::id).toList() : List.of();
        // One encoding of the list for everyone; a socket whose own id is in it gets its own.
        List<String> shared = listing.ids().subList(0, Math.min(limit - 1, listing.ids().size()));
        StringBuilder tail = new StringBuilder(shared.size() * 24 + 32);
        for (String id : shared) {
            tail.append(',').append(JSON.createValue(id));
        }
        tail.append("],\"total\":").append(listing.total()).append('}');
        String sharedTail = tail.toString();
        // Looked up for every socket: a set, not a scan of the list.
        Set<String> sharedIds = Set.copyOf(shared);
        long[] queued = {0};
        connections.forEach(peer -> {
            String own = peer.id();
            if (own == null || peer.isClosed()) {
                return;
            }
            if (peer.wantsDeltas() && deltas) {
                for (int i = 0; i < deltaFrames.size(); i++) {
                    if (!deltaIds.get(i).equals(own)) {
                        peer.sendEncoded(deltaFrames.get(i));
                        queued[0] += deltaFrames.get(i).length();
                    }
                }
                return;
            }
            if (sharedIds.contains(own)) {
                peer.send(new Peers(ownFirst.forCaller(own, listing.ids()), listing.total()));
            } else {
                peer.sendEncoded("{\"type\":\"peers\",\"peers\":[" + JSON.createValue(own) + sharedTail);
            }
            queued[0] += sharedTail.length() + own.length() + 28;
        });
        return queued[0];
    }

    /** Each change as the frame a delta socket gets, encoded once for all of them. */
    private static List<String> deltaFrames(List<PeerChanges.Change> changes) {
        List<String> frames = new ArrayList<>(changes.size());
        for (PeerChanges.Change change : changes) {
            frames.add("{\"type\":\"" + (change.joined() ? "peer-joined" : "peer-left") + "\",\"id\":"
                    + JSON.createValue(change.id()) + "}");
        }
        return frames;
    }
}
