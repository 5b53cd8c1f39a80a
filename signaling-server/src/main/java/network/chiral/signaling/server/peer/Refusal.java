package network.chiral.signaling.server.peer;

import network.chiral.signaling.api.ErrorCode;
import network.chiral.signaling.api.ErrorMessage;

/**
 * A client's message that the server will not carry out. Thrown anywhere in the domain and
 * turned into an {@code error} reply in exactly one place, {@link Signaling#receive}.
 */
public final class Refusal extends Exception {
    private final ErrorCode code;

    public Refusal(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The reply the client gets. */
    public ErrorMessage reply() {
        return ErrorMessage.of(code, getMessage());
    }
}
