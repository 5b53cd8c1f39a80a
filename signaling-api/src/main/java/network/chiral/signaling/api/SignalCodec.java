package network.chiral.signaling.api;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
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
 *
 * <p>Relays ({@link Offer}, {@link Answer}, {@link Candidate}) are nearly every frame a busy
 * server sees, so they take a shorter path to the same records: one streaming pass reads
 * {@code from}, {@code to} and the payload with the same strictness, and encoding writes the
 * same bytes Yasson would with a generator. Everything else goes through JSON-B. The JSON-P
 * provider is looked up once: {@code Json.createParser} runs a {@code ServiceLoader} lookup on
 * every call, which cost more than the parsing itself.
 */
public final class SignalCodec implements AutoCloseable {
    private static final int MAX_ECHOED_TYPE = 32;

    private final Jsonb jsonb;
    private final Map<String, Class<?>> typesByAlias;
    private final Map<Class<?>, String> aliasesByType;
    /** The same lookup, cached on each record class: it runs for every relay (encoding, metrics). */
    private final ClassValue<String> aliasOf = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return aliasesByType.get(type);
        }
    };
    private final JsonParserFactory parsers;
    private final JsonGeneratorFactory generators;

    public SignalCodec() {
        JsonProvider provider = JsonProvider.provider();
        this.parsers = provider.createParserFactory(Map.of());
        this.generators = provider.createGeneratorFactory(Map.of());
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
        return aliasOf.get(message.getClass());
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
        String alias = typeOf(frame);
        switch (alias) {
            case "offer":
            case "answer":
            case "candidate":
                return decodeRelay(alias, frame);
            default:
                break;
        }
        Class<?> type = typesByAlias.get(alias);
        try {
            return (SignalMessage) jsonb.fromJson(frame, type);
        } catch (JsonbException | JsonException e) {
            throw new MalformedMessageException(explain(e));
        }
    }

    /** Writes one message as a frame, {@code type} first. */
    public String encode(SignalMessage message) {
        if (message instanceof Relay relay) {
            return encodeRelay(relay);
        }
        // toJson(message, SignalMessage.class) would write "{}": the runtime type carries the alias.
        return jsonb.toJson(message);
    }

    /**
     * Reads a relay in one streaming pass with JSON-B's rules as configured here: {@code from}
     * and {@code to} must be strings or null, the payload may be any value, unknown keys are
     * ignored, and the records' constructors reject what is missing.
     */
    private SignalMessage decodeRelay(String alias, String frame) throws MalformedMessageException {
        String payloadKey = alias.equals("candidate") ? "candidate" : "sdp";
        String from = null;
        String to = null;
        JsonValue payload = null;
        try (JsonParser parser = parsers.createParser(new StringReader(frame))) {
            parser.next();
            while (parser.hasNext()) {
                JsonParser.Event event = parser.next();
                if (event == JsonParser.Event.END_OBJECT) {
                    break;
                }
                String key = parser.getString();
                JsonParser.Event value = parser.next();
                if (key.equals("from")) {
                    from = stringOrNull(parser, value, key);
                } else if (key.equals("to")) {
                    to = stringOrNull(parser, value, key);
                } else if (key.equals(payloadKey)) {
                    payload = parser.getValue();
                } else {
                    skip(parser, value);
                }
            }
            // Anything after the object is as malformed as a broken object.
            if (parser.hasNext()) {
                throw new MalformedMessageException("the frame is not valid JSON");
            }
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            throw new MalformedMessageException("the frame is not valid JSON");
        }
        try {
            switch (alias) {
                case "offer":
                    return new Offer(from, to, payload);
                case "answer":
                    return new Answer(from, to, payload);
                default:
                    return new Candidate(from, to, payload);
            }
        } catch (MissingFieldException missing) {
            throw new MalformedMessageException(missing.getMessage());
        }
    }

    private static String stringOrNull(JsonParser parser, JsonParser.Event value, String key)
            throws MalformedMessageException {
        if (value == JsonParser.Event.VALUE_STRING) {
            return parser.getString();
        }
        if (value == JsonParser.Event.VALUE_NULL) {
            return null;
        }
        throw new MalformedMessageException("field '" + key + "' has the wrong type");
    }

    /** Writes a relay exactly as JSON-B would: type, from (when set), to, payload. */
    private String encodeRelay(Relay relay) {
        SignalMessage message = relay.message();
        StringWriter out = new StringWriter(256 + (relay.payload() == null ? 0 : 2048));
        try (JsonGenerator generator = generators.createGenerator(out)) {
            generator.writeStartObject();
            generator.write("type", typeName(message));
            if (relay.from() != null) {
                generator.write("from", relay.from());
            }
            generator.write("to", relay.to());
            generator.write(message instanceof Candidate ? "candidate" : "sdp", relay.payload());
            generator.writeEnd();
        }
        return out.toString();
    }

    /** The value of the top-level {@code type} key, checked against the known aliases. */
    private String typeOf(String frame) throws MalformedMessageException {
        try (JsonParser parser = parsers.createParser(new StringReader(frame))) {
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
