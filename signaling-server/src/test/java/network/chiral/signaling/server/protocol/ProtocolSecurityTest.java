package network.chiral.signaling.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.auth.Identity;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.node.TestNode;
import network.chiral.signaling.server.peer.CloseCodes;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.RecordingTransport;

/** The security rules of the protocol core, without sockets and on a test clock. */
class ProtocolSecurityTest {
    private final SignalCodec codec = new SignalCodec();
    private final AtomicLong now = new AtomicLong();
    private TestNode signaling;

    private TestNode create(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of("SIGNALING_IDLE_TIMEOUT_SECONDS", "60"));
        all.putAll(values);
        signaling = TestNode.of(all, now::get);
        return signaling;
    }

    @AfterEach
    void close() {
        if (signaling != null) {
            signaling.close();
        }
    }

    private void receive(Peer peer, String frame) {
        signaling.receive(peer, Inbound.of(codec, frame));
    }

    private static String last(RecordingTransport transport) {
        return transport.written.get(transport.written.size() - 1);
    }

    private static String register(String id) {
        return "{\"type\":\"register\",\"clientId\":\"" + id + "\"}";
    }

    @Test
    void anUnauthenticatedSocketMayOnlyRegisterWithAToken() {
        create(Map.of("SIGNALING_AUTH_API_KEYS", "the-key"));
        RecordingTransport t = new RecordingTransport();
        Peer peer = signaling.open(t, "10.0.0.1", null);

        receive(peer, "{\"type\":\"ping\",\"ts\":1}");
        assertThat(last(t)).contains("\"code\":\"unauthorized\"");
        assertThat(t.closeCode).isEqualTo(CloseCodes.POLICY_VIOLATION);

        // Until the close completes, whatever else it sends goes unanswered.
        int written = t.written.size();
        receive(peer, "{\"type\":\"register\",\"clientId\":\"a\",\"token\":\"the-key\"}");
        assertThat(t.written).hasSize(written);
    }

    @Test
    void aRegisterTokenAuthenticatesAndAWrongOneCloses() {
        create(Map.of("SIGNALING_AUTH_API_KEYS", "the-key"));
        RecordingTransport good = new RecordingTransport();
        Peer alice = signaling.open(good, "10.0.0.1", null);
        receive(alice, "{\"type\":\"register\",\"clientId\":\"a\",\"token\":\"the-key\"}");
        assertThat(last(good)).startsWith("{\"type\":\"peers\"");
        assertThat(good.closeCode).isNull();

        RecordingTransport bad = new RecordingTransport();
        Peer mallory = signaling.open(bad, "10.0.0.2", null);
        receive(mallory, "{\"type\":\"register\",\"clientId\":\"m\",\"token\":\"a-guess\"}");
        assertThat(last(bad)).contains("\"code\":\"unauthorized\"");
        assertThat(bad.closeCode).isEqualTo(CloseCodes.POLICY_VIOLATION);
        assertThat(signaling.registered()).isEqualTo(1);
    }

    @Test
    void aTokenSubjectBindsTheId() {
        create(Map.of("SIGNALING_AUTH_API_KEYS", "the-key"));
        RecordingTransport t = new RecordingTransport();
        Peer peer = signaling.open(t, "10.0.0.1", new Identity(Optional.of("alice")));
        receive(peer, register("bob"));
        assertThat(last(t)).contains("\"code\":\"forbidden\"");
        receive(peer, register("alice"));
        assertThat(last(t)).startsWith("{\"type\":\"peers\",\"peers\":[\"alice\"]");
        assertThat(t.closeCode).isNull();
    }

    @Test
    void withAuthenticationOffAnIdentityIsIgnored() {
        create(Map.of());
        RecordingTransport t = new RecordingTransport();
        Peer peer = signaling.open(t, "10.0.0.1", null);
        receive(peer, register("anyone"));
        assertThat(last(t)).startsWith("{\"type\":\"peers\"");
    }

    @Test
    void overTheRateMessagesAreDroppedThenTheSocketIsClosed() {
        create(Map.of("SIGNALING_RATE_LIMIT_MESSAGES_PER_SECOND", "1", "SIGNALING_RATE_LIMIT_BURST", "3"));
        RecordingTransport t = new RecordingTransport();
        Peer peer = signaling.open(t, "10.0.0.1");
        for (int i = 0; i < 3; i++) {
            receive(peer, "{\"type\":\"ping\",\"ts\":" + i + "}");
            assertThat(last(t)).startsWith("{\"type\":\"pong\"");
        }
        for (int i = 0; i < 3; i++) {
            receive(peer, "{\"type\":\"ping\",\"ts\":9}");
            assertThat(last(t)).contains("\"code\":\"rate-limited\"");
            assertThat(t.closeCode).isNull();
        }
        // A second later one more message is allowed.
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        receive(peer, "{\"type\":\"ping\",\"ts\":10}");
        assertThat(last(t)).startsWith("{\"type\":\"pong\"");
        // The fourth drop within the minute closes it.
        receive(peer, "{\"type\":\"ping\",\"ts\":11}");
        assertThat(last(t)).contains("\"code\":\"rate-limited\"").contains("limit exceeded");
        assertThat(t.closeCode).isEqualTo(CloseCodes.POLICY_VIOLATION);
        assertThat(t.closeReason).isEqualTo("message rate limit exceeded");
    }

    @Test
    void registeringNewIdsIsLimitedPerMinuteOnTheServersClock() {
        create(Map.of("SIGNALING_REGISTRATIONS_PER_MINUTE", "2"));
        RecordingTransport t = new RecordingTransport();
        Peer peer = signaling.open(t, "10.0.0.1");
        receive(peer, register("a"));
        receive(peer, register("b"));
        receive(peer, register("c"));
        assertThat(last(t)).contains("\"code\":\"rate-limited\"");
        receive(peer, register("b"));
        assertThat(last(t)).startsWith("{\"type\":\"peers\"");
        now.addAndGet(TimeUnit.SECONDS.toNanos(30));
        receive(peer, register("c"));
        assertThat(last(t)).startsWith("{\"type\":\"peers\",\"peers\":[\"c\"");
    }

    @Test
    void aSocketThatRacedPastTheCapIsClosedAndReleasesItsPlace() {
        create(Map.of("SIGNALING_MAX_CONNECTIONS_PER_IP", "1"));
        RecordingTransport first = new RecordingTransport();
        RecordingTransport second = new RecordingTransport();
        Peer a = signaling.open(first, "10.0.0.1");
        Peer b = signaling.open(second, "10.0.0.1");
        assertThat(first.closeCode).isNull();
        assertThat(second.closeCode).isEqualTo(CloseCodes.POLICY_VIOLATION);
        signaling.closed(b, CloseCodes.POLICY_VIOLATION, "");
        assertThat(signaling.admission().countOf("10.0.0.1")).isEqualTo(1);
        signaling.closed(a, 1000, "");
        assertThat(signaling.admission().countOf("10.0.0.1")).isZero();
        assertThat(signaling.admission().admit(null, "10.0.0.1")).isEmpty();
    }

    @Test
    void peersCarriesIceServersWhenConfigured() {
        create(Map.of("SIGNALING_TURN_SECRET", "s", "SIGNALING_TURN_URLS", "turn:t.example.com:3478"));
        RecordingTransport t = new RecordingTransport();
        receive(signaling.open(t, "10.0.0.1"), register("alice"));
        assertThat(last(t)).contains("\"iceServers\":[{\"urls\":[\"turn:t.example.com:3478\"],\"username\":\"")
                .contains(":alice\",\"credential\":\"");
    }
}
