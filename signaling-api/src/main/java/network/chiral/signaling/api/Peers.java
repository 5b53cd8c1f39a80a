package network.chiral.signaling.api;

import java.util.List;

import jakarta.json.bind.annotation.JsonbCreator;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * Server to client, in reply to {@link Register}: the registered ids, the caller's included.
 *
 * @param peers      registered ids, at most the server's list limit of them
 * @param total      how many peers are registered in all (additive: the original server had no
 *                   such field, so older clients ignore it)
 * @param iceServers STUN/TURN servers with credentials for this client, when the server is
 *                   configured with them (additive; absent otherwise)
 * @param resume     for a client that said it can resume: the token that gives its id back to its
 *                   next socket (additive; absent otherwise)
 */
@JsonbPropertyOrder({"peers", "total", "iceServers", "resume"})
public record Peers(List<String> peers, Integer total, List<IceServer> iceServers, String resume) implements SignalMessage {
    /** The canonical constructor, marked for JSON-B because the record has a second one. */
    @JsonbCreator
    public Peers(@JsonbProperty("peers") List<String> peers, @JsonbProperty("total") Integer total,
                 @JsonbProperty("iceServers") List<IceServer> iceServers, @JsonbProperty("resume") String resume) {
        this.peers = List.copyOf(Fields.require(peers, "peers", "peers"));
        this.total = total;
        this.iceServers = iceServers == null ? null : List.copyOf(iceServers);
        this.resume = resume;
    }

    /** A reply without a resume token. */
    public Peers(List<String> peers, Integer total, List<IceServer> iceServers) {
        this(peers, total, iceServers, null);
    }

    /** A reply without ICE servers. */
    public Peers(List<String> peers, Integer total) {
        this(peers, total, null, null);
    }
}
