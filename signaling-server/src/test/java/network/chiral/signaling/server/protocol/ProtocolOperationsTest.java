package network.chiral.signaling.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.api.ErrorCode;
import network.chiral.signaling.api.MalformedMessageException;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.node.TestNode;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.TrafficEvents;
import network.chiral.signaling.server.peer.Transport;
import network.chiral.signaling.server.peer.Utf8;

/** What the protocol core reports to metrics, readiness and drain, without sockets. */
class ProtocolOperationsTest {
    private final AtomicLong clock = new AtomicLong(1_000);
    private final SignalCodec codec = new SignalCodec();
    private final Recorded events = new Recorded();
    private final TestNode signaling = TestNode.of(Map.of("SIGNALING_IDLE_TIMEOUT_SECONDS", "60"), clock::get, events);

    @AfterEach
    void close() {
        signaling.close();
    }

    /** Holds writes until told to complete them, as a slow socket would. */
    static final class HeldTransport implements Transport {
        final List<String> frames = new CopyOnWriteArrayList<>();
        final List<Consumer<Throwable>> pending = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();

        @Override
        public void sendText(String frame, Consumer<Throwable> done) {
            frames.add(frame);
            pending.add(done);
        }

        @Override
        public void sendPing(Consumer<Throwable> done) {
            done.accept(null);
        }

        @Override
        public void close(int code, String reason) {
            closed.complete(code + " " + reason);
        }

        void completeAll() {
            while (!pending.isEmpty()) {
                pending.remove(0).accept(null);
            }
        }
    }

    static final class Recorded implements TrafficEvents {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<Long> latencies = new CopyOnWriteArrayList<>();
        final AtomicLong sentBytes = new AtomicLong();

        @Override
        public void opened() {
            seen.add("opened");
        }

        @Override
        public void closed(int closeCode) {
            seen.add("closed " + closeCode);
        }

        @Override
        public void refused(String reason) {
            seen.add("refused " + reason);
        }

        @Override
        public void received(String type) {
            seen.add("received " + type);
        }

        @Override
        public void relayed(String type) {
            seen.add("relayed " + type);
        }

        @Override
        public void errorSent(ErrorCode code) {
            seen.add("error " + code.wireName());
        }

        @Override
        public void sentBytes(int bytes) {
            sentBytes.addAndGet(bytes);
        }

        @Override
        public void relayWritten(long nanos) {
            latencies.add(nanos);
        }

        @Override
        public void overflowed() {
            seen.add("overflowed");
        }
    }

    private Inbound frame(String json) throws MalformedMessageException {
        return new Inbound.Decoded(codec.decode(json));
    }

    @Test
    void relayLatencyRunsFromTheFramesArrivalToItsWriteCompleting() throws Exception {
        HeldTransport aliceSocket = new HeldTransport();
        HeldTransport bobSocket = new HeldTransport();
        Peer alice = signaling.open(aliceSocket, "192.0.2.1");
        Peer bob = signaling.open(bobSocket, "192.0.2.2");
        signaling.receive(alice, frame("{\"type\":\"register\",\"clientId\":\"alice\"}"));
        signaling.receive(bob, frame("{\"type\":\"register\",\"clientId\":\"bob\"}"));
        aliceSocket.completeAll();
        bobSocket.completeAll();
        assertThat(events.latencies).as("replies are not relays").isEmpty();

        clock.set(5_000);
        signaling.receive(alice, frame("{\"type\":\"offer\",\"to\":\"bob\",\"sdp\":{\"sdp\":\"v=0\"}}"));
        clock.set(5_250);
        bobSocket.completeAll();

        assertThat(events.latencies).containsExactly(250L);
        assertThat(events.seen).containsSubsequence("opened", "opened", "received register", "received register",
                "received offer", "relayed offer");
        long written = 0;
        for (String f : aliceSocket.frames) {
            written += Utf8.length(f);
        }
        for (String f : bobSocket.frames) {
            written += Utf8.length(f);
        }
        assertThat(events.sentBytes.get()).isEqualTo(written);
    }

    @Test
    void refusalsAndMalformedFramesAreCountedByCode() throws Exception {
        HeldTransport socket = new HeldTransport();
        Peer peer = signaling.open(socket, "192.0.2.1");
        signaling.receive(peer, new Inbound.Malformed("not JSON"));
        signaling.receive(peer, frame("{\"type\":\"offer\",\"to\":\"bob\",\"sdp\":{}}"));
        assertThat(events.seen).containsSubsequence("received invalid", "error invalid-message",
                "received offer", "error not-registered");
        signaling.closed(peer, 1000, "");
        assertThat(events.seen).endsWith("closed 1000");
    }

    @Test
    void drainTurnsUnreadyAtOnceKeepsSocketsUntilCutThenClosesThemWith1001() throws Exception {
        HeldTransport socket = new HeldTransport();
        Peer peer = signaling.open(socket, "192.0.2.1");
        assertThat(signaling.readiness().ready()).isTrue();
        signaling.readiness().require("backend", () -> true);
        assertThat(signaling.readiness().unmet()).isEmpty();

        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(
                () -> signaling.drain(Duration.ofMinutes(10), Duration.ofSeconds(5)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (signaling.accepting() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(signaling.readiness().ready()).isFalse();
        assertThat(signaling.readiness().unmet()).containsExactly("accepting");
        assertThat(socket.closed).as("open sockets stay during the drain").isNotDone();

        signaling.door().admit(null, "192.0.2.9", null);
        assertThat(events.seen).contains("refused draining");

        signaling.cutDrain();
        assertThat(socket.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1001 server shutting down");
        signaling.closed(peer, 1001, "server shutting down");
        assertThat(drained.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aReceiverThatDoesNotReadIsCountedAsAnOverflowAndAClose1008() throws Exception {
        HeldTransport stuckSocket = new HeldTransport();
        HeldTransport senderSocket = new HeldTransport();
        Peer stuck = signaling.open(stuckSocket, "192.0.2.1");
        Peer sender = signaling.open(senderSocket, "192.0.2.2");
        signaling.receive(stuck, frame("{\"type\":\"register\",\"clientId\":\"stuck\"}"));
        signaling.receive(sender, frame("{\"type\":\"register\",\"clientId\":\"sender\"}"));
        String offer = "{\"type\":\"offer\",\"to\":\"stuck\",\"sdp\":{\"sdp\":\"" + "x".repeat(16 * 1024) + "\"}}";
        // The default queue is 1 MiB and nothing the stuck socket is sent ever completes.
        for (int i = 0; i < 100 && !events.seen.contains("overflowed"); i++) {
            signaling.receive(sender, frame(offer));
        }
        assertThat(events.seen).containsSubsequence("overflowed", "closed 1008");
        assertThat(stuckSocket.closed.getNow(null)).isEqualTo("1008 send queue overflow");
    }

    @Test
    void anotherPartsConditionMakesTheServerUnready() {
        boolean[] up = {false};
        signaling.readiness().require("cluster", () -> up[0]);
        assertThat(signaling.readiness().unmet()).containsExactly("cluster");
        up[0] = true;
        assertThat(signaling.readiness().ready()).isTrue();
    }
}
