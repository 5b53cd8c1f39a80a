package network.chiral.signaling.server.cluster;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which node holds a remote id, as last learned from Redis: with a known route a relay is a
 * single PUBLISH, without any lookup. Entries go when the {@code routes} channel says the id
 * or its node has gone, when a relay bounces, and all at once whenever this node may have
 * missed notices (its Redis connection dropped). Bounded: when full it starts over.
 */
final class RouteCache {
    private final int capacity;
    private final ConcurrentMap<String, String> nodeById = new ConcurrentHashMap<>();

    RouteCache(int capacity) {
        this.capacity = capacity;
    }

    /** The node holding {@code id}, or {@code null} when unknown. */
    String node(String id) {
        return nodeById.get(id);
    }

    void learn(String id, String node) {
        if (nodeById.size() >= capacity) {
            nodeById.clear();
        }
        nodeById.put(id, node);
    }

    void forget(String id) {
        nodeById.remove(id);
    }

    void forget(String id, String node) {
        nodeById.remove(id, node);
    }

    void forgetNode(String node) {
        nodeById.values().removeIf(node::equals);
    }

    void clear() {
        nodeById.clear();
    }

    int size() {
        return nodeById.size();
    }
}
