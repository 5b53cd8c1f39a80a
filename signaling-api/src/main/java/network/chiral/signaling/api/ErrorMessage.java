package network.chiral.signaling.api;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * Server to client: something the client sent was refused.
 *
 * @param code    machine-readable reason, one of {@link ErrorCode}'s wire names (additive:
 *                the original server sent only {@code message})
 * @param message human-readable explanation
 */
@JsonbPropertyOrder({"code", "message"})
public record ErrorMessage(String code, String message) implements SignalMessage {
    public ErrorMessage {
        Fields.require(message, "error", "message");
    }

    /** An error reply with the given code. */
    public static ErrorMessage of(ErrorCode code, String message) {
        return new ErrorMessage(code.wireName(), message);
    }
}
