package network.chiral.signaling.server.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import network.chiral.signaling.api.SignalMessage;

/** The peer directory of a single server: a concurrent map from id to socket. */
public final class LocalPeerDirectory implements PeerDirectory {
    private final ConcurrentMap<String, Peer> peers = new ConcurrentHashMap<>();

    @Override
    public Claim claim(String id, Peer peer) {
        Peer holder = peers.putIfAbsent(id, peer);
        return holder == null || holder == peer ? Claim.GRANTED : Claim.TAKEN;
    }

    @Override
    public void release(String id, Peer peer) {
        peers.remove(id, peer);
    }

    @Override
    public Delivery deliver(String to, SignalMessage message) {
        Peer receiver = peers.get(to);
        if (receiver == null) {
            return Delivery.NOT_FOUND;
        }
        return receiver.send(message) ? Delivery.DELIVERED : Delivery.DROPPED;
    }

    @Override
    public Delivery deliver(String to, SignalMessage message, long receivedNanos) {
        Peer receiver = peers.get(to);
        if (receiver == null) {
            return Delivery.NOT_FOUND;
        }
        return receiver.relay(message, receivedNanos) ? Delivery.DELIVERED : Delivery.DROPPED;
    }

    @Override
    public List<String> list(int limit) {
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
