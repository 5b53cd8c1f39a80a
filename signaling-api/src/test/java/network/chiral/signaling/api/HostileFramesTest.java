package network.chiral.signaling.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.stream.JsonParser;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoder is total: whatever a client sends, it answers in bounded time with a record or an
 * explanation fit to show the client. Each case here once hung a thread, closed a socket with
 * 1011, leaked an exception's text or altered a string.
 */
class HostileFramesTest {
    private static final SignalCodec CODEC = new SignalCodec();
    /** Far above what any of these frames takes; a loop for ever fails it instead of hanging the build. */
    private static final Duration BOUND = Duration.ofSeconds(5);

    /** Frames a valid client could send, each of which is cut and corrupted below. */
    private static final List<String> VALID = List.of(
            "{\"type\":\"register\",\"clientId\":\"alice\",\"token\":\"t.k.n\"}",
            "{\"type\":\"ping\",\"ts\":1700000000000,\"from\":\"alice\"}",
            "{\"type\":\"pong\",\"ts\":1,\"from\":\"a\",\"x\":{\"k\":[1,2,{}]}}",
            "{\"type\":\"offer\",\"to\":\"bob\",\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}}",
            "{\"type\":\"answer\",\"from\":\"x\",\"to\":\"bob\",\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0\"}}",
            "{\"type\":\"candidate\",\"to\":\"bob\",\"candidate\":{\"candidate\":\"c\",\"sdpMLineIndex\":0}}");

    @AfterAll
    static void close() throws Exception {
        CODEC.close();
    }

