package network.chiral.signaling.api;

import jakarta.json.bind.annotation.JsonbCreator;
import jakarta.json.bind.annotation.JsonbProperty;

/**
 * Client to server: bind {@code clientId} to this socket. Answered with {@link Peers}.
 *
 * @param clientId the id other peers will use to reach this socket
 * @param token    optional credential (a JWT or an API key) for servers that require one and
 *                 did not get it at the upgrade (additive: older clients never send it)
 */
public record Register(String clientId, String token) implements SignalMessage {
    /** The canonical constructor, marked for JSON-B because the record has a second one. */
    @JsonbCreator
    public Register(@JsonbProperty("clientId") String clientId, @JsonbProperty("token") String token) {
        this.clientId = Fields.require(clientId, "register", "clientId");
        this.token = token;
    }

    /** A register without a token, as the original protocol has it. */
    public Register(String clientId) {
        this(clientId, null);
    }

    @Override
    public String toString() {
        // A record prints every component; a credential must never reach a log.
        return "Register[clientId=" + clientId + (token == null ? "" : ", token=(redacted)") + "]";
    }
}
