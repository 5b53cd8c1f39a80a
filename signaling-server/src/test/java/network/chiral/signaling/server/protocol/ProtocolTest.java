package network.chiral.signaling.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.peer.CloseCodes;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.RecordingTransport;

/** The protocol core without sockets: frames in, frames out. */
class ProtocolTest extends NodeOnTestClock {
    ProtocolTest() {
        super(0);
    }

    private void receive(Peer peer, String frame) {
        signaling.receive(peer, frame);
    }

    private static String last(RecordingTransport transport) {
        return transport.written.get(transport.written.size() - 1);
    }

    @Test
    void registerBindsTheIdAndListsTheCallerFirst() {
        RecordingTransport a = new RecordingTransport();
        RecordingTransport b = new RecordingTransport();
        Peer alice = signaling.open(a, "10.0.0.1");
        Peer bob = signaling.open(b, "10.0.0.2");
        receive(alice, "{\"type\":\"register\",\"clientId\":\"alice\"}");
        receive(bob, "{\"type\":\"register\",\"clientId\":\"bob\"}");
        assertThat(last(b)).isEqualTo("{\"type\":\"peers\",\"peers\":[\"bob\",\"alice\"],\"total\":2}");
        assertThat(signaling.registered()).isEqualTo(2);
    }

    @Test
    void relaysAreStampedWithTheSendersRegisteredId() {
        RecordingTransport a = new RecordingTransport();
        RecordingTransport b = new RecordingTransport();
        Peer alice = signaling.open(a, "x");
        Peer bob = signaling.open(b, "x");
        receive(alice, "{\"type\":\"register\",\"clientId\":\"alice\"}");
        receive(bob, "{\"type\":\"register\",\"clientId\":\"bob\"}");
        receive(alice, "{\"type\":\"offer\",\"from\":\"bob\",\"to\":\"bob\",\"sdp\":{\"sdp\":\"v=0\"}}");
        assertThat(last(b)).isEqualTo("{\"type\":\"offer\",\"from\":\"alice\",\"to\":\"bob\",\"sdp\":{\"sdp\":\"v=0\"}}");
    }

    @Test
    void applicationMessagesAreRelayedLikeOffersWithTheSenderStamped() {
        RecordingTransport a = new RecordingTransport();
        RecordingTransport b = new RecordingTransport();
        Peer alice = signaling.open(a, "x");
        Peer bob = signaling.open(b, "x");
        receive(alice, "{\"type\":\"test\",\"to\":\"bob\",\"n\":1}");
        assertThat(last(a)).contains("\"code\":\"not-registered\"").contains("'test'");
        receive(alice, "{\"type\":\"register\",\"clientId\":\"alice\"}");
        receive(bob, "{\"type\":\"register\",\"clientId\":\"bob\"}");

        receive(alice, "{\"type\":\"test\",\"from\":\"bob\",\"to\":\"bob\",\"payload\":{\"chunk\":[1, 2]}}");
        assertThat(last(b)).isEqualTo("{\"type\":\"test\",\"from\":\"alice\",\"to\":\"bob\",\"payload\":{\"chunk\":[1, 2]}}");

        receive(alice, "{\"type\":\"test\",\"to\":\"carol\"}");
        assertThat(last(a)).contains("\"code\":\"peer-not-found\"").contains("Peer carol not found");
    }

    @Test
    void theCapKeepsTheCallerInTheList() {
        signaling.close();
        signaling = create(Map.of("SIGNALING_PEERS_LIST_LIMIT", "2"));
        for (int i = 0; i < 5; i++) {
            receive(signaling.open(new RecordingTransport(), "x"), "{\"type\":\"register\",\"clientId\":\"p" + i + "\"}");
        }
        RecordingTransport t = new RecordingTransport();
        receive(signaling.open(t, "x"), "{\"type\":\"register\",\"clientId\":\"me\"}");
        assertThat(last(t)).startsWith("{\"type\":\"peers\",\"peers\":[\"me\",").endsWith("],\"total\":6}");
    }

