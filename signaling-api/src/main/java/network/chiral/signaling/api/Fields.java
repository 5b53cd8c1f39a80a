package network.chiral.signaling.api;

import jakarta.json.JsonValue;

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

    static JsonValue requirePayload(JsonValue value, String type, String field) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw new MissingFieldException(type, field);
        }
        return value;
    }
}
