package network.chiral.signaling.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import jakarta.json.Json;

/**
 * A seeded source of hostile frames, each with the answer docs/protocol.md promises for it. The
 * same seed gives the same frames, so a failure names the seed that reproduces it.
 *
 * <p>The oracle comes from how each frame is built, not from the server's code: a proper prefix
 * of an object is never valid JSON, a raw control character is invalid anywhere in JSON, and so
 * on. Only {@link Kind#MUTATED} frames (random bytes flipped) have no exact oracle; they must
 * still get at most one answer, never {@code internal}.
 */
final class HostileFrames {
    /** The socket the frame is sent on, as the generator needs to know it. */
    interface Attacker {
        /** The id this socket holds, or {@code null} before it registers. */
        String id();
    }

    /** What the frame is sent as. */
    enum Carrier { TEXT, BINARY, FRAGMENTED, RAW_BYTES }

    /** Families of hostile input, counted separately in the report. */
    enum Kind {
        TRUNCATED, CONTROL_CHARACTER, DEEP, HUGE_NUMBER, WRONG_TYPE, UNKNOWN_TYPE, SERVER_ONLY_TYPE,
        MISSING_FIELD, ODD_CLIENT_ID, LONE_SURROGATE, DUPLICATE_KEY, PROTO_KEY, BOM, EMPTY, BINARY,
        INVALID_UTF8, FRAGMENTED, OVERSIZED, REGISTER_STORM, RELAY_TO_SELF, RELAY_TO_NOBODY, APPLICATION_TYPE, TRAILING,
        BROKEN_IGNORED_FIELD, MUTATED
    }

    /** The answer a frame must get. */
    sealed interface Expect {
        /** Whether these replies, all that came before the next pong, are that answer. */
        boolean accepts(List<String> replies);
    }

    /** Exactly one {@code error} with this code; the socket stays open. */
    record Error(String code) implements Expect {
        @Override
        public boolean accepts(List<String> replies) {
            return replies.size() == 1 && replies.get(0).startsWith("{\"type\":\"error\",\"code\":\"" + code + "\"");
        }
    }

    /** Exactly this frame back, byte for byte (a ping's pong, a relay to oneself). */
    record Exactly(String frame) implements Expect {
        @Override
        public boolean accepts(List<String> replies) {
            return replies.equals(List.of(frame));
        }
    }

    /** A {@code peers} reply listing this id first, or, when {@code mayBeTaken}, {@code id-taken}. */
    record Registered(String id, boolean mayBeTaken) implements Expect {
        @Override
        public boolean accepts(List<String> replies) {
            return replies.size() == 1
                    && (replies.get(0).startsWith("{\"type\":\"peers\",\"peers\":[" + Json.createValue(id))
                    || mayBeTaken && new Error("id-taken").accepts(replies));
        }
    }

    /** No answer at all. */
    record Silence() implements Expect {
        @Override
        public boolean accepts(List<String> replies) {
            return replies.isEmpty();
        }
    }

    /** The socket is closed with this code: nothing is read after the frame. */
    record Closed(int code) implements Expect {
        @Override
        public boolean accepts(List<String> replies) {
            return false;
        }
    }

    /** No exact oracle: at most one answer (the caller rules out {@code internal} for every frame). */
    record AnyButInternal() implements Expect {
        @Override
        public boolean accepts(List<String> replies) {
            return replies.size() <= 1;
        }
    }

