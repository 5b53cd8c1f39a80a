package network.chiral.signaling.api;

import java.io.StringReader;

import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

/**
 * One pass over a whole frame that decides whether it may be read at all, and keeps what a relay
 * needs. It is the only code that touches a frame before it is known to be sound: a frame passes
 * only if it is one JSON object with nothing after it, nested at most {@link #MAX_DEPTH} deep,
 * and every string outside the payload is well-formed Unicode. Anything else is refused here in
 * time linear in the frame's length.
 *
 * <p>Why not let JSON-B read the frame directly: on truncated input Parsson's
 * {@code skipObject}/{@code skipArray} (which Yasson calls for unknown keys) never see the end of
 * input and loop for ever (eclipse-ee4j/parsson#23, open in every release up to 1.1.9); its own
 * nesting limit of 1000 surfaces as an exception text; and a lone surrogate escape in a string
 * turns into {@code ?} when it is written back out. This reader walks every event with
 * {@code next()}, which does check for the end of input, and JSON-B only ever sees frames that
 * passed it.
 */
final class FrameReader {
    /** The deepest nesting a frame may have, counting its own object: ample for SDP and candidates. */
    static final int MAX_DEPTH = 64;

    static final String NOT_JSON = "the frame is not valid JSON";
    static final String NOT_AN_OBJECT = "a message must be a JSON object";
    static final String TRAILING = "the frame has content after its JSON object";
    static final String TOO_DEEP = "the frame is nested deeper than " + MAX_DEPTH + " levels";
    static final String BROKEN_UNICODE = "a string outside the payload is not valid Unicode (lone surrogate)";

    /**
     * What the top level of a sound frame holds; the last of a repeated key wins, as in
     * {@code JSON.parse}.
     *
     * @param sawType   whether the frame has a {@code type} key at all
     * @param type      its value when that is a string, else null
     * @param sdp       the text of the {@code sdp} value as sent, if present
     * @param candidate the text of the {@code candidate} value as sent, if present
     * @param wrongType the first of {@code from}/{@code to} that held neither a string nor null
     */
    record TopLevel(boolean sawType, String type, String from, String to, String sdp, String candidate,
                    String wrongType) {
    }

    private FrameReader() {
    }

