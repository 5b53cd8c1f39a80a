package network.chiral.signaling.server.routing;

import network.chiral.signaling.api.Relay;
import network.chiral.signaling.server.peer.Peer;

/**
 * A test directory that does what the one-node directory does; a test overrides the step it
 * wants to change (forward instead of failing, let a relay slip into a register).
 */
public class DelegatingDirectory implements PeerDirectory {
    protected final LocalPeerDirectory local = new LocalPeerDirectory();

    @Override
    public Registration register(String id, String replacing, Peer peer, int listLimit) {
        return local.register(id, replacing, peer, listLimit);
    }

    @Override
    public void release(String id, Peer peer) {
        local.release(id, peer);
    }

    @Override
    public Delivery deliver(Relay relay, long receivedNanos) {
        return local.deliver(relay, receivedNanos);
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public Listing list(int limit) {
        return local.list(limit);
    }
}