    /** One hostile frame: what to send, how, and what must come back. */
    record Attack(Kind kind, Carrier carrier, byte[] bytes, List<String> fragments, Expect expect) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** A short printable form for failure messages. */
        String shown() {
            String text = carrier == Carrier.FRAGMENTED ? String.join("|", fragments) : text();
            return kind + " " + carrier + " " + (text.length() > 160 ? text.substring(0, 160) + "...(" + text.length() + ")" : text);
        }
    }

    private static final String NOT_REGISTERED = "not-registered";
    private static final String INVALID = "invalid-message";

    private final SplittableRandom random;
    private final int maxMessageBytes;
    private final List<String> stormIds;
    private long nextTs;

    /**
     * @param seed            reproduces the sequence
     * @param maxMessageBytes the server's frame limit, to build frames just over it
     * @param stormIds        ids every attacker competes for in register storms
     */
    HostileFrames(long seed, int maxMessageBytes, List<String> stormIds) {
        this.random = new SplittableRandom(seed);
        this.maxMessageBytes = maxMessageBytes;
        this.stormIds = stormIds;
        this.nextTs = seed & 0xffff;
    }

    /** The next hostile frame for {@code attacker}. */
    Attack next(Attacker attacker) {
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        // Frames that end the socket are rarer: each costs a reconnect.
        if ((kind == Kind.OVERSIZED || kind == Kind.INVALID_UTF8) && random.nextInt(8) != 0) {
            kind = Kind.TRUNCATED;
        }
        return switch (kind) {
            case TRUNCATED -> truncated();
            case CONTROL_CHARACTER -> controlCharacter();
            case DEEP -> deep(attacker);
            case HUGE_NUMBER -> hugeNumber(attacker);
            case WRONG_TYPE -> text(kind, pick(wrongTypes()), new Error(INVALID));
            case UNKNOWN_TYPE -> text(kind, "{\"type\":" + Json.createValue(oddString(1 + random.nextInt(40)))
                    + ",\"x\":1}", new Error(INVALID));
            case APPLICATION_TYPE -> application(attacker);
            case SERVER_ONLY_TYPE -> text(kind, pick(List.of(
                    "{\"type\":\"peers\",\"peers\":[\"a\"],\"total\":1}",
                    "{\"type\":\"error\",\"code\":\"internal\",\"message\":\"x\"}",
                    "{\"type\":\"peers\"}")), new Error(INVALID));
            case MISSING_FIELD -> text(kind, pick(List.of(
                    "{\"type\":\"register\"}", "{\"type\":\"ping\"}", "{\"type\":\"offer\",\"to\":\"b\"}",
                    "{\"type\":\"answer\",\"sdp\":{}}", "{\"type\":\"candidate\",\"to\":\"b\"}",
                    "{\"clientId\":\"a\"}", "{\"type\":\"offer\",\"to\":\"b\",\"sdp\":null}", "{}")), new Error(INVALID));
            case ODD_CLIENT_ID -> oddClientId();
            case LONE_SURROGATE -> loneSurrogate(attacker);
            case DUPLICATE_KEY -> duplicateKey(attacker);
            case PROTO_KEY -> {
                long ts = ts();
                yield text(kind, "{\"__proto__\":{\"isAdmin\":true},\"type\":\"ping\",\"constructor\":{\"prototype\":1},\"ts\":"
                        + ts + "}", new Exactly("{\"type\":\"pong\",\"ts\":" + ts + "}"));
            }
            case BOM -> text(kind, "\uFEFF{\"type\":\"ping\",\"ts\":" + ts() + "}", new Error(INVALID));
            case EMPTY -> text(kind, pick(List.of("", " ", "\r\n", "\t \n")), new Error(INVALID));
            case BINARY -> {
                byte[] bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                yield new Attack(kind, Carrier.BINARY, bytes, null, new Error(INVALID));
            }
            case INVALID_UTF8 -> invalidUtf8();
            case FRAGMENTED -> fragmented();
            case OVERSIZED -> text(kind, "{\"type\":\"offer\",\"to\":\"x\",\"sdp\":\""
                    + "a".repeat(maxMessageBytes + 1 + random.nextInt(1024)) + "\"}", new Closed(1009));
            case REGISTER_STORM -> {
                String id = pick(stormIds);
                yield text(kind, "{\"type\":\"register\",\"clientId\":\"" + id + "\"}", new Registered(id, true));
            }
            case RELAY_TO_SELF -> relayToSelf(attacker, payload());
            case RELAY_TO_NOBODY -> relayToNobody(attacker);
            case TRAILING -> text(kind, pick(List.of(
                    "{\"type\":\"ping\",\"ts\":1} x", "{\"type\":\"ping\",\"ts\":1}{}", "{\"type\":\"ping\",\"ts\":1}]",
                    "{\"type\":\"register\",\"clientId\":\"a\"} \"b\"", "{\"type\":\"pong\",\"ts\":1},")), new Error(INVALID));
            case BROKEN_IGNORED_FIELD -> text(kind, pick(List.of(
                    "{\"type\":\"ping\",\"ts\":1,\"x\":[1,,2]}", "{\"type\":\"ping\",\"ts\":1,\"x\":[",
                    "{\"type\":\"pong\",\"ts\":1,\"x\":{\"a\":}}", "{\"type\":\"register\",\"x\":{",
                    "{\"type\":\"register\",\"clientId\":\"a\",\"x\":[tru]}", "{\"type\":\"ping\",\"ts\":1,\"x\":\"\\q\"}",
                    "{\"type\":\"ping\",\"ts\":1,\"x\":01}")), new Error(INVALID));
            case MUTATED -> mutated(attacker);
        };
    }

    // --- families -------------------------------------------------------------------------------

    private Attack truncated() {
        String frame = pick(validFrames());
        return text(Kind.TRUNCATED, frame.substring(0, random.nextInt(frame.length())), new Error(INVALID));
    }

    private Attack controlCharacter() {
        String frame = pick(validFrames());
        int at = random.nextInt(frame.length() + 1);
        char control = (char) random.nextInt(0x20);
        if (control == '\t' || control == '\n' || control == '\r') {
            control = 0;
        }
        // Raw control characters are invalid everywhere in JSON, inside strings as well.
        return text(Kind.CONTROL_CHARACTER, frame.substring(0, at) + control + frame.substring(at), new Error(INVALID));
    }

    private Attack deep(Attacker attacker) {
        int depth = 64 + random.nextInt(3_000);
        String open = random.nextBoolean() ? "[".repeat(depth) : "{\"k\":".repeat(depth);
        String close = open.startsWith("[") ? "]".repeat(depth) : "}".repeat(depth);
        if (random.nextInt(4) == 0) {
            close = "";  // never closed at all
        }
        String frame = switch (random.nextInt(4)) {
            case 0 -> "{\"type\":\"offer\",\"to\":\"x\",\"sdp\":" + open + "1" + close + "}";
            case 1 -> "{\"x\":" + open + "1" + close + ",\"type\":\"register\",\"clientId\":\"a\"}";
            case 2 -> "{\"type\":\"ping\",\"ts\":1,\"x\":" + open + "1" + close + "}";
            default -> "{\"x\":" + open + "1" + close + "}";
        };
        if (random.nextInt(5) == 0 && attacker.id() != null) {
            // Just inside the limit: the frame's object is level 1, so the payload may open 63.
            String payload = "[".repeat(63) + "7" + "]".repeat(63);
            return relayToSelf(attacker, payload);
        }
        return text(Kind.DEEP, frame, new Error(INVALID));
    }

    private Attack hugeNumber(Attacker attacker) {
        String number = switch (random.nextInt(6)) {
            case 0 -> "9".repeat(20 + random.nextInt(20_000));
            case 1 -> "1e" + (999_999_000 + random.nextInt(999));
            case 2 -> "-1e-" + (999_999_000 + random.nextInt(999));
            case 3 -> "9223372036854775808";
            case 4 -> "1." + "0".repeat(random.nextInt(5_000)) + "1";
            default -> "-" + "1".repeat(25 + random.nextInt(2_000)) + "e" + random.nextInt(99);
        };
        if (attacker.id() != null && random.nextBoolean()) {
            // In a payload a number is opaque text: it passes unparsed.
            return relayToSelf(attacker, "{\"n\":" + number + "}");
        }
        String malformed = pick(List.of("01", "1.", "-", "1e", "+1", ".5", "NaN", "Infinity", "0x10", "1_000"));
        if (random.nextInt(3) == 0) {
            return text(Kind.HUGE_NUMBER, "{\"type\":\"ping\",\"ts\":" + malformed + "}", new Error(INVALID));
        }
        return text(Kind.HUGE_NUMBER, "{\"type\":\"ping\",\"ts\":" + number + "}", new Error(INVALID));
    }

    private Attack oddClientId() {
        int roll = random.nextInt(4);
        if (roll == 0) {
            return text(Kind.ODD_CLIENT_ID, register("x".repeat(257 + random.nextInt(5_000))), new Error(INVALID));
        }
        if (roll == 1) {
            String control = "\\u00" + String.format("%02x", random.nextInt(0x20));
            return text(Kind.ODD_CLIENT_ID, "{\"type\":\"register\",\"clientId\":\"a" + control + "b\"}", new Error(INVALID));
        }
        if (roll == 2) {
            return text(Kind.ODD_CLIENT_ID, register(""), new Error(INVALID));
        }
        // Odd but valid: each attacker's own, so nobody else holds it.
        String id = "odd-" + random.nextLong() + pick(List.of("\"q\"", "\\back\\", " space ", "\u00e9\u6587",
                "\uD83D\uDE80", "<script>", "'; DROP TABLE", "/../", "%00", "\u200B", "x".repeat(200)));
        return text(Kind.ODD_CLIENT_ID, register(id), new Registered(id, false));
    }

    private Attack loneSurrogate(Attacker attacker) {
        String lone = pick(List.of("\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\udc00\\ud800", "x\\ud83d"));
        if (attacker.id() != null && random.nextInt(3) == 0) {
            // Inside a payload the escape is text and passes exactly as written.
            return relayToSelf(attacker, "{\"sdp\":\"" + lone + "\"}");
        }
        String frame = pick(List.of(
                "{\"type\":\"register\",\"clientId\":\"" + lone + "\"}",
                "{\"type\":\"register\",\"clientId\":\"a\",\"token\":\"" + lone + "\"}",
                "{\"type\":\"ping\",\"ts\":7,\"from\":\"" + lone + "\"}",
                "{\"type\":\"pong\",\"ts\":7,\"from\":\"" + lone + "\"}",
                "{\"type\":\"offer\",\"to\":\"" + lone + "\",\"sdp\":1}",
                "{\"type\":\"answer\",\"from\":\"" + lone + "\",\"to\":\"b\",\"sdp\":1}",
                "{\"type\":\"candidate\",\"to\":\"b\",\"candidate\":1,\"x\":\"" + lone + "\"}",
                "{\"type\":\"" + lone + "\"}",
                "{\"" + lone + "\":1,\"type\":\"ping\",\"ts\":1}"));
        return text(Kind.LONE_SURROGATE, frame, new Error(INVALID));
    }

    private Attack duplicateKey(Attacker attacker) {
        long first = ts();
        long last = ts();
        if (attacker.id() != null && random.nextBoolean()) {
            String self = Json.createValue(attacker.id()).toString();
            String frame = "{\"type\":\"offer\",\"to\":\"nobody-here\",\"sdp\":1,\"to\":" + self + ",\"sdp\":{\"v\":2}}";
            return new Attack(Kind.DUPLICATE_KEY, Carrier.TEXT, bytes(frame), null,
                    new Exactly("{\"type\":\"offer\",\"from\":" + self + ",\"to\":" + self + ",\"sdp\":{\"v\":2}}"));
        }
        // The last of a repeated key wins, as in JSON.parse.
        return text(Kind.DUPLICATE_KEY, "{\"type\":\"ping\",\"ts\":" + first + ",\"ts\":" + last + "}",
                new Exactly("{\"type\":\"pong\",\"ts\":" + last + "}"));
    }

    private Attack invalidUtf8() {
        byte[] prefix = bytes("{\"type\":\"ping\",\"ts\":1,\"x\":\"");
        byte[] broken = pick(List.of(
                new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0x80}));
        byte[] suffix = bytes("\"}");
        byte[] frame = new byte[prefix.length + broken.length + suffix.length];
        System.arraycopy(prefix, 0, frame, 0, prefix.length);
        System.arraycopy(broken, 0, frame, prefix.length, broken.length);
        System.arraycopy(suffix, 0, frame, prefix.length + broken.length, suffix.length);
        return new Attack(Kind.INVALID_UTF8, Carrier.RAW_BYTES, frame, null, new Closed(1007));
    }

    private Attack fragmented() {
        long ts = ts();
        String whole = "{\"type\":\"ping\",\"ts\":" + ts + ",\"pad\":\"" + "p".repeat(random.nextInt(3_000)) + "\"}";
        boolean broken = random.nextInt(3) == 0;
        if (broken) {
            whole = whole.substring(0, whole.length() - 1);
        }
        List<String> parts = new ArrayList<>();
        int at = 0;
        int pieces = 2 + random.nextInt(6);
        for (int i = 1; i < pieces; i++) {
            int cut = at + random.nextInt(Math.max(1, whole.length() - at));
            parts.add(whole.substring(at, cut));
            at = cut;
        }
        parts.add(whole.substring(at));
        Expect expect = broken ? new Error(INVALID) : new Exactly("{\"type\":\"pong\",\"ts\":" + ts + "}");
        return new Attack(Kind.FRAGMENTED, Carrier.FRAGMENTED, bytes(whole), parts, expect);
    }

    private Attack relayToSelf(Attacker attacker, String payload) {
        String type = pick(List.of("offer", "answer", "candidate"));
        String key = type.equals("candidate") ? "candidate" : "sdp";
        if (attacker.id() == null) {
            return text(Kind.RELAY_TO_SELF, "{\"type\":\"" + type + "\",\"to\":\"me\",\"" + key + "\":" + payload + "}",
                    new Error(NOT_REGISTERED));
        }
        String self = Json.createValue(attacker.id()).toString();
        String frame = "{\"type\":\"" + type + "\",\"from\":\"spoofed\",\"to\":" + self + ",\"" + key + "\":" + payload + "}";
        return new Attack(Kind.RELAY_TO_SELF, Carrier.TEXT, bytes(frame), null,
                new Exactly("{\"type\":\"" + type + "\",\"from\":" + self + ",\"to\":" + self + ",\"" + key + "\":" + payload + "}"));
    }

    private Attack relayToNobody(Attacker attacker) {
        String type = pick(List.of("offer", "answer", "candidate"));
        String key = type.equals("candidate") ? "candidate" : "sdp";
        String frame = "{\"type\":\"" + type + "\",\"to\":\"nobody-" + random.nextLong() + "\",\"" + key + "\":" + payload() + "}";
        Expect expect;
        if (attacker.id() == null) {
            expect = new Error(NOT_REGISTERED);
        } else {
            expect = type.equals("candidate") ? new Silence() : new Error("peer-not-found");
        }
        return text(Kind.RELAY_TO_NOBODY, frame, expect);
    }

    /**
     * A type the protocol does not reserve, with a string {@code to}: relayed like an offer. To
     * oneself it comes back with every other member as written; a type over 64 characters or
     * with a control character is refused.
     */
    private Attack application(Attacker attacker) {
        String type = "app-" + oddString(random.nextInt(40));
        String body = ",\"data\":" + payload() + ",\"n\": " + random.nextInt(1000);
        if (random.nextInt(6) == 0) {
            String bad = random.nextBoolean() ? "t".repeat(65 + random.nextInt(100)) : "a\\u0007b";
            return text(Kind.APPLICATION_TYPE, "{\"type\":\"" + bad + "\",\"to\":\"x\"}", new Error(INVALID));
        }
        if (attacker.id() == null) {
            return text(Kind.APPLICATION_TYPE, "{\"type\":" + Json.createValue(type) + ",\"to\":\"x\"" + body + "}",
                    new Error(NOT_REGISTERED));
        }
        if (random.nextBoolean()) {
            return text(Kind.APPLICATION_TYPE, "{\"type\":" + Json.createValue(type) + ",\"to\":\"nobody-" + random.nextLong()
                    + "\"" + body + "}", new Error("peer-not-found"));
        }
        String self = Json.createValue(attacker.id()).toString();
        String frame = "{\"from\":\"spoofed\",\"type\":" + Json.createValue(type) + ",\"to\":" + self + body + "}";
        return new Attack(Kind.APPLICATION_TYPE, Carrier.TEXT, bytes(frame), null,
                new Exactly("{\"type\":" + Json.createValue(type) + ",\"from\":" + self + ",\"to\":" + self + body + "}"));
    }

    private Attack mutated(Attacker attacker) {
        byte[] frame = bytes(pick(validFrames()));
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            // ASCII only, so the frame stays valid UTF-8 and is judged by the JSON layer.
            frame[random.nextInt(frame.length)] = (byte) (0x20 + random.nextInt(0x5f));
        }
        return new Attack(Kind.MUTATED, Carrier.TEXT, frame, null, new AnyButInternal());
    }

    // --- building blocks ------------------------------------------------------------------------

    private List<String> validFrames() {
        return List.of(
                "{\"type\":\"register\",\"clientId\":\"alice\",\"token\":\"t.k.n\"}",
                "{\"type\":\"ping\",\"ts\":1700000000000,\"from\":\"alice\"}",
                "{\"type\":\"pong\",\"ts\":1,\"from\":\"a\",\"x\":{\"k\":[1,2,{}]}}",
                "{\"type\":\"offer\",\"to\":\"bob\",\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}}",
                "{\"type\":\"answer\",\"from\":\"x\",\"to\":\"bob\",\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0\"}}",
                "{\"type\":\"candidate\",\"to\":\"bob\",\"candidate\":{\"candidate\":\"c\",\"sdpMLineIndex\":0}}");
    }

    private List<String> wrongTypes() {
        return List.of(
                "{\"type\":7}", "{\"type\":null}", "{\"type\":[\"ping\"]}", "{\"type\":{\"a\":1}}",
                "{\"type\":\"register\",\"clientId\":12}", "{\"type\":\"register\",\"clientId\":[\"a\"]}",
                "{\"type\":\"register\",\"clientId\":true}", "{\"type\":\"register\",\"clientId\":{}}",
                "{\"type\":\"register\",\"clientId\":\"a\",\"token\":5}", "{\"type\":\"ping\",\"ts\":\"12\"}",
                "{\"type\":\"ping\",\"ts\":1.5}", "{\"type\":\"ping\",\"ts\":true}", "{\"type\":\"ping\",\"ts\":1,\"from\":2}",
                "{\"type\":\"offer\",\"to\":5,\"sdp\":{}}", "{\"type\":\"answer\",\"to\":[\"b\"],\"sdp\":{}}",
                "{\"type\":\"candidate\",\"from\":{},\"to\":\"b\",\"candidate\":{}}");
    }

    /** A payload as browsers send it, sometimes odd but always valid JSON. */
    private String payload() {
        return switch (random.nextInt(6)) {
            case 0 -> "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- " + random.nextLong() + " 2 IN IP4 127.0.0.1\\r\\n\"}";
            case 1 -> "{\"candidate\":\"candidate:1 1 udp 2122260223 10.0.0.1 " + random.nextInt(65_536)
                    + " typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":null}";
            case 2 -> "[1, 2.50, -0, 1E+2, true, false, {}]";
            case 3 -> "\"" + oddString(random.nextInt(50)).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case 4 -> "{ \"__proto__\" : { \"x\" : 1 } ,\n\t\"k\":\"\\u00e9\\/\" }";
            default -> "{\"k\":\"" + "z".repeat(random.nextInt(20_000)) + "\"}";
        };
    }

    /** Printable and non-ASCII characters, never a control character or a lone surrogate. */
    private String oddString(int length) {
        StringBuilder out = new StringBuilder(length);
        String alphabet = "abcXYZ019 _-./:;'<>\u00e9\u00fc\u6587\u4ef6\u0416";
        for (int i = 0; i < length; i++) {
            if (random.nextInt(10) == 0) {
                out.append("\uD83D\uDE80");
            } else {
                out.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return out.toString();
    }

    private String register(String id) {
        return "{\"type\":\"register\",\"clientId\":" + Json.createValue(id) + "}";
    }

    private long ts() {
        return nextTs++;
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private static Attack text(Kind kind, String frame, Expect expect) {
        return new Attack(kind, Carrier.TEXT, bytes(frame), null, expect);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** For tests of the generator itself: the frames {@code count} draws give for a fixed attacker. */
    List<Attack> draw(int count, Function<Integer, String> idAt) {
        List<Attack> attacks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = idAt.apply(i);
            attacks.add(next(() -> id));
        }
        return attacks;
    }
}
