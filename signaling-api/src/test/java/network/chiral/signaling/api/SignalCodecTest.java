package network.chiral.signaling.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;

import jakarta.json.Json;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignalCodecTest {
    private static final SignalCodec CODEC = new SignalCodec();

    @AfterAll
    static void close() throws Exception {
        CODEC.close();
    }

    /** The payload that is this JSON value, in compact form. */
    private static Payload json(String text) {
        return Payload.of(Json.createReader(new StringReader(text)).readValue());
    }

    @Test
    void everyPermittedRecordHasATypeAliasAndNoAliasNamesAnOutsider() {
        // An application's message carries its own type, so it alone has no alias.
        List<Class<?>> permitted = java.util.Arrays.stream(SignalMessage.class.getPermittedSubclasses())
                .filter(type -> type != AppMessage.class).toList();
        assertThat(SignalCodec.aliases().values()).containsExactlyInAnyOrderElementsOf(permitted);
    }

    @Test
    void everyRecordEncodesWithItsTypeFirst() {
        List<SignalMessage> samples = List.of(
                new Register("a"),
                new Offer("a", "b", json("{\"type\":\"offer\",\"sdp\":\"v=0\"}")),
                new Answer("a", "b", json("{\"type\":\"answer\",\"sdp\":\"v=0\"}")),
                new Candidate("a", "b", json("{\"candidate\":\"candidate:1\",\"sdpMid\":\"0\"}")),
                new Ping(1L, "a"),
                new Pong(1L, "a"),
                new Peers(List.of("a"), 1),
                ErrorMessage.of(ErrorCode.ID_TAKEN, "taken"));
        for (SignalMessage message : samples) {
            String alias = SignalCodec.aliases().entrySet().stream()
                    .filter(e -> e.getValue() == message.getClass()).findFirst().orElseThrow().getKey();
            assertThat(CODEC.encode(message)).startsWith("{\"type\":\"" + alias + "\"");
        }
    }

    @Test
    void decodesTheChiralClientsOffer() throws Exception {
        SignalMessage message = CODEC.decode(
                "{\"type\":\"offer\",\"from\":\"a\",\"to\":\"b\",\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}}");
        assertThat(message).isEqualTo(new Offer("a", "b", json("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}")));
    }

    @Test
    void payloadsOfAnyJsonKindSurviveARoundTrip() throws Exception {
        for (String payload : List.of("\"plain string\"", "42", "2.50", "true", "[1,\"x\",{\"k\":null}]",
                "{\"candidate\":\"candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":null}")) {
            String frame = "{\"type\":\"candidate\",\"from\":\"a\",\"to\":\"b\",\"candidate\":" + payload + "}";
            Candidate decoded = (Candidate) CODEC.decode(frame);
            assertThat(decoded.candidate().json()).isEqualTo(payload);
            assertThat(decoded.candidate().value()).isEqualTo(json(payload).value());
            assertThat(CODEC.encode(decoded)).isEqualTo(frame);
        }
    }

    @Test
    void thePayloadIsForwardedAsTheSenderWroteItNotRewritten() throws Exception {
        String payload = "{ \"sdp\" : \"v=0\\r\\n\\u00e9\\/x\",\n\t\"n\":1.50E+2, \"k\":[ ] }";
        Offer offer = (Offer) CODEC.decode("{\"type\":\"offer\",\"to\":\"b\",\"sdp\" :\r\n " + payload + " \n}");
        assertThat(offer.sdp().json()).isEqualTo(payload);
        assertThat(CODEC.encode(offer.withFrom("a")))
                .isEqualTo("{\"type\":\"offer\",\"from\":\"a\",\"to\":\"b\",\"sdp\":" + payload + "}");
    }

    @Test
    void payloadsLongerThanTheParsersBufferAreCutAtTheRightPlace() throws Exception {
        // The parser reads the frame in chunks of a few KB; offsets must hold across refills.
        for (int size : List.of(4090, 4096, 8191, 100_000)) {
            String payload = "{\"sdp\":\"" + "a\\r\\n".repeat(size / 5) + "\",  \"x\":[1, {\"y\":null}]}";
            String frame = "{\"type\":\"answer\",\"sdp\":   " + payload + "  ,\"to\":\"b\",\"z\":\"" + "q".repeat(size) + "\"}";
            Answer answer = (Answer) CODEC.decode(frame);
            assertThat(answer.sdp().json()).isEqualTo(payload);
            assertThat(answer.to()).isEqualTo("b");
        }
    }

    @Test
    void idsThatNeedEscapesAreEscaped() throws Exception {
        Offer offer = new Offer("a\"b\\c", "d\ne", Payload.of(Json.createValue("x")));
        String frame = CODEC.encode(offer);
        assertThat(frame).isEqualTo("{\"type\":\"offer\",\"from\":\"a\\\"b\\\\c\",\"to\":\"d\\ne\",\"sdp\":\"x\"}");
        assertThat(CODEC.decode(frame)).isEqualTo(offer);
    }

    @Test
    void nonAsciiSdpSurvivesUnchanged() throws Exception {
        String sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=Ünïcödé 文件 🚀\r\n";
        Offer offer = new Offer("a", "b", Payload.of(Json.createValue(sdp)));
        Offer back = (Offer) CODEC.decode(CODEC.encode(offer));
        assertThat(((jakarta.json.JsonString) back.sdp().value()).getString()).isEqualTo(sdp);
    }

    @Test
    void optionalFieldsAreLeftOutWhenAbsent() {
        assertThat(CODEC.encode(new Pong(7L, null))).isEqualTo("{\"type\":\"pong\",\"ts\":7}");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{bad                                        | the frame is not valid JSON",
        "''                                          | the frame is not valid JSON",
        "[1,2]                                       | a message must be a JSON object",
        "\"register\"                                | a message must be a JSON object",
        "{\"clientId\":\"a\"}                        | a message requires a string field 'type'",
        "{\"type\":7}                                | field 'type' must be a string",
        "{\"type\":\"subscribe\"}                    | unknown message type 'subscribe'",
        "{\"type\":\"register\"}                     | 'register' requires field 'clientId'",
        "{\"type\":\"register\",\"clientId\":null}   | 'register' requires field 'clientId'",
        "{\"type\":\"register\",\"clientId\":12}     | field 'clientId' has the wrong type",
        "{\"type\":\"register\",\"clientId\":true}   | field 'clientId' has the wrong type",
        "{\"type\":\"register\",\"clientId\":{}}     | field 'clientId' has the wrong type",
        "{\"type\":\"offer\",\"to\":\"b\"}           | 'offer' requires field 'sdp'",
        "{\"type\":\"offer\",\"to\":\"b\",\"sdp\":null} | 'offer' requires field 'sdp'",
        "{\"type\":\"answer\",\"sdp\":{}}            | 'answer' requires field 'to'",
        "{\"type\":\"candidate\",\"to\":[1],\"candidate\":{}} | field 'to' has the wrong type",
        "{\"type\":\"ping\",\"ts\":\"12\"}           | field 'ts' has the wrong type",
        "{\"type\":\"ping\",\"ts\":1.5}              | field 'ts' has the wrong type",
        "{\"type\":\"ping\"}                         | 'ping' requires field 'ts'",
        "{\"type\":\"offer\",\"from\":7,\"to\":\"b\",\"sdp\":{}} | field 'from' has the wrong type",
        "{\"type\":\"answer\",\"to\":\"b\",\"sdp\":{}} trailing | the frame has content after its JSON object",
        "{\"type\":\"offer\",\"to\":\"b\",\"sdp\":{\"x\":} | the frame is not valid JSON",
        "{\"type\":\"offer\",\"to\":\"b\",\"sdp\":{\"x\":[}}} | the frame is not valid JSON",
        "{\"type\":\"offer\",\"to\":\"b\",\"sdp\":[1,]} | the frame is not valid JSON",
        "{\"type\":\"answer\",\"to\":\"b\",\"sdp\":\"\\x\"} | the frame is not valid JSON",
        "{\"type\":\"candidate\",\"to\":\"b\",\"candidate\":{\"a\" 1}} | the frame is not valid JSON",
        "{\"type\":\"candidate\",\"to\":\"b\",\"candidate\": null } | 'candidate' requires field 'candidate'",
        "{\"type\":\"offer\",\"to\":\"b\",\"sdp\":1,\"x\":{\"a\":[}} | the frame is not valid JSON",
        "{\"x\":{\"a\":[}},\"type\":\"register\",\"clientId\":\"a\"} | the frame is not valid JSON",
        "{\"type\":\"candidate\",\"to\":\"b\"}   | 'candidate' requires field 'candidate'",
        "{\"type\":\"register\",\"clientId\":\"a\",\"updates\":\"all\"} | field 'updates' of 'register' must be 'list' or 'delta'",
        "{\"type\":\"register\",\"clientId\":\"a\",\"updates\":1} | field 'updates' has the wrong type",
    })
    void malformedFramesAreExplainedWithoutEchoingThem(String frame, String explanation) {
        assertThatThrownBy(() -> CODEC.decode(frame))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessage(explanation);
    }

    @Test
    void aLongUnknownTypeIsShortenedInTheExplanation() {
        String type = "x".repeat(10_000);
        assertThatThrownBy(() -> CODEC.decode("{\"type\":\"" + type + "\"}"))
                .hasMessage("unknown message type '" + "x".repeat(32) + "...'");
    }

    @Test
    void relaysEncodeExactlyAsJsonBWouldAndDecodeToTheSameRecords() throws Exception {
        try (jakarta.json.bind.Jsonb plain = jakarta.json.bind.JsonbBuilder.create()) {
            List<SignalMessage> relays = List.of(
                    new Offer("a", "b", json("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\\u00e9\\\"q\\\"\"}")),
                    new Offer(null, "b", Payload.of(Json.createValue("plain"))),
                    new Answer("\u00fcser", "b/\u6587", json("[1,2.50,null,true]")),
                    new Candidate("a", "b", json("{\"candidate\":\"candidate:1\",\"sdpMLineIndex\":0,\"u\":null}")));
            for (SignalMessage relay : relays) {
                String frame = CODEC.encode(relay);
                assertThat(frame).isEqualTo(plain.toJson(relay));
                assertThat(CODEC.decode(frame)).isEqualTo(relay);
            }
        }
    }

    @Test
    void peersRepliesEncodeExactlyAsJsonBWould() throws Exception {
        try (jakarta.json.bind.Jsonb plain = jakarta.json.bind.JsonbBuilder.create()) {
            IceServer turn = new IceServer(List.of("turn:t.example:3478", "turns:t.example:5349"), "1700000000:al\"ice",
                    "ea/Au+fP=");
            List<Peers> replies = List.of(
                    new Peers(List.of("alice"), 1),
                    new Peers(List.of("alice", "bob", "carol"), 3),
                    new Peers(List.of("dave", "bob", "carol"), 4),
                    new Peers(List.of("q\"uote", "back\\slash", "tab\tbed", "\u00e9t\u00e9/\u6587", "\ud83d\ude00"), 9),
                    new Peers(List.of("alice", "bob"), 2, List.of(new IceServer(List.of("stun:s.example:3478"), null, null), turn)),
                    new Peers(List.of("alice", "bob"), 2, List.of(turn), "tok_EN-1234567890abcdefgh"),
                    new Peers(List.of("alice"), 1, null, "tok_EN-1234567890abcdefgh"),
                    new Peers(List.of(), 0),
                    new Peers(List.of("solo"), null));
            for (Peers reply : replies) {
                assertThat(CODEC.encode(reply)).isEqualTo(plain.toJson(reply));
                assertThat(CODEC.decode(CODEC.encode(reply))).isEqualTo(reply);
            }
        }
    }

    @Test
    void aPeersListingIsReusedOnlyWhileItHoldsTheSameIds() throws Exception {
        try (jakarta.json.bind.Jsonb plain = jakarta.json.bind.JsonbBuilder.create()) {
            List<String> listed = new java.util.ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                listed.add("peer-" + i);
            }
            // Newcomers one after another see the same listing after their own id, then a changed one.
            for (int n = 0; n < 5; n++) {
                List<String> ids = new java.util.ArrayList<>(List.of("new-" + n));
                ids.addAll(listed.subList(0, 999));
                Peers reply = new Peers(ids, 1000 + n);
                assertThat(CODEC.encode(reply)).isEqualTo(plain.toJson(reply));
            }
            listed.set(500, "replaced");
            for (List<String> ids : List.of(listed, listed.subList(0, 10), listed.subList(0, 11),
                    List.of("x", "peer-0"), List.of("x", "peer-1"))) {
                Peers reply = new Peers(ids, ids.size());
                assertThat(CODEC.encode(reply)).isEqualTo(plain.toJson(reply));
            }
        }
    }

    @Test
    void theLastOfARepeatedRelayFieldWins() throws Exception {
        assertThat(CODEC.decode("{\"type\":\"offer\",\"to\":\"x\",\"sdp\":1,\"to\":\"b\",\"sdp\":2}"))
                .isEqualTo(new Offer(null, "b", json("2")));
    }

    @Test
    void typeNeedNotBeTheFirstKey() throws Exception {
        assertThat(CODEC.decode("{\"clientId\":\"a\",\"extra\":{\"n\":[1]},\"type\":\"register\"}"))
                .isEqualTo(new Register("a"));
    }

    @Test
    void aRelayWhoseTypeIsNotFirstIsReadTheSame() throws Exception {
        assertThat(CODEC.decode("{\"to\":\"b\",\"sdp\":{\"k\": [1]},\"type\":\"offer\"}"))
                .isEqualTo(new Offer(null, "b", Payload.verbatim("{\"k\": [1]}")));
        assertThatThrownBy(() -> CODEC.decode("{\"to\":\"b\",\"sdp\":{\"k\": [1}},\"type\":\"offer\"}"))
                .hasMessage("the frame is not valid JSON");
    }

    @Test
    void registerCarriesAnOptionalTokenAndStaysCompatibleWithout() throws Exception {
        assertThat(CODEC.decode("{\"type\":\"register\",\"clientId\":\"a\",\"token\":\"t.k.n\"}"))
                .isEqualTo(new Register("a", "t.k.n"));
        assertThat(CODEC.decode("{\"type\":\"register\",\"clientId\":\"a\"}")).isEqualTo(new Register("a", null));
        assertThat(CODEC.encode(new Register("a"))).isEqualTo("{\"type\":\"register\",\"clientId\":\"a\"}");
        assertThatThrownBy(() -> CODEC.decode("{\"type\":\"register\",\"clientId\":\"a\",\"token\":5}"))
                .isInstanceOf(MalformedMessageException.class);
        assertThat(new Register("a", "secret-token").toString()).doesNotContain("secret-token");
    }

    @Test
    void registerMayAskForDeltasAndPeerChangesEncodeWithTheirId() throws Exception {
        assertThat(((Register) CODEC.decode("{\"type\":\"register\",\"clientId\":\"a\",\"updates\":\"delta\"}")).wantsDeltas())
                .isTrue();
        assertThat(((Register) CODEC.decode("{\"type\":\"register\",\"clientId\":\"a\"}")).wantsDeltas()).isFalse();
        assertThat(CODEC.encode(new PeerJoined("b"))).isEqualTo("{\"type\":\"peer-joined\",\"id\":\"b\"}");
        assertThat(CODEC.encode(new PeerLeft("b"))).isEqualTo("{\"type\":\"peer-left\",\"id\":\"b\"}");
    }

    @Test
    void peersCarryIceServersOnlyWhenGiven() {
        assertThat(CODEC.encode(new Peers(List.of("a"), 1)))
                .isEqualTo("{\"type\":\"peers\",\"peers\":[\"a\"],\"total\":1}");
        Peers withIce = new Peers(List.of("a"), 1, List.of(
                new IceServer(List.of("stun:stun.example.com:3478"), null, null),
                new IceServer(List.of("turn:turn.example.com:3478"), "100:a", "c2VjcmV0")));
        assertThat(CODEC.encode(withIce)).isEqualTo("{\"type\":\"peers\",\"peers\":[\"a\"],\"total\":1,"
                + "\"iceServers\":[{\"urls\":[\"stun:stun.example.com:3478\"]},"
                + "{\"urls\":[\"turn:turn.example.com:3478\"],\"username\":\"100:a\",\"credential\":\"c2VjcmV0\"}]}");
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() throws Exception {
        assertThat(CODEC.decode("{\"type\":\"ping\",\"ts\":5,\"from\":\"a\",\"future\":1}"))
                .isEqualTo(new Ping(5L, "a"));
    }

    @Test
    void anUnreservedTypeWithAStringToIsTheApplicationsOwnMessageKeptAsSent() throws Exception {
        AppMessage app = (AppMessage) CODEC.decode(
                "{\"type\":\"test\", \"from\":\"spoofed\" ,\"to\":\"b\",\"data\":{ \"x\" : [1, 2.50] },\"n\":1e3}");
        assertThat(app).isEqualTo(new AppMessage("test", "spoofed", "b", "\"to\":\"b\",\"data\":{ \"x\" : [1, 2.50] },\"n\":1e3"));
        assertThat(CODEC.typeName(app)).isEqualTo("test");
        assertThat(CODEC.encode(app.withFrom("a")))
                .isEqualTo("{\"type\":\"test\",\"from\":\"a\",\"to\":\"b\",\"data\":{ \"x\" : [1, 2.50] },\"n\":1e3}");
        assertThat(CODEC.decode(CODEC.encode(app.withFrom("a")))).isEqualTo(app.withFrom("a"));
    }

    @Test
    void anApplicationMessageMayPutItsTypeAnywhereAndCarryNothingButTo() throws Exception {
        AppMessage app = (AppMessage) CODEC.decode("{\"to\":\"b\",\"type\":\"file-request\"}");
        assertThat(app.fields()).isEqualTo("\"to\":\"b\"");
        assertThat(CODEC.encode(app.withFrom("a"))).isEqualTo("{\"type\":\"file-request\",\"from\":\"a\",\"to\":\"b\"}");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"type\":\"x\",\"to\":5}                  | unknown message type 'x'",
        "{\"type\":\"x\"}                            | unknown message type 'x'",
        "{\"type\":\"x\",\"to\":\"b\",\"from\":[1]} | field 'from' has the wrong type",
        "{\"type\":\"\",\"to\":\"b\"}              | an application message type must be 1 to 64 characters, none of them a control character",
        "{\"type\":\"a\\u0001\",\"to\":\"b\"}      | an application message type must be 1 to 64 characters, none of them a control character",
        "{\"type\":\"register\",\"to\":\"b\"}        | 'register' requires field 'clientId'",
        "{\"type\":\"offer\",\"to\":\"b\"}           | 'offer' requires field 'sdp'",
    })
    void reservedTypesAndBadApplicationMessagesAreNotRelayed(String frame, String explanation) {
        assertThatThrownBy(() -> CODEC.decode(frame)).isInstanceOf(MalformedMessageException.class).hasMessage(explanation);
    }

    @Test
    void anApplicationTypeLongerThanTheLimitIsRefused() {
        assertThatThrownBy(() -> CODEC.decode("{\"type\":\"" + "t".repeat(65) + "\",\"to\":\"b\"}"))
                .hasMessageStartingWith("an application message type must be 1 to 64");
        assertThat(CODEC.reserved("offer")).isTrue();
        assertThat(CODEC.reserved("test")).isFalse();
    }

    @Test
    void errorCodesHaveKebabCaseWireNames() {
        assertThat(ErrorCode.PEER_NOT_FOUND.wireName()).isEqualTo("peer-not-found");
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.wireName()).matches("[a-z]+(-[a-z]+)*");
            assertThat(ErrorCode.fromWireName(code.wireName())).contains(code);
        }
    }
}
