package network.chiral.signaling.api;

import java.util.List;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * Server to client, in reply to {@link Register}: the registered ids, the caller's included.
 *
 * @param peers registered ids, at most the server's list limit of them
 * @param total how many peers are registered in all (additive: the original server had no
 *              such field, so older clients ignore it)
 */
@JsonbPropertyOrder({"peers", "total"})
public record Peers(List<String> peers, Integer total) implements SignalMessage {
    public Peers {
        peers = List.copyOf(Fields.require(peers, "peers", "peers"));
    }
}
