package network.chiral.signaling.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.ClusterNodes;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Peers;
import network.chiral.signaling.it.fixture.RedisServer;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.embedded.SignalingServer;

/**
 * Redis going away and coming back empty: nodes keep serving their own peers, refuse
 * cross-node relays at once with {@code unavailable}, and rebuild the shared state by
 * themselves when Redis returns. Also a node that starts while Redis is unreachable.
 */
class ClusterRedisOutageIT {
    private static final Duration RECOVERY = Duration.ofSeconds(20);

    private final Peers peers = new Peers();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        peers.start();
    }

    @AfterEach
    void stop() throws Exception {
        peers.stop();
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private PeerClient connect(SignalingServer node, String id) {
        PeerClient peer = peers.connect(node.uri());
        peer.register(id);
        return peer;
    }

    private static String id(String name) {
        return name + "-" + UUID.randomUUID();
    }

    private static HttpResponse<String> readiness(SignalingServer node) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(PeerClient.WAIT).build();
        return http.send(HttpRequest.newBuilder(node.httpUri().resolve("ready")).timeout(PeerClient.WAIT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int ready(SignalingServer node) throws Exception {
        return readiness(node).statusCode();
    }

    private static String readyBody(SignalingServer node) throws Exception {
        return readiness(node).body();
    }

    private static long lettuceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("lettuce")).count();
    }

    @Test
    void redisDownThenBackEmpty() throws Exception {
        ClusterNodes cluster = ClusterNodes.start(2, Map.of());
        resources.add(cluster);
        SignalingServer one = cluster.node(0);
        SignalingServer two = cluster.node(1);
        String a = id("a");
        String a2 = id("a2");
        String b = id("b");
        PeerClient alice = connect(one, a);
        PeerClient alice2 = connect(one, a2);
        PeerClient bob = connect(two, b);
        alice.send(Frames.offer(b, "up"));
        assertThat(bob.next("offer").getString("sdp")).isEqualTo("up");
        long threadsBefore = lettuceThreads();

        assertThat(ready(one)).isEqualTo(200);
        cluster.redis().kill();
        Await.until("both nodes see Redis gone", RECOVERY,
                () -> !one.directory().available() && !two.directory().available());
        assertThat(ready(one)).isEqualTo(503);
        assertThat(readyBody(two)).contains("cluster");

        // Same node: as before.
        alice.send(Frames.offer(a2, "same node"));
        assertThat(alice2.next("offer").getString("sdp")).isEqualTo("same node");
        // Across nodes: refused at once, every time, nothing queued up for later.
        for (int i = 0; i < 200; i++) {
            alice.send(Frames.offer(b, "down " + i));
        }
        for (int i = 0; i < 200; i++) {
            assertThat(alice.nextError("unavailable")).contains(b);
        }
        // Registering still works on each node while Redis is away, even the same id on both.
        String c = id("c");
        PeerClient carol = connect(two, c);
        String twice = id("twice");
        PeerClient twiceOnOne = connect(one, twice);
        PeerClient twiceOnTwo = connect(two, twice);
        assertThat(lettuceThreads()).as("Redis client threads while Redis is down").isLessThanOrEqualTo(threadsBefore + 4);

        cluster.redis().restart();
        Await.until("both nodes are back", RECOVERY, () -> one.directory().available() && two.directory().available());
        assertThat(ready(one)).isEqualTo(200);
        assertThat(ready(two)).isEqualTo(200);
        // The id granted twice while Redis was away stays with one of them; the other socket is closed.
        Await.until("one of the two holders of the same id is disconnected", RECOVERY,
                () -> twiceOnOne.isOpen() != twiceOnTwo.isOpen());
        PeerClient loser = twiceOnOne.isOpen() ? twiceOnTwo : twiceOnOne;
        PeerClient keeper = twiceOnOne.isOpen() ? twiceOnOne : twiceOnTwo;
        PeerClient.Close lost = loser.awaitClose();
        assertThat(lost.code()).isEqualTo(1001);
        assertThat(lost.reason()).contains("registered on another node");
        // Redis came back empty: the nodes announced their peers again.
        Await.until("relays cross nodes again", RECOVERY, () -> {
            List<JsonObject> replies = alice.exchange(Frames.offer(c, "back"));
            return replies.isEmpty();
        });
        assertThat(carol.next("offer").getString("sdp")).isEqualTo("back");
        alice.send(Frames.offer(b, "back"));
        assertThat(bob.next("offer").getString("sdp")).isEqualTo("back");
        carol.send(Frames.offer(a2, "back"));
        assertThat(alice2.next("offer").getString("sdp")).isEqualTo("back");
        bob.send(Frames.offer(twice, "to the keeper"));
        assertThat(keeper.next("offer").getString("sdp")).isEqualTo("to the keeper");
        PeerClient thief = peers.connect(two.uri());
        thief.send(Frames.register(a));
        assertThat(thief.nextError("id-taken")).contains(a);
        PeerClient dave = peers.connect(one.uri());
        assertThat(dave.register(id("d")).getInt("total")).as("a, a2, b, c, twice and d").isEqualTo(6);
        bob.assertNothingPending();
        assertThat(lettuceThreads()).as("Redis client threads after recovery").isLessThanOrEqualTo(threadsBefore + 4);
    }

    @Test
    void aNodeStartsWhileRedisIsUnreachableAndJoinsWhenItAppears() throws Exception {
        int port = RedisServer.freePort();
        SignalingServer node = SignalingServer.start(Settings.load(
                ClusterNodes.settings("redis://127.0.0.1:" + port, "early", Map.of())::get));
        resources.add(node);
        assertThat(node.directory().available()).isFalse();
        assertThat(node.directory().available()).isFalse();
        assertThat(ready(node)).isEqualTo(503);

        String a = id("a");
        String b = id("b");
        PeerClient alice = connect(node, a);
        PeerClient bob = connect(node, b);
        alice.send(Frames.offer(b, "same node"));
        assertThat(bob.next("offer").getString("sdp")).isEqualTo("same node");
        String elsewhere = id("elsewhere");
        alice.send(Frames.offer(elsewhere, "v=0"));
        assertThat(alice.nextError("unavailable")).contains(elsewhere);

        RedisServer redis = RedisServer.startOn(port);
        resources.add(0, redis);
        Await.until("the node joins once Redis is there", RECOVERY, () -> node.directory().available());
        assertThat(ready(node)).isEqualTo(200);
        alice.send(Frames.offer(elsewhere, "v=0"));
        assertThat(alice.nextError("peer-not-found")).contains(elsewhere);
        SignalingServer other = SignalingServer.start(Settings.load(
                ClusterNodes.settings(redis.url(), "late", Map.of())::get));
        resources.add(other);
        Await.until("the second node joins", RECOVERY, () -> other.directory().available());
        PeerClient carol = connect(other, id("c"));
        carol.send(Frames.offer(a, "from the late node"));
        assertThat(alice.next("offer").getString("sdp")).isEqualTo("from the late node");
    }
}
