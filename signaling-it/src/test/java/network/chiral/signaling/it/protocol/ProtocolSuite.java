package network.chiral.signaling.it.protocol;

import static network.chiral.signaling.it.fixture.PeerClient.newId;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Peers;
import network.chiral.signaling.it.fixture.ServerTarget;
import network.chiral.signaling.it.fixture.SocketBuffers;


/**
 * The protocol, case by case, over real sockets. Each deployment form extends this class and
 * supplies its running server through {@link #startTarget()}; the cases live only here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProtocolSuite {
    /** Closes the peers each case opened, after the case. */
    @RegisterExtension
    final Peers peers = new Peers();
    private ServerTarget target;

    /** Starts the server under test with {@link ServerTarget#SUITE_SETTINGS}. */
    protected abstract ServerTarget startTarget() throws Exception;

    @BeforeAll
    void start() throws Exception {
        target = startTarget();
        WebSocketClient client = target.webSocketClient();
        client.setMaxTextMessageSize(1024 * 1024);
        peers.start(client);
    }

    @AfterAll
    void stop() throws Exception {
        peers.stop();
        target.close();
    }

    protected final ServerTarget target() {
        return target;
    }

    protected final PeerClient connect() {
        return connect(PeerClient.Behaviour.POLITE);
    }

    protected final PeerClient connect(PeerClient.Behaviour behaviour) {
        return peers.connect(target.nextWebSocketUri(), behaviour);
    }

    /** A new socket, registered as {@code id}. */
    protected final PeerClient registered(String id) {
        PeerClient peer = connect();
        peer.register(id);
        return peer;
    }

    private static List<String> ids(JsonObject peersReply) {
        return peersReply.getJsonArray("peers").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    // --- register ---------------------------------------------------------------------------

    @Test
    void registerAnswersWithThePeerListIncludingTheCaller() {
        PeerClient alice = connect();
        PeerClient bob = connect();
        String a = newId();
        String b = newId();
        alice.register(a);
        JsonObject reply = bob.register(b);
        assertThat(ids(reply)).contains(a, b);
        assertThat(reply.getInt("total")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void peerListIsCappedButTotalCountsEveryone() {
        List<String> registered = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String id = newId();
            connect().register(id);
            registered.add(id);
        }
        String last = newId();
        JsonObject reply = connect().register(last);
        assertThat(ids(reply)).hasSize(5).contains(last);
        assertThat(reply.getInt("total")).isGreaterThanOrEqualTo(8);
    }

    @Test
    void registeringAnotherIdReleasesTheOldOne() {
        PeerClient alice = connect();
        PeerClient bob = connect();
        String first = newId();
        String second = newId();
        alice.register(first);
        assertThat(ids(alice.register(second))).contains(second).doesNotContain(first);
        bob.register(newId());
        bob.send(Frames.sessionOffer(first, "v=0"));
        assertThat(bob.nextError("peer-not-found")).contains(first);
        PeerClient carol = connect();
        assertThat(ids(carol.register(first))).contains(first);
    }

    @Test
    void registeringTheSameIdAgainIsHarmless() {
        PeerClient alice = connect();
        String a = newId();
        alice.register(a);
        assertThat(ids(alice.register(a))).containsOnlyOnce(a);
    }

    @Test
    void invalidClientIdsAreRefused() {
        PeerClient peer = connect();
        for (String bad : List.of("", "x".repeat(257), "tab\there", "nul\u0000", "bell\u0007")) {
            peer.send(Frames.register(bad));
            assertThat(peer.nextError("invalid-message")).contains("clientId");
        }
        assertThat(ids(peer.register("x".repeat(256)))).contains("x".repeat(256));
    }

    @Test
    void aLiveIdCannotBeTakenOver() {
        PeerClient holder = connect();
        PeerClient thief = connect();
        PeerClient caller = connect();
        String id = newId();
        holder.register(id);
        thief.send(Frames.register(id));
        assertThat(thief.nextError("id-taken")).contains(id);
        caller.register(newId());
        caller.send(Frames.sessionOffer(id, "v=0 still mine"));
        assertThat(holder.next("offer").getJsonObject("sdp").getString("sdp")).isEqualTo("v=0 still mine");
        thief.assertNothingPending();
    }

    // --- relay ------------------------------------------------------------------------------

    @Test
    void offerAnswerAndCandidateAreRelayedWithTheSenderStamped() {
        String a = newId();
        String b = newId();
        PeerClient alice = registered(a);
        PeerClient bob = registered(b);

        alice.send("{\"type\":\"offer\",\"from\":\"mallory\",\"to\":\"" + b + "\",\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}}");
        JsonObject offer = bob.next("offer");
        assertThat(offer.getString("from")).isEqualTo(a);
        assertThat(offer.getString("to")).isEqualTo(b);
        assertThat(offer.getJsonObject("sdp")).isEqualTo(Json.createObjectBuilder().add("type", "offer").add("sdp", "v=0\r\n").build());

        bob.send(Frames.relay("answer", a, Frames.description("answer", "v=0\r\n")));
        JsonObject answer = alice.next("answer");
        assertThat(answer.getString("from")).isEqualTo(b);
        assertThat(answer.getJsonObject("sdp").getString("type")).isEqualTo("answer");

        String candidate = "{\"candidate\":\"candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"abcd\"}";
        alice.send("{\"type\":\"candidate\",\"from\":\"" + b + "\",\"to\":\"" + b + "\",\"candidate\":" + candidate + "}");
        JsonObject relayed = bob.next("candidate");
        assertThat(relayed.getString("from")).isEqualTo(a);
        assertThat(relayed.get("candidate")).isEqualTo(Json.createReader(new java.io.StringReader(candidate)).readValue());
    }

    @Test
    void applicationDefinedMessagesAreRelayedLikeOffers() {
        // The Chiral client's own tests send {"type":"test","to":...}.
        String a = newId();
        String b = newId();
        PeerClient alice = registered(a);
        PeerClient bob = registered(b);
        alice.send("{\"type\":\"test\",\"from\":\"mallory\",\"to\":\"" + b + "\",\"data\":{\"n\": [1, 2.50]}}");
        assertThat(bob.nextFrame()).isEqualTo("{\"type\":\"test\",\"from\":\"" + a + "\",\"to\":\"" + b
                + "\",\"data\":{\"n\": [1, 2.50]}}");
        List<JsonObject> replies = alice.exchange("{\"type\":\"file-request\",\"to\":\"" + newId() + "\"}");
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).getString("code")).isEqualTo("peer-not-found");
        bob.assertNothingPending();
    }

    @Test
    void permessageDeflateIsDeclinedAndRelaysStillFlow() {
        // Offered the way browsers offer it; the server must answer without the extension.
        org.eclipse.jetty.websocket.client.ClientUpgradeRequest deflating = new org.eclipse.jetty.websocket.client.ClientUpgradeRequest();
        deflating.addExtensions("permessage-deflate; client_max_window_bits");
        PeerClient alice = peers.connect(target.nextWebSocketUri(), deflating);
        assertThat(alice.extensions()).isEmpty();
        alice.register(newId());
        String b = newId();
        PeerClient bob = registered(b);
        alice.send(Frames.sessionOffer(b, "v=0\r\n"));
        assertThat(bob.next("offer").getJsonObject("sdp").getString("sdp")).isEqualTo("v=0\r\n");
    }

    @Test
    void aLargeNonAsciiSdpArrivesUnchanged() {
        String b = newId();
        PeerClient alice = registered(newId());
        PeerClient bob = registered(b);
        StringBuilder sdp = new StringBuilder("v=0\r\n");
        while (sdp.toString().getBytes(StandardCharsets.UTF_8).length < 48 * 1024) {
            sdp.append("a=fmtp:111 minptime=10;useinbandfec=1 Ünïcödé 文件 🚀 \"quoted\" \\ back\r\n");
        }
        alice.send(Frames.sessionOffer(b, sdp.toString()));
        assertThat(bob.next("offer").getJsonObject("sdp").getString("sdp")).isEqualTo(sdp.toString());
    }

    @Test
    void thePayloadArrivesAsTheSenderWroteItByteForByte() {
        String b = newId();
        String a = newId();
        PeerClient alice = registered(a);
        PeerClient bob = registered(b);
        String sdp = "{ \"sdp\" : \"v=0\\r\\n\\u00e9\\/\", \"n\":1.50E+2,\n\t\"type\":\"offer\" }";
        alice.send("{\"type\":\"offer\",\"to\":\"" + b + "\",\"extra\":[1],\"sdp\":  " + sdp + " }");
        assertThat(bob.nextFrame()).isEqualTo("{\"type\":\"offer\",\"from\":\"" + a + "\",\"to\":\"" + b + "\",\"sdp\":" + sdp + "}");
    }

    @Test
    void payloadsThatAreNotObjectsAreRelayedToo() {
        String b = newId();
        PeerClient alice = registered(newId());
        PeerClient bob = registered(b);
        alice.send("{\"type\":\"candidate\",\"to\":\"" + b + "\",\"candidate\":\"candidate:0 1 UDP 1 1.2.3.4 9 typ host\"}");
        assertThat(bob.next("candidate").getString("candidate")).isEqualTo("candidate:0 1 UDP 1 1.2.3.4 9 typ host");
        alice.send("{\"type\":\"offer\",\"to\":\"" + b + "\",\"sdp\":\"v=0\"}");
        assertThat(bob.next("offer").getString("sdp")).isEqualTo("v=0");
    }

    @Test
    void relayingBeforeRegisteringIsRefusedAndForwardsNothing() {
        PeerClient stranger = connect();
        PeerClient bob = connect();
        String b = newId();
        bob.register(b);
        stranger.send(Frames.sessionOffer(b, "v=0"));
        assertThat(stranger.nextError("not-registered")).contains("register");
        stranger.send(Frames.relay("candidate", b, "{}"));
        stranger.nextError("not-registered");
        bob.assertNothingPending();
    }

    @Test
    void offersAndAnswersToUnknownIdsGetPeerNotFound() {
        PeerClient alice = registered(newId());
        String ghost = newId();
        alice.send(Frames.sessionOffer(ghost, "v=0"));
        assertThat(alice.nextError("peer-not-found")).isEqualTo("Peer " + ghost + " not found");
        alice.send(Frames.relay("answer", ghost, "{}"));
        assertThat(alice.nextError("peer-not-found")).contains(ghost);
    }

    @Test
    void candidatesToUnknownIdsAreDroppedSilently() {
        PeerClient alice = registered(newId());
        alice.send(Frames.relay("candidate", newId(), "{\"candidate\":\"\"}"));
        alice.assertNothingPending();
    }

    @Test
    void aClosedSocketsIdIsFreedAtOnce() {
        String a = newId();
        PeerClient alice = registered(a);
        PeerClient bob = registered(newId());
        alice.close();
        alice.awaitClose();
        Await.until("the closed socket's id is free", Duration.ofSeconds(5), () -> isGone(bob, a));
        assertThat(ids(connect().register(a))).contains(a);
    }

    @Test
    void anAbruptDisconnectFreesTheIdToo() {
        String a = newId();
        PeerClient alice = registered(a);
        PeerClient bob = registered(newId());
        alice.disconnect();
        Await.until("the dropped socket's id is free", Duration.ofSeconds(5), () -> isGone(bob, a));
    }

    /** Whether an offer from {@code asker} to {@code id} now gets {@code peer-not-found}. */
    private static boolean isGone(PeerClient asker, String id) {
        return asker.exchange(Frames.sessionOffer(id, "v=0")).stream()
                .anyMatch(r -> r.getString("type").equals("error") && r.getString("code").equals("peer-not-found"));
    }

    // --- heartbeats -------------------------------------------------------------------------

    @Test
    void pingIsAnsweredWithPongCarryingTheSameTsAndFrom() {
        PeerClient alice = connect();
        alice.send(Frames.ping(1732550000123L, "alice"));
        JsonObject pong = alice.next("pong");
        assertThat(pong.getJsonNumber("ts").longValue()).isEqualTo(1732550000123L);
        assertThat(pong.getString("from")).isEqualTo("alice");
    }

    @Test
    void pongFromAClientIsAcceptedSilently() {
        PeerClient alice = connect();
        alice.send(Frames.pong(5, "alice"));
        alice.assertNothingPending();
    }

    // --- bad input --------------------------------------------------------------------------

    @Test
    void malformedFramesGetInvalidMessageAndTheSocketStaysUsable() {
        PeerClient peer = connect();
        Map<String, String> cases = Map.of(
                "{not json", "not valid JSON",
                "[1,2,3]", "JSON object",
                "{\"clientId\":\"a\"}", "'type'",
                "{\"type\":\"teleport\"}", "unknown message type 'teleport'",
                "{\"type\":\"register\"}", "clientId",
                "{\"type\":\"register\",\"clientId\":42}", "clientId",
                "{\"type\":\"ping\",\"ts\":\"soon\"}", "ts",
                "{\"type\":\"offer\",\"to\":\"x\"}", "sdp",
                "{\"type\":\"peers\",\"peers\":[]}", "server only");
        cases.forEach((frame, explanation) -> {
            peer.send(frame);
            assertThat(peer.nextError("invalid-message")).as("reply to %s", frame).contains(explanation);
        });
        assertThat(ids(peer.register(newId()))).isNotEmpty();
        assertThat(peer.isOpen()).isTrue();
    }

    @Test
    void framesThatOnceHungOrLeakedGetInvalidMessageAndTheSocketStaysUsable() {
        // Each of these once spun a thread for ever, closed with 1011, leaked an exception's
        // text or came back altered; HostileInputIT generates thousands more like them.
        PeerClient peer = connect();
        String deep = "[".repeat(999) + "]".repeat(999);
        List<String> frames = List.of(
                "{\"type\":\"ping\",\"x\":[",
                "{\"type\":\"pong\",\"x\":[",
                "{\"type\":\"register\",\"x\":{",
                "{\"type\":\"offer\",\"to\":\"x\",\"sdp\":" + deep + "}",
                "{\"x\":" + deep + ",\"type\":\"offer\",\"to\":\"x\",\"sdp\":1}",
                "{\"x\":" + deep + "}",
                "{\"type\":\"offer\",\"to\":\"x\",\"sdp\":12",
                "{\"type\":\"ping\",\"ts\":1} x",
                "{\"type\":\"ping\",\"ts\":1,\"x\":[1,,2]}",
                "{\"type\":\"ping\",\"ts\":7,\"from\":\"\\ud800\"}",
                "{\"type\":\"offer\",\"to\":\"\\ud800\",\"sdp\":{}}");
        for (String frame : frames) {
            List<JsonObject> replies = peer.exchange(frame);
            assertThat(replies).as("replies to %s", frame).hasSize(1);
            assertThat(replies.get(0).getString("code")).as("code for %s", frame).isEqualTo("invalid-message");
            assertThat(replies.get(0).getString("message")).doesNotContain("Exception", "begin ", "1,000");
        }
        assertThat(ids(peer.register(newId()))).isNotEmpty();
    }

    @Test
    void binaryFramesGetInvalidMessageAndTheSocketStaysUsable() {
        PeerClient peer = connect();
        peer.sendBinary(new byte[] {1, 2, 3});
        assertThat(peer.nextError("invalid-message")).contains("binary");
        peer.assertNothingPending();
    }

    @Test
    void anOversizedFrameClosesOnlyThatSocketWith1009() {
        PeerClient bystander = connect();
        String b = newId();
        bystander.register(b);
        PeerClient big = registered(newId());
        big.send(Frames.sessionOffer(b, "x".repeat(70 * 1024)));
        assertThat(big.awaitClose().code()).isEqualTo(1009);
        PeerClient other = registered(newId());
        other.send(Frames.sessionOffer(b, "v=0 after"));
        assertThat(bystander.next("offer").getJsonObject("sdp").getString("sdp")).isEqualTo("v=0 after");
    }

    // --- liveness and backpressure ----------------------------------------------------------

    @Test
    void theServerPingsAQuietSocketAndKeepsItWhileItAnswers() {
        PeerClient quiet = registered(newId());
        Await.until("two server pings answered", Duration.ofSeconds(20), () -> quiet.pingsReceived() >= 2);
        assertThat(quiet.isOpen()).isTrue();
        quiet.assertNothingPending();
    }

    @Test
    void aSilentSocketIsClosedWith1001AndItsIdFreed() {
        PeerClient silent = connect(PeerClient.Behaviour.DEAF_TO_PINGS);
        String id = newId();
        silent.register(id);
        Duration idle = Duration.ofSeconds(Long.parseLong(ServerTarget.SUITE_SETTINGS.get("SIGNALING_IDLE_TIMEOUT_SECONDS")));
        // Closed within 1.25 idle timeouts (the sweep runs every quarter); allow for a slow machine.
        PeerClient.Close close = silent.awaitClose(idle.multipliedBy(2));
        assertThat(close.code()).isEqualTo(1001);
        assertThat(silent.pingsReceived()).isPositive();
        assertThat(ids(connect().register(id))).contains(id);
    }

    /**
     * A socket that stops reading while another floods it with 30 KB offers is let go at its
     * send-queue cap (its id freed, so the flooder's next offers get {@code peer-not-found}),
     * and relays between two bystanders, interleaved with the flood, all arrive in order.
     *
     * <p>How many offers the flooder gets through, counting the one that overflowed the queue
     * (dropped silently) and none after: more than the queue alone holds
     * ({@code SIGNALING_SEND_QUEUE_BYTES} 65536 is two 30 KB frames), so the cap is not
     * smaller than configured, except in Tomcat, which reports writes done late
     * ({@link ServerTarget#reportsWritesLate}), where at least the first; and at most the cap plus what the sockets on the way can take
     * off the server's hands, so the cap is in force. A socket's writes complete once the
     * kernel has the bytes: per TCP connection the sender's buffer, which Linux grows up to
     * tcp_wmem's max (4 MiB), and the receiver's, 128 KiB while it does not read
     * ({@link SocketBuffers}). Measured on loopback: 133 offers to a Jetty-based server,
     * directly, over TLS or across a cluster (the cap plus about one connection's buffers,
     * whose sum is 143 offers); from 1 to 87 in Tomcat, whose writes stop completing with
     * less in the kernel and at varying depths; 272 to 296 through nginx (two connections,
     * nginx's 64 KiB buffer, and growth of its upstream receive buffer, which autotunes
     * because nginx reads). The bound allows twice the buffers of every connection on the
     * way: 284 offers directly, 566 through nginx. A server without a cap never answers
     * {@code peer-not-found} and fails at the bound.
     */
    @Test
    void aPeerThatStopsReadingIsDroppedAtItsSendQueueCapWithoutDisturbingOthers() {
        PeerClient stuck = connect(PeerClient.Behaviour.NOT_READING);
        String s = newId();
        stuck.send(Frames.register(s));
        PeerClient flooder = registered(newId());
        String a = newId();
        String b = newId();
        PeerClient alice = registered(a);
        PeerClient bob = registered(b);
        // The stuck peer cannot read its peers reply: its registration shows when offers to it stop being refused.
        Await.until("the stuck peer is registered", PeerClient.WAIT, () -> flooder.exchange(Frames.sessionOffer(s, "v=0")).isEmpty());

        String sdp = "x".repeat(30 * 1024);
        long cap = Long.parseLong(ServerTarget.SUITE_SETTINGS.get("SIGNALING_SEND_QUEUE_BYTES"));
        // The relayed frame is the offer plus its envelope, well under 512 characters.
        long fitInQueue = cap / (sdp.length() + 512);
        long onTheWay = 2 * (1 + target.proxies()) * SocketBuffers.perConnection();
        long mostBeforeDrop = (cap + onTheWay) / sdp.length() + 1;

        int sent = 0;
        int refused = 0;
        int relays = 0;
        while (refused == 0 && sent <= mostBeforeDrop) {
            // A burst of 16 offers to the stuck peer, with a bystander relay after every fourth...
            int burstRelays = relays;
            for (int i = 0; i < 15; i++) {
                flooder.send(Frames.sessionOffer(s, sdp));
                sent++;
                if (i % 4 == 3) {
                    alice.send("{\"type\":\"candidate\",\"to\":\"" + b + "\",\"candidate\":{\"seq\":" + relays++ + "}}");
                }
            }
            // ...and the last with a ping behind it: every reply to the burst arrives before the pong.
            sent++;
            for (JsonObject reply : flooder.exchange(Frames.sessionOffer(s, sdp))) {
                // The offer that overflowed the queue: unavailable; once the id is freed: peer-not-found.
                assertThat(reply.getString("type") + " " + reply.getString("code", "")).as("reply to the flood: %s", reply)
                        .isIn("error unavailable", "error peer-not-found");
                refused++;
            }
            // The bystander relays of this burst arrived, in order, and the round trip back works.
            for (int seq = burstRelays; seq < relays; seq++) {
                JsonObject candidate = bob.next("candidate");
                assertThat(candidate.getString("from")).isEqualTo(a);
                assertThat(candidate.getJsonObject("candidate").getInt("seq")).as("bystander relay in order").isEqualTo(seq);
            }
            bob.send("{\"type\":\"answer\",\"to\":\"" + a + "\",\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0 " + relays + "\"}}");
            assertThat(alice.next("answer").getJsonObject("sdp").getString("sdp")).isEqualTo("v=0 " + relays);
        }
        // Once the id is freed every later offer is refused, so the first refusal came this many offers in.
        int beforeDrop = sent - refused;
        LoggerFactory.getLogger(getClass()).info("slow reader: dropped after {} offers of {} characters (queue holds {}, bound {}); {} bystander relays in order",
                beforeDrop, sdp.length(), fitInQueue, mostBeforeDrop, relays);
        assertThat(refused).as("offers refused with peer-not-found after %d sent: the stuck peer was dropped", sent).isPositive();
        // More than the queue holds, where the container reports a write done once the bytes
        // left; where it reports it later (Tomcat), a burst can fill the queue before the first
        // write is counted out, so only the first offer is sure to get through (seen: 1 and 2).
        int fewestBeforeDrop = target.reportsWritesLate() ? 1 : (int) fitInQueue + 1;
        assertThat(beforeDrop).as("offers the flooder got through before the stuck peer was dropped")
                .isGreaterThanOrEqualTo(fewestBeforeDrop)
                .isLessThanOrEqualTo((int) mostBeforeDrop);
        // The stuck peer's id stays free. In a cluster a refusal from another node may trail the
        // pong it was sent before (a relay that reached the stuck peer's node as it was dropped is
        // routed once more before it is answered), so answers to the flood may still come first.
        flooder.send(Frames.sessionOffer(s, "v=0"));
        JsonObject answer;
        do {
            answer = flooder.next("error");
            assertThat(answer.getString("code")).as("answer after the drop: %s", answer).isIn("unavailable", "peer-not-found");
        } while (!answer.getString("code").equals("peer-not-found"));

        stuck.resumeReading();
        PeerClient.Close close = stuck.awaitClose();
        assertThat(close).as("close seen by the stuck peer once it reads again").isEqualTo(new PeerClient.Close(1008, "send queue overflow"));
        assertThat(alice.isOpen() && bob.isOpen() && flooder.isOpen()).as("everyone else is still connected").isTrue();
        alice.assertNothingPending();
        bob.assertNothingPending();
    }

    @Test
    void messagesBetweenEachPairArriveInOrderWithNothingLostUnderConcurrency() throws Exception {
        int peerCount = 100;
        int perPeer = 50;
        List<PeerClient> ring = new ArrayList<>();
        List<String> ringIds = new ArrayList<>();
        for (int i = 0; i < peerCount; i++) {
            PeerClient peer = connect();
            String id = newId();
            peer.register(id);
            ring.add(peer);
            ringIds.add(id);
        }
        ExecutorService senders = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < peerCount; i++) {
                PeerClient sender = ring.get(i);
                String to = ringIds.get((i + 1) % peerCount);
                sends.add(senders.submit(() -> {
                    for (int seq = 0; seq < perPeer; seq++) {
                        sender.send(Frames.relay("candidate", to, "{\"seq\":" + seq + "}"));
                    }
                }));
            }
            for (Future<?> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }
        Map<String, List<Integer>> received = new ConcurrentHashMap<>();
        for (int i = 0; i < peerCount; i++) {
            String expectedFrom = ringIds.get((i + peerCount - 1) % peerCount);
            List<Integer> seqs = new ArrayList<>();
            for (int n = 0; n < perPeer; n++) {
                JsonObject candidate = ring.get(i).next("candidate");
                assertThat(candidate.getString("from")).isEqualTo(expectedFrom);
                seqs.add(candidate.getJsonObject("candidate").getInt("seq"));
            }
            received.put(ringIds.get(i), seqs);
            ring.get(i).assertNothingPending();
        }
        List<Integer> inOrder = java.util.stream.IntStream.range(0, perPeer).boxed().toList();
        assertThat(received).hasSize(peerCount).allSatisfy((id, seqs) -> assertThat(seqs).isEqualTo(inOrder));
    }

    // --- HTTP -------------------------------------------------------------------------------

    @Test
    void healthAnswers200WithStatusVersionUptimeAndConnections() throws Exception {
        connect().register(newId());
        HttpResponse<String> response = http("health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonObject health = Json.createReader(new java.io.StringReader(response.body())).readObject();
        assertThat(health.getString("status")).isEqualTo("ok");
        assertThat(health.getString("version")).isNotBlank();
        assertThat(health.getJsonNumber("uptimeSeconds").longValue()).isNotNegative();
        assertThat(health.getInt("connections")).isPositive();
    }

    @Test
    void plainHttpToOtherPathsIs404() throws Exception {
        assertThat(http("no-such-path").statusCode()).isEqualTo(404);
        assertThat(http("self-test.html").statusCode()).isEqualTo(404);
    }

    /**
     * A plain GET of the endpoint's own URL gets the self-test page and its files, in every
     * container; upgrades of that URL are what every other case here connects with.
     */
    @Test
    void theRootUrlServesTheSelfTestPageBesideTheEndpoint() throws Exception {
        HttpResponse<String> page = http("");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(p ->
                assertThat(p).contains("script-src 'self'"));
        assertThat(page.body()).contains("<script type=\"module\" src=\"self-test.js\">");
        HttpResponse<String> client = http("client.js");
        assertThat(client.statusCode()).isEqualTo(200);
        assertThat(client.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        connect().register(newId());
    }

    protected final HttpResponse<String> http(String path) throws Exception {
        HttpClient http = target.httpClient();
        URI uri = target.httpUri().resolve(path);
        return http.send(HttpRequest.newBuilder(uri).timeout(PeerClient.WAIT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

}
