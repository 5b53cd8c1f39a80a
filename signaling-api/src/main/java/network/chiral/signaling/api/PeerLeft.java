package network.chiral.signaling.api;

/**
 * Server to client, for sockets that asked for updates as deltas at {@code register}
 * ({@code "updates":"delta"}): {@code id} is no longer registered.
 *
 * @param id the peer that left
 */
public record PeerLeft(String id) implements SignalMessage {
    public PeerLeft {
        Fields.require(id, "peer-left", "id");
    }
}
