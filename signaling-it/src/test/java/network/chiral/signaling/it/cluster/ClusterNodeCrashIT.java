package network.chiral.signaling.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.json.JsonObject;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.ClusterNodes;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.RedisServer;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.server.cluster.RedisPeerDirectory;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.embedded.SignalingServer;

/**
 * A node killed with SIGKILL (the real {@code java -jar} process): its peers' senders get
 * errors at once, never silence, and within the node TTL its peers are gone everywhere and
 * their ids free. A node frozen with SIGSTOP (a partition that resets no connection) is
 * answered for too.
 */
class ClusterNodeCrashIT {
    private static final int TTL_SECONDS = 3;

    private RedisServer redis;
    private SignalingServer survivor;
    private ServerProcess victim;
    private WebSocketClient client;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        Map<String, String> ttl = Map.of("SIGNALING_CLUSTER_NODE_TTL_SECONDS", String.valueOf(TTL_SECONDS));
        survivor = SignalingServer.start(Settings.load(ClusterNodes.settings(redis.url(), "survivor", ttl)::get));
        victim = ServerProcess.start(ClusterNodes.settings(redis.url(), "victim", ttl));
        client = new WebSocketClient();
        client.start();
        Await.until("the survivor has joined", Duration.ofSeconds(20), () -> survivor.directory().available());
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        victim.close();
        survivor.close();
        redis.close();
    }

    @Test
    void aKilledNodesPeersAreGoneWithinTheTtlAndNeverSilently() throws Exception {
        assertThat(victim.output()).anyMatch(line -> line.contains("cluster mode") && line.contains("victim"));
        PeerClient alice = PeerClient.connect(client, survivor.uri());
        String a = "alice-" + UUID.randomUUID();
        alice.register(a);
        PeerClient bob = PeerClient.connect(client, URI.create("ws://127.0.0.1:" + victim.port() + "/"));
        String b = "bob-" + UUID.randomUUID();
        assertThat(bob.register(b).getInt("total")).isEqualTo(2);

        alice.send(Frames.offer(b, "before"));
        assertThat(bob.next("offer").getString("from")).isEqualTo(a);

        victim.kill();
        victim.awaitExit(Duration.ofSeconds(10));

        // Straight after the kill the id is still recorded: the sender is told, not ignored.
        List<JsonObject> replies = alice.exchange(Frames.offer(b, "after"));
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).getString("type")).isEqualTo("error");
        assertThat(replies.get(0).getString("code")).isIn("unavailable", "peer-not-found");
        if (replies.get(0).getString("code").equals("unavailable")) {
            // While its id is still recorded, a candidate to it is an error too (unlike one to an unknown id).
            List<JsonObject> candidate = alice.exchange(Frames.relay("candidate", b, "{}"));
            assertThat(candidate).singleElement().satisfies(r -> assertThat(r.getString("code")).isEqualTo("unavailable"));
        }

        Duration withinTtl = Duration.ofSeconds(TTL_SECONDS).plusSeconds(2);
        Await.until("the dead node's peer is unknown", withinTtl, () -> alice.exchange(Frames.offer(b, "x")).stream()
                .anyMatch(r -> "peer-not-found".equals(r.getString("code", ""))));
        PeerClient bobAgain = PeerClient.connect(client, survivor.uri());
        JsonObject reply = bobAgain.register(b);
        assertThat(reply.getInt("total")).isEqualTo(2);
        alice.send(Frames.offer(b, "reconnected"));
        assertThat(bobAgain.next("offer").getString("sdp")).isEqualTo("reconnected");
        alice.close();
        bobAgain.close();
    }

    /** Alice on the survivor, Bob on the victim. */
    private record Pair(PeerClient alice, PeerClient bob, String bobId) implements AutoCloseable {
        @Override
        public void close() {
            alice.close();
            bob.close();
        }
    }

    /** Connects a pair across the nodes and waits until the victim has confirmed a relay between them. */
    private Pair pairAcrossNodes() {
        PeerClient alice = PeerClient.connect(client, survivor.uri());
        alice.register("alice-" + UUID.randomUUID());
        PeerClient bob = PeerClient.connect(client, URI.create("ws://127.0.0.1:" + victim.port() + "/"));
        String b = "bob-" + UUID.randomUUID();
        bob.register(b);
        alice.send(Frames.offer(b, "before"));
        assertThat(bob.next("offer").getString("sdp")).isEqualTo("before");
        RedisPeerDirectory directory = (RedisPeerDirectory) survivor.directory();
        Await.until("the victim confirmed reading that relay", Duration.ofSeconds(5), () -> directory.unconfirmed() == 0);
        return new Pair(alice, bob, b);
    }

    /**
     * Freezes the victim, sends it {@code sent} offers carrying {@code sdp}, and returns the
     * error codes Alice gets for them (checking she gets nothing else); then thaws the victim
     * and waits until relays reach Bob again. Offers sent while it was frozen may reach Bob
     * late: Alice was told they might not.
     */
    private List<String> relayWhileFrozen(Pair pair, int sent, String sdp) throws InterruptedException {
        // Its sockets and its Redis connections stay open, so Redis still counts its subscription.
        victim.freeze();
        for (int i = 0; i < sent; i++) {
            pair.alice().send(Frames.offer(pair.bobId(), sdp));
        }
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            codes.add(pair.alice().next("error").getString("code"));
        }
        pair.alice().assertNothingPending();

        victim.thaw();
        Await.until("relays reach the thawed node's peer again", Duration.ofSeconds(15),
                () -> pair.alice().exchange(Frames.offer(pair.bobId(), "after")).isEmpty());
        String received;
        do {
            received = pair.bob().next("offer").getString("sdp");
        } while (received.equals(sdp));
        assertThat(received).isEqualTo("after");
        return codes;
    }

    @Test
    void aFrozenNodesPeersGetAnErrorForEveryRelayNeverSilence() throws Exception {
        try (Pair pair = pairAcrossNodes()) {
            assertThat(relayWhileFrozen(pair, 20, "frozen")).as("one answer per relay the frozen node never confirmed")
                    .hasSize(20).containsOnly("unavailable");
        }
    }

    @Test
    void aNodeSoFarBehindThatRedisDropsItsSubscriptionCostsErrorsNotSilenceAndRecovers() throws Exception {
        // Redis's default allows a subscriber 32 MB of backlog; a small limit makes the overload quick to reach.
        redis.configure("client-output-buffer-limit", "pubsub 64kb 0 0");
        try (Pair pair = pairAcrossNodes()) {
            // Enough to fill the kernel's socket buffers towards the frozen node, then Redis's 64 KB.
            List<String> codes = relayWhileFrozen(pair, 300, "x".repeat(60_000));
            // Once the frozen node's heartbeat expires (the TTL), its peers are gone: peer-not-found.
            assertThat(codes).hasSize(300).contains("unavailable").isSubsetOf("unavailable", "peer-not-found");
            assertThat(victim.output()).as("Redis dropped the frozen node's subscription")
                    .anyMatch(line -> line.contains("lost the connection to Redis"));
        }
    }

    @Test
    void aStoppedNodeFreesItsIdsAtOnceAndAKilledOneWhenRestartedUnderItsName() throws Exception {
        // A TTL far longer than this test may wait: only the node itself can free the ids in time.
        Map<String, String> longTtl = ClusterNodes.settings(redis.url(), "victim",
                Map.of("SIGNALING_CLUSTER_NODE_TTL_SECONDS", "600"));
        victim.close();
        victim = ServerProcess.start(longTtl);
        PeerClient probe = PeerClient.connect(client, survivor.uri());

        PeerClient carol = PeerClient.connect(client, URI.create("ws://127.0.0.1:" + victim.port() + "/"));
        String c = "carol-" + UUID.randomUUID();
        carol.register(c);
        victim.terminate();
        assertThat(victim.awaitExit(Duration.ofSeconds(20))).isZero();
        assertThat(probe.register(c).getInt("total")).as("freed by the stopping node itself").isEqualTo(1);
        probe.close();

        victim = ServerProcess.start(longTtl);
        PeerClient bob = PeerClient.connect(client, URI.create("ws://127.0.0.1:" + victim.port() + "/"));
        String b = "bob-" + UUID.randomUUID();
        bob.register(b);
        victim.kill();
        victim.awaitExit(Duration.ofSeconds(10));

        PeerClient again = PeerClient.connect(client, survivor.uri());
        again.send(Frames.register(b));
        assertThat(again.nextError("id-taken")).as("the dead node's heartbeat still lives").contains(b);

        victim = ServerProcess.start(longTtl);
        Await.until("the old id is free", Duration.ofSeconds(10), () -> {
            again.send(Frames.register(b));
            return again.next().getString("type").equals("peers");
        });
        again.close();
    }
}
