package network.chiral.signaling.server.protocol;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.api.Candidate;
import network.chiral.signaling.api.ErrorCode;
import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.TrafficEvents;
import network.chiral.signaling.server.routing.PeerDirectory.Delivery;
import network.chiral.signaling.server.routing.PeerDirectory.LateOutcomes;

/**
 * The one place where a refusal becomes the {@code error} a client gets, and where a relay's
 * delivery outcome becomes its sender's answer, whether the outcome is known at once or
 * arrives later from another node.
 */
public final class Answers implements LateOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(Answers.class);

    private final SignalCodec codec;
    private final TrafficEvents events;

    public Answers(SignalCodec codec, TrafficEvents events) {
        this.codec = codec;
        this.events = events;
    }

    /** Sends {@code peer} the reply to a message the server will not carry out. */
    void refuse(Peer peer, Refusal refusal) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("refused from {}: {} {}", peer, refusal.code().wireName(), refusal.getMessage());
        }
        events.errorSent(refusal.code());
        peer.send(refusal.reply());
    }

    /** Turns a failed delivery into the sender's refusal; candidates to nobody are not answered. */
    void report(Relay relay, Delivery delivery) throws Refusal {
        switch (delivery) {
            case NOT_FOUND:
                if (!(relay instanceof Candidate)) {
                    throw new Refusal(ErrorCode.PEER_NOT_FOUND, "Peer " + ClientIds.shown(relay.to()) + " not found");
                }
                // Candidates trail their offer; one for a peer that has gone is expected, not an error.
                break;
            case UNAVAILABLE:
            case DROPPED:
                // Also a receiver being disconnected (closing, or its queue full): it did not get this.
                throw new Refusal(ErrorCode.UNAVAILABLE, "Peer " + ClientIds.shown(relay.to()) + " cannot be reached right now");
            case DELIVERED:
            case FORWARDED:
            default:
                events.relayed(Protocol.label(codec, relay.message()));
                break;
        }
    }

    /** A relay that the directory accepted turned out undeliverable: the sender hears it as usual. */
    @Override
    public void undelivered(Peer sender, Relay relay, Delivery outcome) {
        try {
            report(relay, outcome);
        } catch (Refusal refusal) {
            refuse(sender, refusal);
        }
    }
}