    private static String refusal(String frame) {
        return assertTimeoutPreemptively(BOUND, () -> {
            try {
                SignalMessage message = CODEC.decode(frame);
                throw new AssertionError("decoded " + message + " from " + frame);
            } catch (MalformedMessageException refused) {
                return refused.getMessage();
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"ping\",\"x\":[",
        "{\"type\":\"pong\",\"x\":[",
        "{\"type\":\"register\",\"x\":{",
        "{\"type\":\"register\",\"clientId\":\"a\",\"x\":{\"y\":[",
        "{\"x\":[",
        "{\"type\":\"offer\",\"to\":\"x\",\"sdp\":{\"a\":[",
    })
    void aTruncatedUnknownFieldIsRefusedInsteadOfSpinningForEver(String frame) {
        assertThat(refusal(frame)).isEqualTo(FrameReader.NOT_JSON);
    }

    @Test
    void parssonsOwnSkipStillLoopsOnTruncatedInputSoTheCodecNeverCallsIt() throws Exception {
        // eclipse-ee4j/parsson#23. If a release fixes it, this fails and FrameReader's note can go.
        Thread skipper = new Thread(() -> {
            try (JsonParser parser = Json.createParser(new StringReader("["))) {
                parser.next();
                parser.skipArray();
            } catch (RuntimeException fixed) {
                // A fixed parser throws at the end of input.
            }
        });
        skipper.setDaemon(true);
        skipper.start();
        skipper.join(1_000);
        boolean stillLooping = skipper.isAlive();
        skipper.interrupt();
        assertThat(stillLooping).as("Parsson's skipArray on \"[\" still loops").isTrue();
    }

    @Test
    void nestingPastTheLimitIsRefusedWhereverItIs() {
        String deep = "[".repeat(999) + "]".repeat(999);
        for (String frame : List.of(
                "{\"type\":\"offer\",\"to\":\"x\",\"sdp\":" + deep + "}",
                "{\"x\":" + deep + ",\"type\":\"offer\",\"to\":\"x\",\"sdp\":1}",
                "{\"x\":" + deep + "}",
                "{\"type\":\"register\",\"clientId\":\"a\",\"x\":" + "{\"a\":".repeat(70) + "1" + "}".repeat(70) + "}",
                "{\"type\":\"offer\",\"to\":\"x\",\"sdp\":" + "[".repeat(100_000))) {
            assertThat(refusal(frame)).isEqualTo(FrameReader.TOO_DEEP);
        }
    }

    @Test
    void nestingUpToTheLimitIsAccepted() throws Exception {
        // The frame's object is level 1, so the payload may open 63 more.
        String payload = "[".repeat(FrameReader.MAX_DEPTH - 1) + "]".repeat(FrameReader.MAX_DEPTH - 1);
        Offer offer = (Offer) CODEC.decode("{\"type\":\"offer\",\"to\":\"x\",\"sdp\":" + payload + "}");
        assertThat(offer.sdp().json()).isEqualTo(payload);
        assertThat(refusal("{\"type\":\"offer\",\"to\":\"x\",\"sdp\":[" + payload + "]}"))
                .isEqualTo(FrameReader.TOO_DEEP);
    }

    @Test
    void aTruncatedNumberPayloadIsRefusedWithoutLeakingAnIndex() {
        assertThat(refusal("{\"type\":\"offer\",\"to\":\"x\",\"sdp\":12")).isEqualTo(FrameReader.NOT_JSON);
        assertThat(refusal("{\"type\":\"candidate\",\"to\":\"x\",\"candidate\":\"ab")).isEqualTo(FrameReader.NOT_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"ping\",\"ts\":1} x",
        "{\"type\":\"ping\",\"ts\":1}{}",
        "{\"type\":\"ping\",\"ts\":1} 1",
        "{\"type\":\"offer\",\"to\":\"b\",\"sdp\":1}]",
    })
    void contentAfterTheObjectIsRefused(String frame) {
        assertThat(refusal(frame)).isEqualTo(FrameReader.TRAILING);
    }

    @Test
    void whitespaceAfterTheObjectIsFine() throws Exception {
        assertThat(CODEC.decode("{\"type\":\"ping\",\"ts\":1} \r\n\t")).isEqualTo(new Ping(1L, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"ping\",\"ts\":1,\"x\":[1,,2]}",
        "{\"type\":\"ping\",\"ts\":1,\"x\":{\"a\":}}",
        "{\"type\":\"register\",\"clientId\":\"a\",\"x\":[tru]}",
        "{\"type\":\"register\",\"clientId\":\"a\",\"x\":01}",
        "{\"type\":\"pong\",\"ts\":1,\"x\":\"\\q\"}",
    })
    void brokenJsonInAnIgnoredFieldIsRefused(String frame) {
        assertThat(refusal(frame)).isEqualTo(FrameReader.NOT_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"ping\",\"ts\":7,\"from\":\"\\ud800\"}",
        "{\"type\":\"ping\",\"ts\":7,\"from\":\"a\\udc00\"}",
        "{\"type\":\"offer\",\"to\":\"\\ud800\",\"sdp\":1}",
        "{\"type\":\"candidate\",\"from\":\"\\uDBFF\",\"to\":\"b\",\"candidate\":1}",
        "{\"type\":\"register\",\"clientId\":\"x\\ud83d\"}",
        "{\"type\":\"register\",\"clientId\":\"a\",\"token\":\"\\ud800\"}",
        "{\"type\":\"\\ud800\"}",
        "{\"\\ud800\":1,\"type\":\"ping\",\"ts\":1}",
        "{\"type\":\"ping\",\"ts\":1,\"x\":\"\\udfff\\ud800\"}",
    })
    void aLoneSurrogateOutsideThePayloadIsRefusedNotTurnedIntoAQuestionMark(String frame) {
        assertThat(refusal(frame)).isEqualTo(FrameReader.BROKEN_UNICODE);
    }

    @Test
    void aLoneSurrogateInsideThePayloadPassesThroughExactlyAsSent() throws Exception {
        String payload = "{\"sdp\":\"\\ud800 and \\udc00\"}";
        Offer offer = (Offer) CODEC.decode("{\"type\":\"offer\",\"to\":\"b\",\"sdp\":" + payload + "}");
        assertThat(offer.sdp().json()).isEqualTo(payload);
        assertThat(CODEC.encode(offer.withFrom("a"))).contains(payload);
    }

    @Test
    void surrogatePairsAreWellFormedAndKept() throws Exception {
        assertThat(CODEC.decode("{\"type\":\"ping\",\"ts\":7,\"from\":\"\\ud83d\\ude80\"}"))
                .isEqualTo(new Ping(7L, "\uD83D\uDE80"));
    }

    @Test
    void aLongUnknownTypeIsNeverCutInsideASurrogatePair() {
        String type = "x".repeat(31) + "\uD83D\uDE80" + "y".repeat(40);
        assertThat(refusal("{\"type\":\"" + type + "\"}")).isEqualTo("unknown message type '" + "x".repeat(31) + "...'");
    }

    @Test
    void hugeNumbersCostNoMoreThanTheirLength() {
        String digits = "9".repeat(60_000);
        assertThat(refusal("{\"type\":\"ping\",\"ts\":" + digits + "}")).isEqualTo("field 'ts' has the wrong type");
        assertThat(refusal("{\"type\":\"ping\",\"ts\":1e999999999}")).isEqualTo("field 'ts' has the wrong type");
        assertThat(refusal("{\"type\":\"ping\",\"ts\":-1e-999999999}")).isEqualTo("field 'ts' has the wrong type");
        assertThat(refusal("{\"type\":\"ping\",\"ts\":9223372036854775808}")).isEqualTo("field 'ts' has the wrong type");
    }

    @Test
    void hugeNumbersInThePayloadOrIgnoredFieldsPassUnparsed() throws Exception {
        String digits = "9".repeat(60_000);
        Offer offer = assertTimeoutPreemptively(BOUND,
                () -> (Offer) CODEC.decode("{\"type\":\"offer\",\"to\":\"b\",\"x\":" + digits + ",\"sdp\":" + digits + "}"));
        assertThat(offer.sdp().json()).isEqualTo(digits);
    }

    @ParameterizedTest
    @ValueSource(strings = {"12", "12 ", "12\n", "1.5e3 \t", "true ", "null", "\"s\" ", "-0"})
    void aScalarPayloadIsCutExactlyWhateverFollowsIt(String payload) throws Exception {
        for (String after : List.of("}", " }", ",\"x\":1}", " ,\"x\":1}")) {
            String frame = "{\"type\":\"candidate\",\"to\":\"b\",\"candidate\":" + payload + after;
            if (payload.equals("null")) {
                assertThat(refusal(frame)).isEqualTo("'candidate' requires field 'candidate'");
            } else {
                assertThat(((Candidate) CODEC.decode(frame)).candidate().json()).isEqualTo(payload.strip());
            }
        }
    }

    @Test
    void everyProperPrefixOfAValidFrameIsRefused() {
        for (String frame : VALID) {
            for (int end = 0; end < frame.length(); end++) {
                String prefix = frame.substring(0, end);
                assertThat(refusal(prefix)).as(prefix).isIn(FrameReader.NOT_JSON, FrameReader.NOT_AN_OBJECT);
            }
        }
    }

    @Test
    void aControlCharacterAtAnyPositionIsRefused() {
        // A raw U+0001 is invalid JSON anywhere, inside strings too.
        for (String frame : VALID) {
            for (int at = 0; at <= frame.length(); at++) {
                String broken = frame.substring(0, at) + '\u0001' + frame.substring(at);
                assertThat(refusal(broken)).as(broken).isIn(FrameReader.NOT_JSON, FrameReader.NOT_AN_OBJECT,
                        FrameReader.TRAILING);
            }
        }
    }

    @Test
    void everyByteDroppedAtAnyPositionIsDecodedOrRefusedInBoundedTime() {
        for (String frame : VALID) {
            for (int at = 0; at < frame.length(); at++) {
                String broken = frame.substring(0, at) + frame.substring(at + 1);
                assertTimeoutPreemptively(BOUND, () -> {
                    try {
                        CODEC.decode(broken);
                    } catch (MalformedMessageException refused) {
                        assertThat(refused.getMessage()).doesNotContain("Exception", "begin ", "nested");
                    }
                });
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\uFEFF{\"type\":\"ping\",\"ts\":1}", "null", "[]", "\"ping\"", "1"})
    void emptyFramesAndNonObjectsAreRefused(String frame) {
        assertThat(refusal(frame)).isIn(FrameReader.NOT_JSON, FrameReader.NOT_AN_OBJECT);
    }

    @Test
    void protoKeysAreJustUnknownKeys() throws Exception {
        assertThat(CODEC.decode("{\"__proto__\":{\"admin\":true},\"type\":\"ping\",\"ts\":1,\"constructor\":1}"))
                .isEqualTo(new Ping(1L, null));
    }

    @Test
    void serverOnlyTypesDecodeSoTheCoreCanRefuseThemByName() throws Exception {
        assertThat(CODEC.decode("{\"type\":\"peers\",\"peers\":[],\"total\":0}")).isInstanceOf(Peers.class);
    }
}
