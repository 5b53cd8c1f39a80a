package network.chiral.signaling.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.server.node.TestNode;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.RecordingTransport;
import network.chiral.signaling.server.routing.DelegatingDirectory;
import network.chiral.signaling.server.routing.PeerDirectory;

/**
 * A relay reaches its receiver after that receiver's {@code peers} reply, and a relay the
 * server can no longer deliver (its receiver is being closed) is answered, never dropped.
 */
class DeliveryOrderTest {
    private static final String OFFER_TO_BOB = "{\"type\":\"offer\",\"to\":\"bob\",\"sdp\":\"v=0\"}";

    private RaceDirectory directory;
    private final TestNode node = TestNode.withDirectory(Map.of(), late -> directory = new RaceDirectory());

    @AfterEach
    void close() {
        node.close();
    }

    /**
     * The local directory, except that a relay may slip in between an id being bound and the
     * register returning, as one from another thread or node can.
     */
    private static final class RaceDirectory extends DelegatingDirectory {
        Runnable duringRegister = () -> { };

        @Override
        public Registration register(String id, String replacing, Peer peer, int listLimit) {
            Registration registration = local.register(id, replacing, peer, listLimit);
            Runnable race = duringRegister;
            duringRegister = () -> { };
            race.run();
            return registration;
        }
    }

    private Peer registered(RecordingTransport transport, String id) {
        Peer peer = node.open(transport, "127.0.0.1");
        node.receive(peer, "{\"type\":\"register\",\"clientId\":\"" + id + "\"}");
        return peer;
    }

    private static List<String> types(RecordingTransport transport) {
        return transport.written.stream().map(frame -> frame.substring(9, frame.indexOf('"', 9))).toList();
    }

    @Test
    void aRelayThatArrivesWhileItsReceiversRegisterIsAnsweredComesAfterThePeersReply() {
        RecordingTransport aliceSocket = new RecordingTransport();
        Peer alice = registered(aliceSocket, "alice");
        RecordingTransport bobSocket = new RecordingTransport();
        directory.duringRegister = () -> node.receive(alice, OFFER_TO_BOB);

        registered(bobSocket, "bob");

        assertThat(types(bobSocket)).containsExactly("peers", "offer");
        assertThat(types(aliceSocket)).as("delivered, so nothing to answer").containsExactly("peers");
    }

    @Test
    void aRelayToASocketTheServerIsClosingIsAnsweredUnavailable() {
        RecordingTransport aliceSocket = new RecordingTransport();
        Peer alice = registered(aliceSocket, "alice");
        RecordingTransport bobSocket = new RecordingTransport();
        Peer bob = registered(bobSocket, "bob");
        // The close is decided and sent; the client has not acknowledged it yet.
        bob.closeAfterQueued(1001, "server shutting down");

        node.receive(alice, OFFER_TO_BOB);

        assertThat(aliceSocket.written).last().asString().contains("\"code\":\"unavailable\"").contains("bob");
        assertThat(types(bobSocket)).containsExactly("peers");
        assertThat(bobSocket.closeCode).isEqualTo(1001);
    }

    @Test
    void aDrainWritesWhatWasQueuedForASocketBeforeItsClose() {
        RecordingTransport aliceSocket = new RecordingTransport();
        Peer alice = registered(aliceSocket, "alice");
        RecordingTransport bobSocket = new RecordingTransport();
        registered(bobSocket, "bob");
        bobSocket.completeAtOnce = false;
        node.receive(alice, OFFER_TO_BOB);
        node.receive(alice, OFFER_TO_BOB);

        node.drain(Duration.ZERO, Duration.ofMillis(1));
        assertThat(bobSocket.closeCode).as("not before the queued offers are written").isNull();
        while (!bobSocket.pending.isEmpty()) {
            bobSocket.completeOne();
        }

        assertThat(types(bobSocket)).containsExactly("peers", "offer", "offer");
        assertThat(bobSocket.closeCode).isEqualTo(1001);
    }
}
