package network.chiral.signaling.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.auth.Identity;
import network.chiral.signaling.server.peer.CloseCodes;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.RecordingTransport;

/**
 * A client whose network changed registers its id again from a new socket while the server still
 * holds the old, half-open one: the old one is probed, and the id goes to whoever is alive.
 */
class TakeoverTest extends NodeOnTestClock {
    TakeoverTest() {
        super(1_000);
    }

    private Peer registered(RecordingTransport transport, String id) {
        Peer peer = signaling.open(transport, "192.0.2.1");
        signaling.receive(peer, "{\"type\":\"register\",\"clientId\":\"" + id + "\"}");
        assertThat(transport.written).last().asString().startsWith("{\"type\":\"peers\"");
        return peer;
    }

    /** A new socket, from another address than the holders', that sends {@code frames} in order. */
    private Peer newcomer(RecordingTransport transport, String... frames) {
        Peer peer = signaling.open(transport, "198.51.100.7");
        for (String frame : frames) {
            signaling.receive(peer, frame);
        }
        return peer;
    }

    private static String register(String id) {
        return "{\"type\":\"register\",\"clientId\":\"" + id + "\"}";
    }

    /** The probe time (1 s here) passes, and then some, with no sign of life from the holder. */
    private void letTheProbeRunOut() {
        now.addAndGet(2_000_000_000L);
        signaling.runTimers();
    }

    @Test
    void aSilentHolderLosesItsIdAndTheNewcomerGetsItWithWhatWasSentMeanwhile() {
        RecordingTransport old = new RecordingTransport();
        registered(old, "alice");
        RecordingTransport bobSocket = new RecordingTransport();
        Peer bob = registered(bobSocket, "bob");
        RecordingTransport fresh = new RecordingTransport();
        newcomer(fresh, register("alice"));
        assertThat(fresh.written).as("no answer while the holder is probed").isEmpty();
        assertThat(old.pings).as("the holder is pinged").isEqualTo(1);
        signaling.receive(bob, "{\"type\":\"offer\",\"to\":\"alice\",\"sdp\":{\"n\":1}}");
        assertThat(bobSocket.written).as("the sender hears nothing: its offer is kept").hasSize(1);

        letTheProbeRunOut();

        assertThat(old.closeCode).isEqualTo(CloseCodes.REPLACED);
        assertThat(old.closeReason).isEqualTo("replaced");
        assertThat(fresh.written).hasSize(2);
        assertThat(fresh.written.get(0)).startsWith("{\"type\":\"peers\",\"peers\":[\"alice\"");
        assertThat(fresh.written.get(1)).isEqualTo("{\"type\":\"offer\",\"from\":\"bob\",\"to\":\"alice\",\"sdp\":{\"n\":1}}");

        signaling.receive(bob, "{\"type\":\"answer\",\"to\":\"alice\",\"sdp\":{\"n\":2}}");
        assertThat(fresh.written).last().asString().contains("\"sdp\":{\"n\":2}");
        assertThat(signaling.registered()).isEqualTo(2);
    }

    @Test
    void aHolderThatAnswersThePingKeepsItsIdAndTheNewcomerHearsIdTaken() {
        RecordingTransport old = new RecordingTransport();
        Peer holder = registered(old, "alice");
        RecordingTransport fresh = new RecordingTransport();
        newcomer(fresh, register("alice"));
        now.addAndGet(1_000_000);
        signaling.heard(holder);

        assertThat(fresh.written).singleElement().asString().contains("\"code\":\"id-taken\"");
        assertThat(old.closeCode).isNull();
        signaling.runTimers();
        assertThat(old.closeCode).as("the deadline changes nothing once decided").isNull();
        assertThat(fresh.written).hasSize(1);
    }

    @Test
    void anyFrameFromTheHolderProvesItAliveToo() {
        RecordingTransport old = new RecordingTransport();
        Peer holder = registered(old, "alice");
        RecordingTransport fresh = new RecordingTransport();
        newcomer(fresh, register("alice"));
        signaling.receive(holder, "{\"type\":\"ping\",\"ts\":1}");
        assertThat(fresh.written).singleElement().asString().contains("\"code\":\"id-taken\"");
    }

    @Test
    void theNewcomersOtherFramesWaitAndAreAnsweredInOrderAfterItsRegister() {
        registered(new RecordingTransport(), "alice");
        RecordingTransport fresh = new RecordingTransport();
        newcomer(fresh, register("alice"), "{\"type\":\"ping\",\"ts\":5}",
                "{\"type\":\"offer\",\"to\":\"alice\",\"sdp\":1}");
        assertThat(fresh.written).isEmpty();

        letTheProbeRunOut();

        assertThat(fresh.written).hasSize(3);
        assertThat(fresh.written.get(0)).startsWith("{\"type\":\"peers\"");
        assertThat(fresh.written.get(1)).isEqualTo("{\"type\":\"pong\",\"ts\":5}");
        assertThat(fresh.written.get(2)).isEqualTo("{\"type\":\"offer\",\"from\":\"alice\",\"to\":\"alice\",\"sdp\":1}");
    }

