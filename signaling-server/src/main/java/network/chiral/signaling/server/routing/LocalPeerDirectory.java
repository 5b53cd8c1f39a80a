package network.chiral.signaling.server.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import network.chiral.signaling.api.Relay;
import network.chiral.signaling.server.peer.Peer;

/** The peer directory of a single server: a concurrent map from id to socket. */
public final class LocalPeerDirectory implements PeerDirectory {
    private final ConcurrentMap<String, Peer> peers = new ConcurrentHashMap<>();
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
        Peer holder = peers.putIfAbsent(id, peer);
        if (holder != null && holder != peer) {
            return Registration.taken(holder);
        }
        if (replacing != null) {
            peers.remove(replacing, peer);
        }
        return Registration.granted(ids(listLimit), peers.size());
    }

    @Override
    public void release(String id, Peer peer) {
        peers.remove(id, peer);
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
        return new Listing(ids(limit), peers.size());
    }

    private List<String> ids(int limit) {
        List<String> ids = new ArrayList<>(Math.min(limit, peers.size()));
        for (String id : peers.keySet()) {
            if (ids.size() >= limit) {
                break;
            }
            ids.add(id);
        }
        return ids;
    }

    @Override
    public int size() {
        return peers.size();
    }
}
