package network.chiral.signaling.server.protocol;

import network.chiral.signaling.api.ErrorCode;
import network.chiral.signaling.api.ErrorMessage;

/**
 * A client's message that the server will not carry out. Thrown anywhere in the domain and
 * turned into an {@code error} reply in exactly one place, {@link Answers}.
 */
public final class Refusal extends Exception {
    private final ErrorCode code;
    private final boolean closes;

    public Refusal(ErrorCode code, String message) {
        this(code, message, false);
    }

    private Refusal(ErrorCode code, String message, boolean closes) {
        super(message, null, false, false);
        this.code = code;
        this.closes = closes;
    }

    /** A refusal after which the socket is closed with 1008 (the reply is sent first). */
    public static Refusal closing(ErrorCode code, String message) {
        return new Refusal(code, message, true);
    }

    /** Whether the socket is closed with 1008 after the reply. */
    public boolean closes() {
        return closes;
    }

    public ErrorCode code() {
        return code;
    }

    /** The reply the client gets. */
    public ErrorMessage reply() {
        return ErrorMessage.of(code, getMessage());
    }
}
