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
        return receiver.relay(relay.message(), receivedNanos) ? Delivery.DELIVERED : Delivery.DROPPED;
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
