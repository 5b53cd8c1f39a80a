package network.chiral.signaling.api;

import java.io.StringReader;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

/**
 * Turns frames into {@link SignalMessage}s and back. JSON-B is configured once here and the
 * instance is thread-safe: create one and share it (server, tests and load tool all do).
 *
 * <p>Decoding reads the {@code type} key with a streaming parser (it is nearly always the
 * first key, so this costs little) and then binds the concrete record. Binding the interface
 * instead would make Yasson buffer the whole object and hand custom deserialisers a parser
 * that cannot tell a string from a number, so {@code "clientId": 12} would slip through as
 * {@code "12"}.
 */
public final class SignalCodec implements AutoCloseable {
    private static final int MAX_ECHOED_TYPE = 32;

    private final Jsonb jsonb;
    private final Map<String, Class<?>> typesByAlias;
    private final Map<Class<?>, String> aliasesByType;

    public SignalCodec() {
        this.jsonb = JsonbBuilder.create(new JsonbConfig()
                .withFormatting(false)
                .withDeserializers(
                        new StrictScalars.StrictString(),
                        new StrictScalars.StrictLong(),
                        new StrictScalars.AnyValue()));
        this.typesByAlias = aliases();
        this.aliasesByType = typesByAlias.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));
    }

    /** The {@code type} a message has on the wire, such as {@code "offer"}. */
    public String typeName(SignalMessage message) {
        return aliasesByType.get(message.getClass());
    }

    /** The {@code type} aliases declared on {@link SignalMessage}, with their records. */
    static Map<String, Class<?>> aliases() {
        JsonbTypeInfo info = SignalMessage.class.getAnnotation(JsonbTypeInfo.class);
        return Stream.of(info.value())
                .collect(Collectors.toUnmodifiableMap(JsonbSubtype::alias, JsonbSubtype::type));
    }

    /**
     * Parses one frame.
     *
     * @throws MalformedMessageException when the frame is not a well-formed message; its text
     *                                   says what is wrong and is safe to show the client
     */
    public SignalMessage decode(String frame) throws MalformedMessageException {
        Class<?> type = typesByAlias.get(typeOf(frame));
        try {
            return (SignalMessage) jsonb.fromJson(frame, type);
        } catch (JsonbException | JsonException e) {
            throw new MalformedMessageException(explain(e));
        }
    }

    /** Writes one message as a frame, {@code type} first. */
    public String encode(SignalMessage message) {
        // toJson(message, SignalMessage.class) would write "{}": the runtime type carries the alias.
        return jsonb.toJson(message);
    }

    /** The value of the top-level {@code type} key, checked against the known aliases. */
    private String typeOf(String frame) throws MalformedMessageException {
        try (JsonParser parser = Json.createParser(new StringReader(frame))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw new MalformedMessageException("a message must be a JSON object");
            }
            while (parser.hasNext()) {
                JsonParser.Event event = parser.next();
                if (event == JsonParser.Event.END_OBJECT) {
                    break;
                }
                String key = parser.getString();
                JsonParser.Event value = parser.next();
                if ("type".equals(key)) {
                    if (value != JsonParser.Event.VALUE_STRING) {
                        throw new MalformedMessageException("field 'type' must be a string");
                    }
                    String alias = parser.getString();
                    if (!typesByAlias.containsKey(alias)) {
                        throw new MalformedMessageException("unknown message type '" + shorten(alias) + "'");
                    }
                    return alias;
                }
                skip(parser, value);
            }
            throw new MalformedMessageException("a message requires a string field 'type'");
        } catch (JsonParsingException e) {
            throw new MalformedMessageException("the frame is not valid JSON");
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            throw new MalformedMessageException("the frame is not valid JSON");
        }
    }

    private static void skip(JsonParser parser, JsonParser.Event value) {
        if (value == JsonParser.Event.START_OBJECT) {
            parser.skipObject();
        } else if (value == JsonParser.Event.START_ARRAY) {
            parser.skipArray();
        }
    }

    private static String explain(Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MissingFieldException missing) {
                return missing.getMessage();
            }
            if (t instanceof JsonParsingException) {
                return "the frame is not valid JSON";
            }
        }
        String detail = failure.getMessage();
        // Yasson names the property; that much is useful and never echoes client data.
        if (detail != null && detail.startsWith("Unable to deserialize property '")) {
            int end = detail.indexOf('\'', "Unable to deserialize property '".length());
            if (end > 0) {
                return "field '" + detail.substring("Unable to deserialize property '".length(), end)
                        + "' has the wrong type";
            }
        }
        return "a field has the wrong type";
    }

    private static String shorten(String text) {
        return text.length() <= MAX_ECHOED_TYPE ? text : text.substring(0, MAX_ECHOED_TYPE) + "...";
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }
}
