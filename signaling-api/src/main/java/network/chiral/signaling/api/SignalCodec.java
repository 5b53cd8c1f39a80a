package network.chiral.signaling.api;

import java.io.StringReader;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.json.JsonException;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.json.spi.JsonProvider;
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
 * {@code from} and {@code to} and checks the payload with the same strictness, keeping the
 * payload's text as it stands ({@link Payload}); encoding writes the keys in JSON-B's order and
 * the payload's text unchanged. Everything else goes through JSON-B. The JSON-P
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
    private final JsonProvider provider;
    private final JsonParserFactory parsers;

    public SignalCodec() {
        this.provider = JsonProvider.provider();
        this.parsers = provider.createParserFactory(Map.of());
        this.jsonb = JsonbBuilder.create(new JsonbConfig()
                .withFormatting(false)
                .withDeserializers(
                        new StrictScalars.StrictString(),
                        new StrictScalars.StrictLong()));
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
        // Nearly every frame is a relay with its type first: then one parser reads all of it.
        String leading;
        try (JsonParser parser = parsers.createParser(new StringReader(frame))) {
            leading = leadingType(parser);
            if (leading != null && isRelay(leading)) {
                return decodeRelay(leading, frame, parser);
            }
        }
        // A known type read first is what typeOf would find; anything else it explains.
        String alias = leading != null && typesByAlias.containsKey(leading) ? leading : typeOf(frame);
        if (isRelay(alias)) {
            try (JsonParser parser = parsers.createParser(new StringReader(frame))) {
                parser.next();
                return decodeRelay(alias, frame, parser);
            }
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

    private static boolean isRelay(String alias) {
        return alias.equals("offer") || alias.equals("answer") || alias.equals("candidate");
    }

    /**
     * The {@code type} of a frame whose first key it is, leaving the parser after it; {@code null}
     * when the frame starts otherwise, or is broken (the slow path then says how).
     */
    private static String leadingType(JsonParser parser) {
        try {
            if (parser.next() == JsonParser.Event.START_OBJECT
                    && parser.next() == JsonParser.Event.KEY_NAME
                    && parser.getString().equals("type")
                    && parser.next() == JsonParser.Event.VALUE_STRING) {
                return parser.getString();
            }
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            // Read again from the start, on the path that explains what is wrong.
        }
        return null;
    }

    /**
     * Reads the rest of a relay's object from {@code parser} with JSON-B's rules as configured
     * here: {@code from} and {@code to} must be strings or null, the payload may be any value,
     * unknown keys (a repeated {@code type} among them) are ignored, and the records'
     * constructors reject what is missing. The payload is walked event by event, so it is checked
     * as strictly as the rest of the frame, and then cut out of the frame's text as it stands.
     */
    private SignalMessage decodeRelay(String alias, String frame, JsonParser parser) throws MalformedMessageException {
        String payloadKey = alias.equals("candidate") ? "candidate" : "sdp";
        String from = null;
        String to = null;
        Payload payload = null;
        try {
            while (parser.hasNext()) {
                JsonParser.Event event = parser.next();
                if (event == JsonParser.Event.END_OBJECT) {
                    break;
                }
                String key = parser.getString();
                long afterKey = parser.getLocation().getStreamOffset();
                JsonParser.Event value = parser.next();
                if (key.equals("from")) {
                    from = stringOrNull(parser, value, key);
                } else if (key.equals("to")) {
                    to = stringOrNull(parser, value, key);
                } else if (key.equals(payloadKey)) {
                    walk(parser, value);
                    payload = Payload.verbatim(valueText(frame, afterKey, parser.getLocation().getStreamOffset()));
                } else {
                    walk(parser, value);
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

    /**
     * Reads events to the end of a value that began with {@code first}, so the parser checks
     * every one ({@code skipObject} would only count braces).
     */
    private static void walk(JsonParser parser, JsonParser.Event first) {
        int depth = first == JsonParser.Event.START_OBJECT || first == JsonParser.Event.START_ARRAY ? 1 : 0;
        while (depth > 0) {
            switch (parser.next()) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                default -> {
                }
            }
        }
    }

    /**
     * The text of a value that ends at {@code end}, from {@code afterKey}, the end of its key:
     * what lies between is the colon and whitespace.
     */
    private static String valueText(String frame, long afterKey, long end) {
        int start = (int) afterKey;
        while (isSeparator(frame.charAt(start))) {
            start++;
        }
        return frame.substring(start, (int) end);
    }

    private static boolean isSeparator(char c) {
        return c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
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

    /**
     * Writes a relay as JSON-B would (type, from when set, to, payload) but with the payload's
     * text as it arrived.
     */
    private String encodeRelay(Relay relay) {
        SignalMessage message = relay.message();
        String payload = relay.payload().json();
        StringBuilder out = new StringBuilder(64 + payload.length());
        out.append("{\"type\":\"").append(typeName(message)).append('"');
        if (relay.from() != null) {
            appendString(out.append(",\"from\":"), relay.from());
        }
        appendString(out.append(",\"to\":"), relay.to());
        out.append(message instanceof Candidate ? ",\"candidate\":" : ",\"sdp\":").append(payload).append('}');
        return out.toString();
    }

    /** Appends a JSON string. Ids seldom need escapes; when one does, JSON-P writes them. */
    private void appendString(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                out.append(provider.createValue(text).toString());
                return;
            }
        }
        out.append('"').append(text).append('"');
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
                walk(parser, value);
            }
            throw new MalformedMessageException("a message requires a string field 'type'");
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            throw new MalformedMessageException("the frame is not valid JSON");
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
