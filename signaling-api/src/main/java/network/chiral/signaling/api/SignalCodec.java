package network.chiral.signaling.api;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;

/**
 * Turns frames into {@link SignalMessage}s and back. JSON-B is configured once here and the
 * instance is thread-safe: create one and share it (server, tests and load tool all do).
 *
 * <p>Decoding first reads the whole frame once with a streaming parser ({@link FrameReader}),
 * which refuses anything that is not one sound JSON object and keeps the top-level fields a
 * relay needs. Relays ({@link Offer}, {@link Answer}, {@link Candidate}) are nearly every frame
 * a busy server sees, so they are built from that pass alone, keeping the payload's text as it
 * stands ({@link Payload}); encoding writes the keys in JSON-B's order and the payload's text
 * unchanged. Every other type is then bound by JSON-B to its concrete record. Binding the
 * interface instead would make Yasson buffer the whole object and hand custom deserialisers a
 * parser that cannot tell a string from a number, so {@code "clientId": 12} would slip through
 * as {@code "12"}. The JSON-P provider is looked up once: {@code Json.createParser} runs a
 * {@code ServiceLoader} lookup on every call, which cost more than the parsing itself.
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
    /** The ids after the caller's in the last {@code peers} reply, as JSON: see {@link #encodePeers}. */
    private volatile Listing lastListing = new Listing(List.of(), "");

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

    /** The {@code type} a message has on the wire, such as {@code "offer"}, or the application's own. */
    public String typeName(SignalMessage message) {
        return message instanceof AppMessage app ? app.type() : aliasOf.get(message.getClass());
    }

    /** Whether {@code type} is one the protocol defines, so that no application may use it. */
    public boolean reserved(String type) {
        return typesByAlias.containsKey(type);
    }

    /** The {@code type} aliases declared on {@link SignalMessage}, with their records. */
    static Map<String, Class<?>> aliases() {
        JsonbTypeInfo info = SignalMessage.class.getAnnotation(JsonbTypeInfo.class);
        return Stream.of(info.value())
                .collect(Collectors.toUnmodifiableMap(JsonbSubtype::alias, JsonbSubtype::type));
    }

    /**
     * Parses one frame. Total over any input: every string either decodes or is refused with an
     * explanation, in time linear in its length, and nothing else is thrown.
     *
     * @throws MalformedMessageException when the frame is not a well-formed message; its text
     *                                   says what is wrong and is safe to show the client
     */
    public SignalMessage decode(String frame) throws MalformedMessageException {
        FrameReader.TopLevel top = FrameReader.read(parsers, frame);
        if (isApplicationMessage(top)) {
            return application(top, frame);
        }
        String alias = aliasOf(top);
        if (isRelay(alias)) {
            return relay(alias, top);
        }
        // The frame is sound (whole, shallow, well-formed strings), so JSON-B cannot trip on it.
        try {
            return (SignalMessage) jsonb.fromJson(frame, typesByAlias.get(alias));
        } catch (RuntimeException e) {
            throw new MalformedMessageException(explain(e));
        }
    }

    /** Writes one message as a frame, {@code type} first. */
    public String encode(SignalMessage message) {
        if (message instanceof AppMessage app) {
            return encodeApplication(app);
        }
        if (message instanceof Relay relay) {
            return encodeRelay(relay);
        }
        if (message instanceof Peers peers) {
            return encodePeers(peers);
        }
        // toJson(message, SignalMessage.class) would write "{}": the runtime type carries the alias.
        return jsonb.toJson(message);
    }

    /** The frame's {@code type}, checked against the known aliases. */
    private String aliasOf(FrameReader.TopLevel top) throws MalformedMessageException {
        if (top.type() == null) {
            throw new MalformedMessageException(top.sawType()
                    ? "field 'type' must be a string" : "a message requires a string field 'type'");
        }
        if (!typesByAlias.containsKey(top.type())) {
            throw new MalformedMessageException("unknown message type '" + shorten(top.type()) + "'");
        }
        return top.type();
    }

    /** An unreserved string {@code type} and a string {@code to}: the application's own message. */
    private boolean isApplicationMessage(FrameReader.TopLevel top) {
        return top.type() != null && !typesByAlias.containsKey(top.type()) && top.to() != null;
    }

    /** Checks the application's type, then keeps every member but {@code type} and {@code from} as sent. */
    private AppMessage application(FrameReader.TopLevel top, String frame) throws MalformedMessageException {
        String type = top.type();
        if (type.isEmpty() || type.length() > AppMessage.MAX_TYPE_LENGTH || type.chars().anyMatch(Character::isISOControl)) {
            throw new MalformedMessageException("an application message type must be 1 to "
                    + AppMessage.MAX_TYPE_LENGTH + " characters, none of them a control character");
        }
        if (top.wrongType() != null) {
            throw new MalformedMessageException("field '" + top.wrongType() + "' has the wrong type");
        }
        return new AppMessage(type, top.from(), top.to(), FrameReader.otherMembers(parsers, frame));
    }

    /** {@code type}, {@code from} when set, then the other members exactly as the sender wrote them. */
    private String encodeApplication(AppMessage app) {
        StringBuilder out = new StringBuilder(32 + app.type().length() + app.fields().length());
        appendString(out.append("{\"type\":"), app.type());
        if (app.from() != null) {
            appendString(out.append(",\"from\":"), app.from());
        }
        if (!app.fields().isEmpty()) {
            out.append(',').append(app.fields());
        }
        return out.append('}').toString();
    }

    /** A relay from the top level the reader kept: JSON-B's rules, without a second pass. */
    private static SignalMessage relay(String alias, FrameReader.TopLevel top) throws MalformedMessageException {
        if (top.wrongType() != null) {
            throw new MalformedMessageException("field '" + top.wrongType() + "' has the wrong type");
        }
        try {
            return switch (alias) {
                case "offer" -> new Offer(top.from(), top.to(), payload(top.sdp()));
                case "answer" -> new Answer(top.from(), top.to(), payload(top.sdp()));
                default -> new Candidate(top.from(), top.to(), payload(top.candidate()));
            };
        } catch (MissingFieldException missing) {
            throw new MalformedMessageException(missing.getMessage());
        }
    }

    private static Payload payload(String text) {
        return text == null ? null : Payload.verbatim(text);
    }

    private static boolean isRelay(String alias) {
        return alias.equals("offer") || alias.equals("answer") || alias.equals("candidate");
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

    /**
     * Writes a {@code peers} reply as JSON-B would (type, peers, total, then iceServers and
     * resume when set). Every newcomer gets one, with up to a thousand ids: the caller's first,
     * then the directory's listing, which stays the same from one newcomer to the next while
     * nobody listed leaves (a full listing does not change when ids are added). So the listing
     * after the caller's id is written once and its JSON reused for as long as it holds the same
     * ids; only the caller's id, the total, the ICE servers and the token are written per reply.
     */
    private String encodePeers(Peers peers) {
        List<String> ids = peers.peers();
        List<String> rest = ids.isEmpty() ? ids : ids.subList(1, ids.size());
        Listing listing = lastListing;
        if (!listing.holds(rest)) {
            int length = 0;
            for (String id : rest) {
                length += id.length() + 3;
            }
            StringBuilder json = new StringBuilder(length);
            for (String id : rest) {
                appendString(json.append(','), id);
            }
            listing = new Listing(List.copyOf(rest), json.toString());
            lastListing = listing;
        }
        // One concatenation, sized once: the listing can be tens of kilobytes, and every
        // newcomer of a reconnect storm gets it.
        String first = ids.isEmpty() ? "" : quoted(ids.get(0));
        String total = peers.total() == null ? "" : ",\"total\":" + peers.total().intValue();
        String ice = peers.iceServers() == null ? "" : ",\"iceServers\":" + jsonb.toJson(peers.iceServers());
        String resume = peers.resume() == null ? "" : ",\"resume\":" + quoted(peers.resume());
        return "{\"type\":\"peers\",\"peers\":[" + first + (ids.isEmpty() ? "" : listing.json()) + "]"
                + total + ice + resume + "}";
    }

    private String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2);
        appendString(out, text);
        return out.toString();
    }

    /**
     * Ids listed in a {@code peers} reply after the caller's, and their JSON (each preceded by
     * a comma).
     */
    private record Listing(List<String> ids, String json) {
        /** Whether {@code others} are these ids in this order: the directory hands out the same strings. */
        boolean holds(List<String> others) {
            if (others.size() != ids.size()) {
                return false;
            }
            for (int i = 0; i < ids.size(); i++) {
                String a = ids.get(i);
                String b = others.get(i);
                if (a != b && !a.equals(b)) {
                    return false;
                }
            }
            return true;
        }
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

    /** At most {@link #MAX_ECHOED_TYPE} characters, never cutting a surrogate pair in two. */
    private static String shorten(String text) {
        if (text.length() <= MAX_ECHOED_TYPE) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_ECHOED_TYPE - 1)) ? MAX_ECHOED_TYPE - 1 : MAX_ECHOED_TYPE;
        return text.substring(0, end) + "...";
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }
}
