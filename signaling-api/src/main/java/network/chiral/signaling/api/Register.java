package network.chiral.signaling.api;

import jakarta.json.bind.annotation.JsonbCreator;
import jakarta.json.bind.annotation.JsonbProperty;

/**
 * Client to server: bind {@code clientId} to this socket. Answered with {@link Peers}.
 *
 * @param clientId the id other peers will use to reach this socket
 * @param token    optional credential (a JWT or an API key) for servers that require one and
 *                 did not get it at the upgrade (additive: older clients never send it)
 * @param updates  how the socket wants to hear of peers coming and going: {@code "list"} (the
 *                 default: fresh {@code peers} lists) or {@code "delta"} ({@code peer-joined}
 *                 and {@code peer-left}); additive
 * @param resume   present when the client can resume: empty on a first register, else the
 *                 token of the {@code peers} reply its previous socket got, which gives it its id
 *                 back at once (additive: older clients never send it)
 */
public record Register(String clientId, String token, String updates, String resume) implements SignalMessage {
    /** Fresh {@code peers} lists: what every client gets unless it asks otherwise. */
    public static final String LIST = "list";
    /** {@code peer-joined} and {@code peer-left} messages instead of lists. */
    public static final String DELTA = "delta";

    /** The canonical constructor, marked for JSON-B because the record has others. */
    @JsonbCreator
    public Register(@JsonbProperty("clientId") String clientId, @JsonbProperty("token") String token,
                    @JsonbProperty("updates") String updates, @JsonbProperty("resume") String resume) {
        this.clientId = Fields.require(clientId, "register", "clientId");
        this.token = token;
        if (updates != null && !updates.equals(LIST) && !updates.equals(DELTA)) {
            throw new MissingFieldException("register", "updates", "'list' or 'delta'");
        }
        this.updates = updates;
        this.resume = resume;
    }

    /** A register with a token and how it wants updates, not asking to resume. */
    public Register(String clientId, String token, String updates) {
        this(clientId, token, updates, null);
    }

    /** A register with a token and the default updates. */
    public Register(String clientId, String token) {
        this(clientId, token, null, null);
    }

    /** A register without a token, as the original protocol has it. */
    public Register(String clientId) {
        this(clientId, null, null, null);
    }

    /** Whether the socket asked for deltas instead of lists. */
    public boolean wantsDeltas() {
        return DELTA.equals(updates);
    }

    /** Whether the client can resume (it sent {@code resume}, a token or empty). */
    public boolean canResume() {
        return resume != null;
    }

    @Override
    public String toString() {
        // A record prints every component; a credential must never reach a log.
        return "Register[clientId=" + clientId + (token == null ? "" : ", token=(redacted)")
                + (resume == null ? "" : ", resume=(redacted)") + "]";
    }
}
