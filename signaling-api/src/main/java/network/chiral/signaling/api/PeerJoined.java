package network.chiral.signaling.api;

/**
 * Server to client, for sockets that asked for updates as deltas at {@code register}
 * ({@code "updates":"delta"}): {@code id} has registered since the last update.
 *
 * @param id the peer that registered
 */
public record PeerJoined(String id) implements SignalMessage {
    public PeerJoined {
        Fields.require(id, "peer-joined", "id");
    }
}
