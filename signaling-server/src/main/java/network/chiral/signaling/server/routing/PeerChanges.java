package network.chiral.signaling.server.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who registered and who left since the last time it was asked, here or (in cluster mode) on
 * another node: what registered sockets are told, as fresh lists or as deltas.
 */
public final class PeerChanges {
    /** Changes kept between two rounds; beyond this only "something changed" is kept. */
    private static final int KEPT = 10_000;

    /** One id registered ({@code joined}) or freed. */
    public record Change(String id, boolean joined) {
    }

    /**
     * What changed since the last {@link #take}.
     *
     * @param any      whether anything changed at all
     * @param changes  the changes, in order, when {@code complete}
     * @param complete false when who changed is not known (a node died, or too many changed)
     */
    public record Batch(boolean any, List<Change> changes, boolean complete) {
    }

    private final ConcurrentLinkedQueue<Change> changes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();
    private final AtomicBoolean changed = new AtomicBoolean();
    private final AtomicBoolean unknown = new AtomicBoolean();

    /** {@code id} was registered. */
    public void joined(String id) {
        record(new Change(id, true));
    }

    /** {@code id} was freed. */
    public void left(String id) {
        record(new Change(id, false));
    }

    /** Ids were registered or freed, but which is not known (a whole node went). */
    public void unknown() {
        unknown.set(true);
        changed.set(true);
    }

    private void record(Change change) {
        if (kept.incrementAndGet() <= KEPT) {
            changes.add(change);
        } else {
            unknown.set(true);
        }
        changed.set(true);
    }

    /** What changed since the last call; starts afresh. */
    public Batch take() {
        if (!changed.getAndSet(false)) {
            return new Batch(false, List.of(), true);
        }
        boolean complete = !unknown.getAndSet(false);
        List<Change> taken = new ArrayList<>();
        for (Change change = changes.poll(); change != null; change = changes.poll()) {
            kept.decrementAndGet();
            taken.add(change);
        }
        return new Batch(true, taken, complete);
    }
}