    @Test
    void aWaitingRegisterThatStartsASecondProbeKeepsTheFramesAfterItWaitingToo() {
        Peer alice = registered(new RecordingTransport(), "alice");
        registered(new RecordingTransport(), "bob");
        RecordingTransport fresh = new RecordingTransport();
        Peer newcomer = newcomer(fresh, register("alice"), register("bob"), "{\"type\":\"ping\",\"ts\":5}");

        // Alice is alive: the first claim is refused, and the second, replayed, probes bob.
        signaling.heard(alice);
        assertThat(fresh.written).singleElement().asString().contains("\"code\":\"id-taken\"");
        signaling.receive(newcomer, "{\"type\":\"ping\",\"ts\":6}");
        assertThat(fresh.written).as("the pings wait for the second register's answer").hasSize(1);

        letTheProbeRunOut();

        assertThat(fresh.written).hasSize(4);
        assertThat(fresh.written.get(1)).startsWith("{\"type\":\"peers\",\"peers\":[\"bob\"");
        assertThat(fresh.written.get(2)).isEqualTo("{\"type\":\"pong\",\"ts\":5}");
        assertThat(fresh.written.get(3)).isEqualTo("{\"type\":\"pong\",\"ts\":6}");
        signaling.receive(newcomer, "{\"type\":\"ping\",\"ts\":7}");
        assertThat(fresh.written).as("answered at once again").last().isEqualTo("{\"type\":\"pong\",\"ts\":7}");
    }

    @Test
    void aNewcomerFloodingWhileItWaitsHasOnlyTheFirst256FramesAnswered() {
        registered(new RecordingTransport(), "alice");
        RecordingTransport fresh = new RecordingTransport();
        Peer newcomer = newcomer(fresh, register("alice"));
        for (int ts = 1; ts <= 300; ts++) {
            signaling.receive(newcomer, "{\"type\":\"ping\",\"ts\":" + ts + "}");
        }

        letTheProbeRunOut();

        // Each of the 256 is answered (a pong, or rate-limited like any frame over the allowance).
        assertThat(fresh.written).hasSize(1 + 256);
        assertThat(fresh.written).filteredOn(frame -> frame.contains("\"pong\""))
                .isNotEmpty()
                .allSatisfy(pong -> assertThat(Integer.parseInt(pong.replaceAll("\\D", ""))).isLessThanOrEqualTo(256));
    }

    @Test
    void aRegisterThatWaitedLeavesNoIdBehindWhenItsSocketClosedBeforeItsTurn() {
        RecordingTransport fresh = new RecordingTransport();
        Peer newcomer = newcomer(fresh);
        signaling.closed(newcomer, 1006, "");

        // What a thread going through the waiting frames finds after the socket closed on another:
        // the register's answer lets the id go again, as for any socket that closes mid-register.
        signaling.protocol().replay(newcomer,
                Inbound.of(new SignalCodec(), "{\"type\":\"register\",\"clientId\":\"carol\"}"));

        assertThat(signaling.registered()).as("no id bound to a closed socket").isZero();
        assertThat(fresh.written).isEmpty();
    }

    @Test
    void aHolderThatClosesDuringTheProbeHandsTheIdOverAtOnce() {
        RecordingTransport old = new RecordingTransport();
        Peer holder = registered(old, "alice");
        RecordingTransport fresh = new RecordingTransport();
        newcomer(fresh, register("alice"));
        signaling.closed(holder, 1006, "");
        assertThat(fresh.written).singleElement().asString().startsWith("{\"type\":\"peers\",\"peers\":[\"alice\"");
        assertThat(old.closeCode).as("already gone: not closed again").isNull();
    }

    @Test
    void aNewcomerThatLeavesDuringTheProbeLeavesTheHolderAlone() {
        RecordingTransport old = new RecordingTransport();
        registered(old, "alice");
        Peer newcomer = newcomer(new RecordingTransport(), register("alice"));
        signaling.closed(newcomer, 1000, "");
        letTheProbeRunOut();
        assertThat(old.closeCode).isNull();
        assertThat(signaling.registered()).isEqualTo(1);
    }

    @Test
    void aSecondClaimWhileOneIsBeingDecidedIsRefusedAtOnce() {
        registered(new RecordingTransport(), "alice");
        newcomer(new RecordingTransport(), register("alice"));
        RecordingTransport third = new RecordingTransport();
        signaling.receive(signaling.open(third, "198.51.100.8"), "{\"type\":\"register\",\"clientId\":\"alice\"}");
        assertThat(third.written).singleElement().asString().contains("\"code\":\"id-taken\"");
    }

    @Test
    void withTheProbeSwitchedOffAHeldIdIsRefusedAtOnce() {
        signaling.close();
        signaling = create(Map.of("SIGNALING_TAKEOVER_PROBE_MILLIS", "0"));
        RecordingTransport old = new RecordingTransport();
        registered(old, "alice");
        RecordingTransport fresh = new RecordingTransport();
        newcomer(fresh, register("alice"));
        assertThat(fresh.written).singleElement().asString().contains("\"code\":\"id-taken\"");
        assertThat(old.pings).isZero();
    }

    @Test
    void aTokenWhoseSubjectIsTheIdTakesItOverWithoutAProbe() {
        signaling.close();
        signaling = create(Map.of("SIGNALING_AUTH_API_KEYS", "k"));
        RecordingTransport old = new RecordingTransport();
        Peer holder = signaling.open(old, "192.0.2.1", new Identity(Optional.of("alice")));
        signaling.receive(holder, "{\"type\":\"register\",\"clientId\":\"alice\"}");
        RecordingTransport fresh = new RecordingTransport();
        Peer newcomer = signaling.open(fresh, "198.51.100.7", new Identity(Optional.of("alice")));

        signaling.receive(newcomer, "{\"type\":\"register\",\"clientId\":\"alice\"}");

        assertThat(old.closeCode).isEqualTo(CloseCodes.REPLACED);
        assertThat(old.pings).isZero();
        assertThat(fresh.written).singleElement().asString().startsWith("{\"type\":\"peers\",\"peers\":[\"alice\"");
    }
}
