package network.chiral.signaling.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.node.TestNode;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.RecordingTransport;

/** Registered sockets learn of peers that come and go, without registering again. */
class PresenceTest {
    private final SignalCodec codec = new SignalCodec();
    private final AtomicLong now = new AtomicLong(1_000);
    private TestNode signaling = create(Map.of());

    private TestNode create(Map<String, String> values) {
        TestNode node = TestNode.of(new java.util.HashMap<>(values), now::get);
        node.startTimers();
        return node;
    }

    @AfterEach
    void close() {
        signaling.close();
    }

    private Peer registered(RecordingTransport transport, String id) {
        Peer peer = signaling.open(transport, "192.0.2.1");
        signaling.receive(peer, Inbound.of(codec, "{\"type\":\"register\",\"clientId\":\"" + id + "\"}"));
        return peer;
    }

    private static List<String> peersMessages(RecordingTransport transport) {
        return transport.written.stream().filter(frame -> frame.startsWith("{\"type\":\"peers\"")).toList();
    }

    @Test
    void theFirstPeerLearnsOfTheSecondAtTheNextRound() {
        RecordingTransport first = new RecordingTransport();
        registered(first, "alice");
        signaling.runTimers();
        assertThat(peersMessages(first)).as("alone: the reply and a round's list").hasSize(2);

        registered(new RecordingTransport(), "bob");
        assertThat(peersMessages(first)).hasSize(2);
        signaling.runTimers();
        assertThat(peersMessages(first)).last().isEqualTo("{\"type\":\"peers\",\"peers\":[\"alice\",\"bob\"],\"total\":2}");
    }

    @Test
    void aRoundWithoutChangesSendsNothing() {
        RecordingTransport first = new RecordingTransport();
        registered(first, "alice");
        signaling.runTimers();
        int before = first.written.size();
        signaling.runTimers();
        signaling.runTimers();
        assertThat(first.written).hasSize(before);
    }

    @Test
    void manyChangesBetweenTwoRoundsMakeOnePush() {
        RecordingTransport first = new RecordingTransport();
        registered(first, "alice");
        signaling.runTimers();
        int before = peersMessages(first).size();
        for (int i = 0; i < 20; i++) {
            registered(new RecordingTransport(), "p" + i);
        }
        signaling.runTimers();
        assertThat(peersMessages(first)).hasSize(before + 1);
        assertThat(peersMessages(first)).last().asString().startsWith("{\"type\":\"peers\",\"peers\":[\"alice\",")
                .endsWith("],\"total\":21}");
    }

    @Test
    void aPeerThatLeavesIsDroppedFromTheNextList() {
        RecordingTransport first = new RecordingTransport();
        registered(first, "alice");
        Peer bob = registered(new RecordingTransport(), "bob");
        signaling.runTimers();
        signaling.closed(bob, 1000, "");
        signaling.runTimers();
        assertThat(peersMessages(first)).last().isEqualTo("{\"type\":\"peers\",\"peers\":[\"alice\"],\"total\":1}");
    }

    @Test
    void pushedListsAreCappedWithTheCallersIdFirstAndTheTotalOfAll() {
        signaling.close();
        signaling = create(Map.of("SIGNALING_PEERS_PUSH_LIMIT", "3"));
        List<RecordingTransport> sockets = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RecordingTransport t = new RecordingTransport();
            sockets.add(t);
            registered(t, "p" + i);
        }
        signaling.runTimers();
        for (int i = 0; i < 6; i++) {
            String pushed = peersMessages(sockets.get(i)).get(peersMessages(sockets.get(i)).size() - 1);
            assertThat(pushed).startsWith("{\"type\":\"peers\",\"peers\":[\"p" + i + "\",").endsWith("],\"total\":6}");
            assertThat(jakarta.json.Json.createReader(new java.io.StringReader(pushed)).readObject().getJsonArray("peers"))
                    .as("ids in %s", pushed).hasSize(3);
        }
    }

    @Test
    void aSocketThatAskedForDeltasHearsWhoJoinedAndWhoLeftInstead() {
        RecordingTransport watcher = new RecordingTransport();
        Peer alice = signaling.open(watcher, "192.0.2.1");
        signaling.receive(alice, Inbound.of(codec, "{\"type\":\"register\",\"clientId\":\"alice\",\"updates\":\"delta\"}"));
        signaling.runTimers();
        watcher.written.clear();

        Peer bob = registered(new RecordingTransport(), "bob");
        signaling.runTimers();
        assertThat(watcher.written).containsExactly("{\"type\":\"peer-joined\",\"id\":\"bob\"}");

        signaling.closed(bob, 1000, "");
        signaling.runTimers();
        assertThat(watcher.written).containsExactly("{\"type\":\"peer-joined\",\"id\":\"bob\"}",
                "{\"type\":\"peer-left\",\"id\":\"bob\"}");
    }

    @Test
    void deltasFallBackToAListWhenMoreChangedThanAListHolds() {
        signaling.close();
        signaling = create(Map.of("SIGNALING_PEERS_PUSH_LIMIT", "3"));
        RecordingTransport watcher = new RecordingTransport();
        Peer alice = signaling.open(watcher, "192.0.2.1");
        signaling.receive(alice, Inbound.of(codec, "{\"type\":\"register\",\"clientId\":\"alice\",\"updates\":\"delta\"}"));
        signaling.runTimers();
        watcher.written.clear();
        for (int i = 0; i < 5; i++) {
            registered(new RecordingTransport(), "p" + i);
        }
        signaling.runTimers();
        assertThat(watcher.written).singleElement().asString().startsWith("{\"type\":\"peers\",\"peers\":[\"alice\",")
                .endsWith("\"total\":6}");
    }

    @Test
    void unregisteredSocketsGetNoPushes() {
        RecordingTransport idle = new RecordingTransport();
        signaling.open(idle, "192.0.2.9");
        registered(new RecordingTransport(), "alice");
        signaling.runTimers();
        assertThat(idle.written).isEmpty();
    }

    @Test
    void pushesSwitchedOffSendNothing() {
        signaling.close();
        signaling = create(Map.of("SIGNALING_PEERS_PUSH_MILLIS", "0"));
        RecordingTransport first = new RecordingTransport();
        registered(first, "alice");
        registered(new RecordingTransport(), "bob");
        signaling.runTimers();
        assertThat(peersMessages(first)).hasSize(1);
    }
}
