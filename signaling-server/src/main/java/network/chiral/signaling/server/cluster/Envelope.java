package network.chiral.signaling.server.cluster;

import java.util.Optional;

/**
 * What travels through a node's inbox channel: a relay for one of its peers, or a relay
 * coming back because the peer had already left that node. The message itself is the frame
 * as the receiver gets it ({@code from} already stamped by the sender's node).
 */
sealed interface Envelope {

    /** The encoded relay. */
    String frame();

    /** A relay for a peer of the receiving node, sent by a peer of {@code origin}. */
    record Forward(String origin, String frame) implements Envelope {
    }

    /** A relay that found no receiver on the node it was sent to; back to the sender's node. */
    record Bounce(String frame) implements Envelope {
    }

    /** This envelope as the channel message. */
    default String encode() {
        if (this instanceof Forward forward) {
            return "relay " + forward.origin() + "\n" + frame();
        }
        return "bounce\n" + frame();
    }

    /** Parses a channel message; empty for anything this version does not know. */
    static Optional<Envelope> decode(String payload) {
        int newline = payload.indexOf('\n');
        if (newline < 0) {
            return Optional.empty();
        }
        String header = payload.substring(0, newline);
        String frame = payload.substring(newline + 1);
        if (header.startsWith("relay ") && header.length() > 6) {
            return Optional.of(new Forward(header.substring(6), frame));
        }
        if (header.equals("bounce")) {
            return Optional.of(new Bounce(frame));
        }
        return Optional.empty();
    }
}
