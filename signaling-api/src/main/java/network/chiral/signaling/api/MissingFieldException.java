package network.chiral.signaling.api;

/** A required field of a message is absent or {@code null}, or holds a value not allowed. */
public final class MissingFieldException extends IllegalArgumentException {
    MissingFieldException(String type, String field) {
        super("'" + type + "' requires field '" + field + "'");
    }

    /** A field present with a value outside the ones allowed. */
    MissingFieldException(String type, String field, String allowed) {
        super("field '" + field + "' of '" + type + "' must be " + allowed);
    }
}
