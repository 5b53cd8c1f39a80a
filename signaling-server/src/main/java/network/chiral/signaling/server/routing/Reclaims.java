package network.chiral.signaling.server.routing;

import java.util.List;

import network.chiral.signaling.api.SignalMessage;
import network.chiral.signaling.server.peer.Peer;

/**
 * Where a clustered directory hands claims that another node makes on an id this node holds:
 * a client that reconnected through another node registers its id again while this node still
 * holds its old, possibly half-open socket. The protocol decides (it probes the holder) and
 * gives its verdict; the directory carries it back. Built before the directory and the
 * protocol, which both need it.
 */
public final class Reclaims {

    /** The protocol's side: decides one claim. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param holder the socket of this node that holds {@code id}
         * @param proven whether the claimant's credential names the id (no probe needed)
         * @param resume the resume token the claimant presented, or {@code null}
         */
        void reclaim(Peer holder, String id, boolean proven, String resume, Verdict verdict);
    }

    /** The answer to one claim; exactly one of its methods is called, once. */
    public interface Verdict {
        /** The holder is alive and keeps the id. */
        void kept();

        /**
         * The holder is gone and the id is free; {@code copies} are the relays it was sent while
         * it was probed, in order, owed to whoever registers the id next.
         */
        void freed(List<SignalMessage> copies);
    }

    private volatile Handler handler = (holder, id, proven, resume, verdict) -> verdict.kept();

    /** Installs the protocol's handler; until then every holder keeps its id. */
    public void handleWith(Handler protocol) {
        this.handler = protocol;
    }

    /** Hands a claim to the protocol. */
    public void reclaim(Peer holder, String id, boolean proven, String resume, Verdict verdict) {
        handler.reclaim(holder, id, proven, resume, verdict);
    }
}
