package network.chiral.signaling.api;

/**
 * Client to server: bind {@code clientId} to this socket. Answered with {@link Peers}.
 *
 * @param clientId the id other peers will use to reach this socket
 */
public record Register(String clientId) implements SignalMessage {
    public Register {
        Fields.require(clientId, "register", "clientId");
    }
}