    @Test
    void closingFreesTheIdAndIsIdempotent() {
        RecordingTransport a = new RecordingTransport();
        Peer alice = signaling.open(a, "x");
        receive(alice, "{\"type\":\"register\",\"clientId\":\"alice\"}");
        signaling.closed(alice, 1000, "bye");
        signaling.closed(alice, 1006, "again");
        assertThat(signaling.registered()).isZero();
        assertThat(signaling.connections()).isZero();
    }

    @Test
    void aRegisterRacingTheCloseLeavesNoIdBehind() {
        RecordingTransport a = new RecordingTransport();
        Peer alice = signaling.open(a, "x");
        signaling.closed(alice, 1006, "gone");
        receive(alice, "{\"type\":\"register\",\"clientId\":\"alice\"}");
        assertThat(signaling.registered()).isZero();
    }

    @Test
    void quietSocketsArePingedAndSilentOnesClosed() {
        RecordingTransport quiet = new RecordingTransport();
        RecordingTransport chatty = new RecordingTransport();
        Peer q = signaling.open(quiet, "x");
        Peer c = signaling.open(chatty, "x");
        now.addAndGet(TimeUnit.SECONDS.toNanos(20));
        receive(c, "{\"type\":\"ping\",\"ts\":1}");
        signaling.sweep();
        assertThat(quiet.pings).isEqualTo(1);
        assertThat(chatty.pings).isZero();
        now.addAndGet(TimeUnit.SECONDS.toNanos(40));
        signaling.sweep();
        assertThat(quiet.closeCode).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(quiet.closeReason).isEqualTo("idle timeout");
        assertThat(chatty.closeCode).isNull();
        signaling.heard(q);
        assertThat(q.lastHeardNanos()).isEqualTo(now.get());
    }

    @Test
    void aReceiverThatDoesNotReadIsClosedWith1008AndLosesItsIdAtOnce() {
        RecordingTransport sender = new RecordingTransport();
        RecordingTransport stuck = new RecordingTransport();
        stuck.completeAtOnce = false;
        Peer s = signaling.open(sender, "x");
        Peer r = signaling.open(stuck, "x");
        receive(s, "{\"type\":\"register\",\"clientId\":\"s\"}");
        receive(r, "{\"type\":\"register\",\"clientId\":\"r\"}");
        String sdp = "x".repeat(60_000);
        for (int i = 0; i < 40 && stuck.closeCode == null; i++) {
            receive(s, "{\"type\":\"offer\",\"to\":\"r\",\"sdp\":\"" + sdp + "\"}");
        }
        assertThat(stuck.closeCode).isEqualTo(CloseCodes.POLICY_VIOLATION);
        assertThat(stuck.closeReason).isEqualTo("send queue overflow");
        receive(s, "{\"type\":\"offer\",\"to\":\"r\",\"sdp\":{}}");
        assertThat(last(sender)).contains("peer-not-found");
    }

    @Test
    void shutdownClosesEverySocketWith1001AndRefusesNewOnes() {
        RecordingTransport a = new RecordingTransport();
        signaling.open(a, "x");
        signaling.shutdown();
        assertThat(a.closeCode).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(a.closeReason).isEqualTo("server shutting down");
        RecordingTransport late = new RecordingTransport();
        signaling.open(late, "x");
        assertThat(late.closeCode).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(signaling.accepting()).isFalse();
    }

    @Test
    void clientIdsWithControlCharactersOrBrokenSurrogatesAreRefused() {
        RecordingTransport t = new RecordingTransport();
        Peer p = signaling.open(t, "x");
        for (String bad : new String[] {"a\\u0000", "a\\u001f", "a\\u007f", "a\\u0085", "\\ud800", "\\udc00x"}) {
            receive(p, "{\"type\":\"register\",\"clientId\":\"" + bad + "\"}");
            assertThat(last(t)).as(bad).contains("invalid-message");
        }
        receive(p, "{\"type\":\"register\",\"clientId\":\"emoji-\\ud83d\\ude80\"}");
        assertThat(last(t)).startsWith("{\"type\":\"peers\"");
    }
}
