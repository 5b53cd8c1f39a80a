package network.chiral.signaling.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.api.MalformedMessageException;
import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.api.SignalMessage;
import network.chiral.signaling.server.node.TestNode;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.RecordingTransport;
import network.chiral.signaling.server.routing.DelegatingDirectory;
import network.chiral.signaling.server.routing.PeerDirectory;

/**
 * A directory that forwards relays elsewhere and learns later that one found nobody: the
 * sender hears it exactly as if the directory had known at once.
 */
class LateDeliveryTest {
    private final SignalCodec codec = new SignalCodec();
    private ForwardingDirectory directory;
    private final TestNode signaling = TestNode.withDirectory(Map.of(), late -> directory = new ForwardingDirectory(late));

    @AfterEach
    void close() {
        signaling.close();
    }

    /** Holds local ids like the local directory, forwards everything else and reports nothing yet. */
    private static final class ForwardingDirectory extends DelegatingDirectory {
        final LateOutcomes undelivered;
        boolean available = true;

        ForwardingDirectory(LateOutcomes undelivered) {
            this.undelivered = undelivered;
        }

        @Override
        public Delivery deliver(Relay relay, long receivedNanos) {
            Delivery here = local.deliver(relay, receivedNanos);
            return here == Delivery.NOT_FOUND ? Delivery.FORWARDED : here;
        }

        @Override
        public boolean available() {
            return available;
        }
    }

    private Relay send(Peer peer, String frame) throws MalformedMessageException {
        SignalMessage message = codec.decode(frame);
        signaling.receive(peer, new Inbound.Decoded(message));
        return ((Relay) message).withFrom(peer.id());
    }

    @Test
    void aForwardedOfferThatFindsNobodyIsReportedAsPeerNotFound() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        Peer alice = signaling.open(transport, "10.0.0.1");
        signaling.receive(alice, new Inbound.Decoded(codec.decode("{\"type\":\"register\",\"clientId\":\"alice\"}")));
        Relay offer = send(alice, "{\"type\":\"offer\",\"to\":\"bob\",\"sdp\":{}}");
        assertThat(transport.written).hasSize(1);

        directory.undelivered.undelivered(alice, offer, PeerDirectory.Delivery.NOT_FOUND);
        assertThat(transport.written).hasSize(2);
        assertThat(transport.written.get(1)).contains("\"code\":\"peer-not-found\"").contains("Peer bob not found");

        directory.undelivered.undelivered(alice, offer, PeerDirectory.Delivery.UNAVAILABLE);
        assertThat(transport.written.get(2)).contains("\"code\":\"unavailable\"");
    }

    @Test
    void aForwardedCandidateThatFindsNobodyIsDroppedAsOnOneNode() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        Peer alice = signaling.open(transport, "10.0.0.1");
        signaling.receive(alice, new Inbound.Decoded(codec.decode("{\"type\":\"register\",\"clientId\":\"alice\"}")));
        Relay candidate = send(alice, "{\"type\":\"candidate\",\"to\":\"bob\",\"candidate\":{}}");
        directory.undelivered.undelivered(alice, candidate, PeerDirectory.Delivery.NOT_FOUND);
        assertThat(transport.written).hasSize(1);
    }

    @Test
    void readinessFollowsTheDirectory() {
        assertThat(signaling.available()).isTrue();
        directory.available = false;
        assertThat(signaling.available()).isFalse();
    }
}
