package network.chiral.signaling.server.cluster;

import java.util.Optional;

/**
 * What travels through a node's inbox channel: a relay for one of its peers, a relay coming
 * back because the peer had already left that node, and the probes by which a node learns
 * that another one has read its relays. A relay's message is the frame as the receiver gets
 * it ({@code from} already stamped by the sender's node).
 */
sealed interface Envelope {

    /** A relay for a peer of the receiving node, sent by a peer of {@code origin}. */
    record Forward(String origin, String frame) implements Envelope {
    }

    /** A relay that found no receiver on the node it was sent to; back to the sender's node. */
    record Bounce(String frame) implements Envelope {
    }

    /**
     * Sent by {@code origin} after relays to the receiving node; answering it confirms that
     * every one of them was read (see {@link Confirmations}).
     */
    record Probe(String origin, long id) implements Envelope {
    }

    /** {@code node}'s answer to probe {@code id}. */
    record Confirm(String node, long id) implements Envelope {
    }

    /** This envelope as the channel message. */
    default String encode() {
        if (this instanceof Forward forward) {
            return "relay " + forward.origin() + "\n" + forward.frame();
        }
        if (this instanceof Bounce bounce) {
            return "bounce\n" + bounce.frame();
        }
        if (this instanceof Probe probe) {
            return "probe " + probe.origin() + " " + probe.id() + "\n";
        }
        Confirm confirm = (Confirm) this;
        return "confirm " + confirm.node() + " " + confirm.id() + "\n";
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
        String[] words = header.split(" ", -1);
        if (words.length == 3 && !words[1].isEmpty() && words[2].matches("[0-9]{1,18}")) {
            long id = Long.parseLong(words[2]);
            if (words[0].equals("probe")) {
                return Optional.of(new Probe(words[1], id));
            }
            if (words[0].equals("confirm")) {
                return Optional.of(new Confirm(words[1], id));
            }
        }
        return Optional.empty();
    }
}
