package network.chiral.signaling.api;

import java.io.StringReader;
import java.lang.reflect.Type;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;
import jakarta.json.bind.annotation.JsonbTypeSerializer;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;

/**
 * The opaque part of a relay: the {@code sdp} of an offer or answer, the {@code candidate} of
 * a candidate. It is one JSON value of any kind, kept as the text the sender wrote, so the
 * receiver gets it exactly as sent (key order, number spelling, escapes) and the server never
 * reads it into objects only to write it out again.
 *
 * <p>Two payloads are equal when their texts are: {@code {"a":1}} and {@code { "a": 1 }} are
 * the same value but not the same payload. {@link SignalCodec} decodes a payload only from a
 * frame it has checked, so its text is always exactly one well-formed JSON value.
 */
@JsonbTypeSerializer(Payload.Writer.class)
@JsonbTypeDeserializer(Payload.Reader.class)
public final class Payload {
    private final String json;

    private Payload(String json) {
        this.json = json;
    }

    /** The payload that is this value, written as compact JSON. */
    public static Payload of(JsonValue value) {
        // JsonValue.toString() is specified to return the value's JSON text.
        return new Payload(value.toString());
    }

    /** A payload cut from a frame that has been parsed and found well-formed. */
    static Payload verbatim(String json) {
        return new Payload(json);
    }

    /** The payload's JSON text, as the sender wrote it. */
    public String json() {
        return json;
    }

    /** The payload read into a JSON-P value (parses the text on each call). */
    public JsonValue value() {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }

    /** Whether the payload is JSON {@code null}, which no relay may carry. */
    boolean isNull() {
        return json.equals("null");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Payload payload && payload.json.equals(json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    @Override
    public String toString() {
        return json;
    }

    /** Lets plain JSON-B write a payload as the value it is, not as an object with a field. */
    public static final class Writer implements JsonbSerializer<Payload> {
        @Override
        public void serialize(Payload payload, JsonGenerator generator, SerializationContext context) {
            generator.write(payload.value());
        }
    }

    /** Lets plain JSON-B read any JSON value as a payload. */
    public static final class Reader implements JsonbDeserializer<Payload> {
        @Override
        public Payload deserialize(JsonParser parser, DeserializationContext context, Type type) {
            return of(parser.getValue());
        }
    }
}
