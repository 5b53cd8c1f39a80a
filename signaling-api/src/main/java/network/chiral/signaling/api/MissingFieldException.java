package network.chiral.signaling.api;

/** A required field of a message is absent or {@code null}. */
public final class MissingFieldException extends IllegalArgumentException {
    MissingFieldException(String type, String field) {
        super("'" + type + "' requires field '" + field + "'");
    }
}