    /**
     * Reads the top level of {@code frame}.
     *
     * @throws MalformedMessageException when the frame is not sound; the message never echoes it
     */
    static TopLevel read(JsonParserFactory parsers, String frame) throws MalformedMessageException {
        String type = null;
        boolean sawType = false;
        String from = null;
        String to = null;
        String sdp = null;
        String candidate = null;
        String wrongType = null;
        try (JsonParser parser = parsers.createParser(new StringReader(frame))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw new MalformedMessageException(NOT_AN_OBJECT);
            }
            while (true) {
                if (parser.next() == JsonParser.Event.END_OBJECT) {
                    break;
                }
                String key = wellFormed(parser.getString());
                long afterKey = parser.getLocation().getStreamOffset();
                JsonParser.Event value = parser.next();
                switch (key) {
                    case "type" -> {
                        sawType = true;
                        type = value == JsonParser.Event.VALUE_STRING ? wellFormed(parser.getString()) : null;
                        walk(parser, value);
                    }
                    case "from", "to" -> {
                        String text = null;
                        if (value == JsonParser.Event.VALUE_STRING) {
                            text = wellFormed(parser.getString());
                        } else if (value != JsonParser.Event.VALUE_NULL && wrongType == null) {
                            wrongType = key;
                        }
                        walk(parser, value);
                        if (key.equals("from")) {
                            from = text;
                        } else {
                            to = text;
                        }
                    }
                    case "sdp", "candidate" -> {
                        walk(parser, value);
                        String text = valueText(frame, afterKey, parser.getLocation().getStreamOffset());
                        if (key.equals("sdp")) {
                            sdp = text;
                        } else {
                            candidate = text;
                        }
                    }
                    default -> {
                        if (value == JsonParser.Event.VALUE_STRING) {
                            wellFormed(parser.getString());
                        }
                        walk(parser, value);
                    }
                }
            }
            if (hasMore(parser)) {
                throw new MalformedMessageException(TRAILING);
            }
        } catch (MalformedMessageException refused) {
            throw refused;
        } catch (RuntimeException broken) {
            // Parsson reports broken input as JsonException, IllegalStateException or
            // NoSuchElementException; none of their texts may reach a client, and nothing else
            // thrown while reading a client's bytes may become a server fault.
            throw new MalformedMessageException(NOT_JSON);
        }
        return new TopLevel(sawType, type, from, to, sdp, candidate, wrongType);
    }

    /**
     * The top-level members of a frame that {@link #read} has found sound, except {@code type}
     * and {@code from}, each as the sender wrote it ({@code "key":value}), joined by commas.
     */
    static String otherMembers(JsonParserFactory parsers, String frame) {
        StringBuilder members = new StringBuilder(frame.length());
        try (JsonParser parser = parsers.createParser(new StringReader(frame))) {
            parser.next();
            int memberStart = (int) parser.getLocation().getStreamOffset();
            while (parser.next() == JsonParser.Event.KEY_NAME) {
                String key = parser.getString();
                JsonParser.Event value = parser.next();
                skip(parser, value);
                int end = (int) Math.min(parser.getLocation().getStreamOffset(), frame.length());
                if (!key.equals("type") && !key.equals("from")) {
                    if (members.length() > 0) {
                        members.append(',');
                    }
                    members.append(frame, trimStart(frame, memberStart, end), trimEnd(frame, memberStart, end));
                }
                memberStart = end;
            }
        }
        return members.toString();
    }

    /** Past the end of a value already known to be sound and shallow. */
    private static void skip(JsonParser parser, JsonParser.Event first) {
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

    /** The first character of a member, past the comma and whitespace before it. */
    private static int trimStart(String frame, int from, int end) {
        int start = from;
        while (start < end && isBetweenMembers(frame.charAt(start))) {
            start++;
        }
        return start;
    }

    /** Just past the last character of a member's value. */
    private static int trimEnd(String frame, int start, int end) {
        int stop = end;
        while (stop > start && isBetweenMembers(frame.charAt(stop - 1))) {
            stop--;
        }
        return stop;
    }

    private static boolean isBetweenMembers(char c) {
        return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** Whether anything but whitespace follows the frame's object (Parsson throws if it is not JSON). */
    private static boolean hasMore(JsonParser parser) {
        try {
            return parser.hasNext();
        } catch (RuntimeException garbage) {
            return true;
        }
    }

    /**
     * Reads events to the end of the value that began with {@code first}, so the parser checks
     * every one, and refuses nesting past {@link #MAX_DEPTH} before Parsson's own limit is hit.
     * Strings inside are not decoded: they stay in the payload's text exactly as sent.
     */
    private static void walk(JsonParser parser, JsonParser.Event first) throws MalformedMessageException {
        if (first != JsonParser.Event.START_OBJECT && first != JsonParser.Event.START_ARRAY) {
            return;
        }
        // The frame's own object is level 1, so this value is level 2.
        int depth = 2;
        while (depth > 1) {
            switch (parser.next()) {
                case START_OBJECT, START_ARRAY -> {
                    if (++depth > MAX_DEPTH) {
                        throw new MalformedMessageException(TOO_DEEP);
                    }
                }
                case END_OBJECT, END_ARRAY -> depth--;
                default -> {
                }
            }
        }
    }

    /** {@code text} when it has no lone surrogate; such a string could not be written back as sent. */
    static String wellFormed(String text) throws MalformedMessageException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new MalformedMessageException(BROKEN_UNICODE);
            }
            if (Character.isLowSurrogate(c)) {
                throw new MalformedMessageException(BROKEN_UNICODE);
            }
        }
        return text;
    }

    /**
     * The text of a value that ends at {@code end}, from {@code afterKey}, the end of its key:
     * what lies between is the colon and whitespace. Only called on a frame read whole, so both
     * offsets lie inside it.
     */
    private static String valueText(String frame, long afterKey, long end) {
        int start = (int) afterKey;
        int stop = (int) Math.min(end, frame.length());
        while (start < stop && isSeparator(frame.charAt(start))) {
            start++;
        }
        while (stop > start && isSeparator(frame.charAt(stop - 1))) {
            stop--;
        }
        return start < stop ? frame.substring(start, stop) : "";
    }

    private static boolean isSeparator(char c) {
        return c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
