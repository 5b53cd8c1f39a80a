package network.chiral.signaling.api;

/** Presence checks shared by the message records' constructors. */
final class Fields {
    private Fields() {
    }

    static <T> T require(T value, String type, String field) {
        if (value == null) {
            throw new MissingFieldException(type, field);
        }
        return value;
    }

    static Payload requirePayload(Payload value, String type, String field) {
        if (value == null || value.isNull()) {
            throw new MissingFieldException(type, field);
        }
        return value;
    }
}
