package network.chiral.signaling.api;

import java.lang.reflect.Type;

import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;

/**
 * Deserialisers that make JSON-B as strict as the protocol: Yasson would otherwise turn
 * {@code "clientId": 12} into {@code "12"} and {@code "ts": "12"} into {@code 12}.
 */
final class StrictScalars {
    private StrictScalars() {
    }

    /** Accepts only a JSON string, or {@code null} (left to the record to reject if required). */
    static final class StrictString implements JsonbDeserializer<String> {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context, Type type) {
            JsonValue value = parser.getValue();
            if (value instanceof JsonString string) {
                return string.getString();
            }
            if (value == JsonValue.NULL) {
                return null;
            }
            throw new JsonbException("expected a string");
        }
    }

    /** Accepts only an integral JSON number that fits a long. */
    static final class StrictLong implements JsonbDeserializer<Long> {
        /** "-9223372036854775808" and a little room for an exponent: longer texts cannot fit. */
        private static final int MAX_TEXT = 24;

        @Override
        public Long deserialize(JsonParser parser, DeserializationContext context, Type type) {
            // Refused by length before Parsson makes a BigDecimal of it, which costs time
            // quadratic in the digits (and is capped at 1100 with an unhelpful text).
            if (textLength(parser) > MAX_TEXT) {
                throw new JsonbException("integer out of range");
            }
            JsonValue value = parser.getValue();
            if (value == JsonValue.NULL) {
                return null;
            }
            if (value instanceof JsonNumber number && number.isIntegral()) {
                try {
                    return number.longValueExact();
                } catch (ArithmeticException e) {
                    throw new JsonbException("integer out of range", e);
                }
            }
            throw new JsonbException("expected an integer");
        }

        /** The length of a number's or string's text; 0 for the other events, which have none. */
        private static int textLength(JsonParser parser) {
            try {
                return parser.getString().length();
            } catch (IllegalStateException noText) {
                return 0;
            }
        }
    }
}
