package network.chiral.signaling.server.routing;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The ids a capped {@code peers} listing names: the oldest registered, up to the largest limit
 * asked for, and the rest waiting in registration order to take the place of a listed id that
 * leaves.
 *
 * <p>A newcomer beyond the cap leaves the listing as it was, so in a reconnect storm thousands of
 * replies share one listing (and its encoding: see the codec's {@code peers}) instead of each
 * building its own from the map's hash order, which every registration reshuffles.
 *
 * <p>Not thread-safe: the directory changes it together with its map, under one lock.
 */
final class RegistrationOrder {
    private final LinkedHashSet<String> listed = new LinkedHashSet<>();
    private final LinkedHashSet<String> waiting = new LinkedHashSet<>();
    private int cap;
    /** {@link #listed} as a list; {@code null} once it changed. */
    private List<String> snapshot = List.of();

    void add(String id) {
        if (listed.contains(id) || waiting.contains(id)) {
            return;
        }
        if (listed.size() < cap) {
            listed.add(id);
            snapshot = null;
        } else {
            waiting.add(id);
        }
    }

    void remove(String id) {
        if (listed.remove(id)) {
            promote();
            snapshot = null;
        } else {
            waiting.remove(id);
        }
    }

    /** The first {@code limit} listed ids, oldest first; the same list while they are unchanged. */
    List<String> first(int limit) {
        if (limit > cap) {
            cap = limit;
            while (listed.size() < cap && !waiting.isEmpty()) {
                promote();
                snapshot = null;
            }
        }
        if (snapshot == null) {
            snapshot = List.copyOf(listed);
        }
        return limit >= snapshot.size() ? snapshot : snapshot.subList(0, limit);
    }

    private void promote() {
        Iterator<String> next = waiting.iterator();
        if (next.hasNext()) {
            listed.add(next.next());
            next.remove();
        }
    }
}
