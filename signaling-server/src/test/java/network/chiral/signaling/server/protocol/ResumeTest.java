package network.chiral.signaling.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.server.node.TestNode;
import network.chiral.signaling.server.peer.CloseCodes;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.RecordingTransport;

/**
 * A client that says it can resume gets a token with its {@code peers} reply; when its socket
 * drops, its id waits for it and relays to it are held, then delivered after the next socket's
 * {@code peers} reply, or answered when nobody comes back in time.
 */
class ResumeTest {
    private static final String OFFER_TO_ALICE = "{\"type\":\"offer\",\"to\":\"alice\",\"sdp\":{\"n\":1}}";

    private final AtomicLong now = new AtomicLong(1_000);
    private final TestNode node = TestNode.minuteIdle(Map.of(), now::get);

    @AfterEach
    void close() {
        node.close();
    }

    private Peer open(RecordingTransport transport, String register) {
        Peer peer = node.open(transport, "192.0.2.1");
        node.receive(peer, register);
        return peer;
    }

    private static JsonObject json(String frame) {
        return Json.createReader(new StringReader(frame)).readObject();
    }

    private static String resumable(String id, String token) {
        return "{\"type\":\"register\",\"clientId\":\"" + id + "\",\"resume\":\"" + token + "\"}";
    }

    private Peer alicePeer;
    private Peer bobPeer;

    /** Alice (able to resume) and Bob, registered; returns Alice's token. */
    private String aliceAndBob(RecordingTransport alice, RecordingTransport bob) {
        alicePeer = open(alice, resumable("alice", ""));
        bobPeer = open(bob, "{\"type\":\"register\",\"clientId\":\"bob\"}");
        return json(alice.written.get(0)).getString("resume");
    }

    @Test
    void onlyASocketThatSaysItCanResumeIsOfferedAToken() {
        RecordingTransport alice = new RecordingTransport();
        RecordingTransport bob = new RecordingTransport();
        String token = aliceAndBob(alice, bob);

        assertThat(token).matches("[A-Za-z0-9_-]{24}");
        assertThat(json(bob.written.get(0))).doesNotContainKey("resume");
    }

    @Test
    void aDroppedSocketsIdWaitsAndWhatWasSentMeanwhileFollowsThePeersReplyOfItsNextSocket() {
        RecordingTransport alice = new RecordingTransport();
        RecordingTransport bobSocket = new RecordingTransport();
        String token = aliceAndBob(alice, bobSocket);
        node.closed(alicePeer, 1006, "Disconnected");

        node.receive(bobPeer, OFFER_TO_ALICE);
        RecordingTransport again = new RecordingTransport();
        open(again, resumable("alice", token));

        assertThat(again.written).hasSize(2);
        assertThat(json(again.written.get(0)).getString("type")).isEqualTo("peers");
        assertThat(json(again.written.get(1)).getString("from")).isEqualTo("bob");
        assertThat(bobSocket.written).as("delivered: nothing to answer").hasSize(1);
        assertThat(node.registered()).isEqualTo(2);
    }

    @Test
    void whenNobodyComesBackInTimeTheSendersOfWhatWasHeldAreToldAndTheIdIsFree() {
        RecordingTransport alice = new RecordingTransport();
        RecordingTransport bobSocket = new RecordingTransport();
        aliceAndBob(alice, bobSocket);
        Peer bob = bobPeer;
        node.closed(alicePeer, 1006, "Disconnected");
        node.receive(bob, OFFER_TO_ALICE);
        assertThat(bobSocket.written).as("held, not answered yet").hasSize(1);

        node.runTimers();

        assertThat(json(bobSocket.written.get(1)).getString("code")).isEqualTo("unavailable");
        assertThat(node.registered()).isEqualTo(1);
        node.receive(bob, OFFER_TO_ALICE);
        assertThat(json(bobSocket.written.get(2)).getString("code")).isEqualTo("peer-not-found");
    }

    @Test
    void aSocketThatLeftWithACloseIsNotWaitedFor() {
        RecordingTransport alice = new RecordingTransport();
        RecordingTransport bobSocket = new RecordingTransport();
        aliceAndBob(alice, bobSocket);
        node.closed(alicePeer, 1000, "bye");

        node.receive(bobPeer, OFFER_TO_ALICE);

        assertThat(json(bobSocket.written.get(1)).getString("code")).isEqualTo("peer-not-found");
    }

    @Test
    void theResumeTokenTakesTheIdFromAHalfOpenSocketAtOnce() {
        RecordingTransport alice = new RecordingTransport();
        RecordingTransport bobSocket = new RecordingTransport();
        String token = aliceAndBob(alice, bobSocket);
        RecordingTransport again = new RecordingTransport();

        open(again, resumable("alice", token));

        assertThat(alice.closeCode).as("no probe: the token is the proof").isEqualTo(CloseCodes.REPLACED);
        assertThat(alice.pings).isZero();
        assertThat(json(again.written.get(0)).getString("type")).isEqualTo("peers");
    }

    @Test
    void aWrongTokenIsNoProofAndTheHolderIsProbedAsUsual() {
        RecordingTransport alice = new RecordingTransport();
        RecordingTransport bobSocket = new RecordingTransport();
        aliceAndBob(alice, bobSocket);
        RecordingTransport again = new RecordingTransport();

        open(again, resumable("alice", "not-the-token-but-long-enough"));

        assertThat(alice.closeCode).isNull();
        assertThat(alice.pings).isEqualTo(1);
        assertThat(again.written).as("waits for the probe").isEmpty();
    }

    @Test
    void aResumeValueThatIsNoTokenIsNoProofEvenWhenItCouldNotTravelBetweenNodes() {
        RecordingTransport alice = new RecordingTransport();
        RecordingTransport bobSocket = new RecordingTransport();
        aliceAndBob(alice, bobSocket);
        RecordingTransport again = new RecordingTransport();

        open(again, "{\"type\":\"register\",\"clientId\":\"alice\",\"resume\":\"has spaces and a\\nnewline in it\"}");

        assertThat(alice.closeCode).isNull();
        assertThat(alice.pings).as("probed as usual").isEqualTo(1);
    }

    @Test
    void aResumeThatIsNotAStringIsAnInvalidMessage() {
        RecordingTransport alice = new RecordingTransport();
        open(alice, "{\"type\":\"register\",\"clientId\":\"alice\",\"resume\":5}");

        assertThat(json(alice.written.get(0)).getString("code")).isEqualTo("invalid-message");
        assertThat(node.registered()).isZero();
    }
}
