package network.chiral.signaling.server.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What travels through a node's inbox channel: a relay for one of its peers, a relay coming
 * back undelivered, and the probes and receipts by which a node learns that another one has
 * read its relays. A relay's frame is the message as the receiver gets it ({@code from}
 * already stamped by the sender's node).
 */
sealed interface Envelope {

    /** Ids a {@link Delivered} may carry in one message. */
    int IDS_PER_RECEIPT = 1000;

    /**
     * A relay for a peer of the receiving node, sent by a peer of {@code origin}.
     *
     * @param id        the relay's number on {@code origin}, by which it is answered for
     * @param expiresAt the wall-clock time (milliseconds since the epoch) after which the
     *                  receiving node must not deliver it: its sender may have been told
     *                  {@code unavailable} by then
     */
    record Forward(String origin, long id, long expiresAt, String frame) implements Envelope {
    }

    /** Why a forwarded relay came back. */
    enum Reason {
        /** Nobody holds its {@code to} on that node any more. */
        GONE,
        /** Its receiver is being disconnected (closing, or its queue full). */
        REFUSED,
        /** It arrived after its {@code expiresAt}. */
        STALE
    }

    /**
     * Relay {@code id} of the receiving node, back undelivered. {@code frame} is the relay as
     * sent when the reason is {@link Reason#GONE} (so it can be routed again), else empty.
     */
    record Returned(long id, Reason reason, String frame) implements Envelope {
    }

    /**
     * Sent by {@code origin} after relays to the receiving node; answering it confirms that
     * every one of them was read (see {@link Confirmations}).
     */
    record Probe(String origin, long id) implements Envelope {
    }

    /**
     * {@code node}'s answer to probe {@code id}. {@code epoch} names the subscription that read
     * the relays: it changes when the subscription was lost (and with it whatever Redis had not
     * yet passed on), so an answer from a new one cannot vouch for relays sent to the old.
     * {@code unwritten} are relays read but not yet written to their receivers' sockets: the
     * answer does not vouch for them (a receipt or a return will).
     */
    record Confirm(String node, long id, long epoch, List<Long> unwritten) implements Envelope {
        Confirm(String node, long id, long epoch) {
            this(node, id, epoch, List.of());
        }
    }

    /**
     * From {@code node}, leaving the cluster or back from losing Redis: relays of the receiving
     * node that it delivered and no probe has confirmed yet.
     */
    record Delivered(String node, List<Long> ids) implements Envelope {
    }

    /**
     * From {@code origin}, where a socket registers {@code id} which the receiving node holds:
     * give it up if its socket is gone (probe it), or at once if {@code proven} or if
     * {@code resume} (empty: none) is the token that socket was offered, and answer
     * {@link Reclaimed} with {@code request}.
     */
    record Reclaim(String origin, long request, boolean proven, String resume, String id) implements Envelope {
    }

    /** The answer to {@link Reclaim} {@code request}: whether the id is free now. */
    record Reclaimed(long request, boolean freed) implements Envelope {
    }

    /** This envelope as the channel message. */
    default String encode() {
        if (this instanceof Forward forward) {
            return "forward " + forward.origin() + " " + forward.id() + " " + forward.expiresAt() + "\n" + forward.frame();
        }
        if (this instanceof Returned returned) {
            return "returned " + returned.id() + " " + returned.reason().name().toLowerCase(java.util.Locale.ROOT)
                    + "\n" + returned.frame();
        }
        if (this instanceof Probe probe) {
            return "probe " + probe.origin() + " " + probe.id() + "\n";
        }
        if (this instanceof Reclaim reclaim) {
            return "reclaim " + reclaim.origin() + " " + reclaim.request() + " " + (reclaim.proven() ? 1 : 0) + " "
                    + (reclaim.resume().isEmpty() ? "-" : reclaim.resume()) + "\n" + reclaim.id();
        }
        if (this instanceof Reclaimed reclaimed) {
            return "reclaimed " + reclaimed.request() + " " + (reclaimed.freed() ? 1 : 0) + "\n";
        }
        if (this instanceof Delivered delivered) {
            StringBuilder text = new StringBuilder("delivered ").append(delivered.node());
            for (long id : delivered.ids()) {
                text.append(' ').append(id);
            }
            return text.append('\n').toString();
        }
        Confirm confirm = (Confirm) this;
        StringBuilder text = new StringBuilder("confirm ").append(confirm.node()).append(' ').append(confirm.id())
                .append(' ').append(confirm.epoch());
        for (long id : confirm.unwritten()) {
            text.append(' ').append(id);
        }
        return text.append('\n').toString();
    }

    /** Parses a channel message; empty for anything this version does not know. */
    static Optional<Envelope> decode(String payload) {
        int newline = payload.indexOf('\n');
        if (newline < 0) {
            return Optional.empty();
        }
        String[] words = payload.substring(0, newline).split(" ", -1);
        String frame = payload.substring(newline + 1);
        try {
            switch (words[0]) {
                case "forward":
                    return words.length == 4 && !words[1].isEmpty()
                            ? Optional.of(new Forward(words[1], number(words[2]), Long.parseLong(words[3]), frame))
                            : Optional.empty();
                case "returned":
                    return words.length == 3
                            ? Optional.of(new Returned(number(words[1]), Reason.valueOf(words[2].toUpperCase(java.util.Locale.ROOT)), frame))
                            : Optional.empty();
                case "probe":
                    return words.length == 3 && !words[1].isEmpty()
                            ? Optional.of(new Probe(words[1], number(words[2])))
                            : Optional.empty();
                case "confirm":
                    return words.length >= 4 && !words[1].isEmpty()
                            ? Optional.of(new Confirm(words[1], number(words[2]), Long.parseLong(words[3]), numbers(words, 4)))
                            : Optional.empty();
                case "reclaim":
                    return words.length == 5 && !words[1].isEmpty() && !words[4].isEmpty() && !frame.isEmpty()
                            ? Optional.of(new Reclaim(words[1], number(words[2]), flag(words[3]),
                                    words[4].equals("-") ? "" : words[4], frame))
                            : Optional.empty();
                case "reclaimed":
                    return words.length == 3
                            ? Optional.of(new Reclaimed(number(words[1]), flag(words[2])))
                            : Optional.empty();
                case "delivered":
                    return words.length >= 2 && !words[1].isEmpty()
                            ? Optional.of(new Delivered(words[1], numbers(words, 2)))
                            : Optional.empty();
                default:
                    return Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            // NumberFormatException included: a message this version cannot read is ignored.
            return Optional.empty();
        }
    }

    /** Relay numbers from {@code words[from]} on: at most {@link #IDS_PER_RECEIPT} of them. */
    private static List<Long> numbers(String[] words, int from) {
        if (words.length - from > IDS_PER_RECEIPT) {
            throw new IllegalArgumentException("too many relay numbers: " + (words.length - from));
        }
        List<Long> ids = new ArrayList<>(words.length - from);
        for (int i = from; i < words.length; i++) {
            ids.add(number(words[i]));
        }
        return ids;
    }

    private static boolean flag(String word) {
        return switch (word) {
            case "1" -> true;
            case "0" -> false;
            default -> throw new IllegalArgumentException("not a flag: " + word);
        };
    }

    /** A relay or probe number: positive, at most 18 digits. */
    private static long number(String word) {
        if (!word.matches("[0-9]{1,18}")) {
            throw new IllegalArgumentException("not a number: " + word);
        }
        return Long.parseLong(word);
    }
}
