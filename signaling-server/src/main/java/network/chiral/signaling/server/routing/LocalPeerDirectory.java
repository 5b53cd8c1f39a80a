package network.chiral.signaling.server.routing;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import network.chiral.signaling.api.Relay;
import network.chiral.signaling.server.peer.Peer;

/**
 * The peer directory of a single server: a concurrent map from id to socket, read without
 * locks by every relay, and the order ids registered in, which listings follow.
 */
public final class LocalPeerDirectory implements PeerDirectory {
    private final ConcurrentMap<String, Peer> peers = new ConcurrentHashMap<>();
    /** Guarded by itself; changed together with {@link #peers} so the two never disagree. */
    private final RegistrationOrder order = new RegistrationOrder();
    private final LateOutcomes late;

    /** A directory whose late outcomes (a relay lost with its receiver's closing socket) go nowhere. */
    public LocalPeerDirectory() {
        this((sender, relay, outcome) -> { });
    }

    /** @param late told of relays accepted for a socket that closed before writing them */
    public LocalPeerDirectory(LateOutcomes late) {
        this.late = late;
    }

    @Override
    public Registration register(String id, String replacing, Peer peer, int listLimit) {
        synchronized (order) {
            Peer holder = peers.putIfAbsent(id, peer);
            if (holder != null && holder != peer) {
                return Registration.taken(holder);
            }
            order.add(id);
            if (replacing != null && peers.remove(replacing, peer)) {
                order.remove(replacing);
            }
            return Registration.granted(order.first(listLimit), peers.size());
        }
    }

    @Override
    public void release(String id, Peer peer) {
        synchronized (order) {
            if (peers.remove(id, peer)) {
                order.remove(id);
            }
        }
    }

    @Override
    public Delivery deliver(Relay relay, long receivedNanos) {
        Peer receiver = peers.get(relay.to());
        if (receiver == null) {
            return Delivery.NOT_FOUND;
        }
        return receiver.relay(relay.message(), receivedNanos, Peer.NO_DEADLINE, written -> {
            if (!written) {
                lost(relay);
            }
        }) ? Delivery.DELIVERED : Delivery.DROPPED;
    }

    /** A relay its receiver's socket closed before taking: its sender, if still here, hears so. */
    private void lost(Relay relay) {
        Peer sender = peers.get(relay.from());
        if (sender != null) {
            late.undelivered(sender, relay, Delivery.DROPPED);
        }
    }

    @Override
    public Listing list(int limit) {
        synchronized (order) {
            return new Listing(order.first(limit), peers.size());
        }
    }

    @Override
    public int size() {
        return peers.size();
    }
}
