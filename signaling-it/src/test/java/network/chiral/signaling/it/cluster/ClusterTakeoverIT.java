package network.chiral.signaling.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import com.nimbusds.jose.JWSAlgorithm;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.ChiralLikeClient;
import network.chiral.signaling.it.fixture.ClusterNodes;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Peers;
import network.chiral.signaling.it.fixture.RedisServer;
import network.chiral.signaling.it.fixture.Resumable;
import network.chiral.signaling.it.fixture.Scrape;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.TcpProxy;
import network.chiral.signaling.it.fixture.Takeovers;
import network.chiral.signaling.it.fixture.Tokens;

/**
 * Id takeover across nodes: a client whose old connection to one node is half-open reconnects
 * through the load balancer to another node and registers its id again. The node holding the
 * id decides as a single server would (it pings its socket) and answers the claimant's node.
 * Two real {@code java -jar} nodes on a real Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTakeoverIT {
    private static final Duration PROBE = Duration.ofMillis(1500);
    private static final String SECRET = "a-jwt-secret-of-at-least-32-bytes-for-hs256";

    private RedisServer redis;
    private ServerProcess holderNode;
    private ServerProcess claimantNode;
    @RegisterExtension
    final Peers peers = new Peers();

    @BeforeAll
    void start() throws Exception {
        redis = RedisServer.start();
        holderNode = ServerProcess.start(settings("node-a", Map.of()));
        claimantNode = ServerProcess.start(settings("node-b", Map.of()));
        peers.start();
        awaitJoined(holderNode);
        awaitJoined(claimantNode);
    }

    private Map<String, String> settings(String node, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(ClusterNodes.settings(redis.url(), node, Map.of(
                "SIGNALING_TAKEOVER_PROBE_MILLIS", String.valueOf(PROBE.toMillis()),
                "SIGNALING_CLUSTER_NODE_TTL_SECONDS", "10")));
        settings.putAll(extra);
        return settings;
    }

    private static void awaitJoined(ServerProcess node) {
        Await.until("the node has joined the cluster", Duration.ofSeconds(20), () -> node.output().stream()
                .anyMatch(line -> line.contains("cluster available") || line.contains("cluster mode") && line.contains("available=true")));
    }

    @AfterAll
    void stop() throws Exception {
        peers.stop();
        claimantNode.close();
        holderNode.close();
        redis.close();
    }

    private static URI uri(ServerProcess node) {
        return URI.create("ws://127.0.0.1:" + node.port() + "/");
    }


    @Test
    void aClientWhoseOldConnectionToOneNodeIsHalfOpenGetsItsIdAndItsOffersThroughAnother() throws Exception {
        Scrape before = Scrape.of(URI.create("http://127.0.0.1:" + holderNode.port() + "/"));
        try (TcpProxy wifi = TcpProxy.to(new InetSocketAddress("127.0.0.1", holderNode.port()));
             ChiralLikeClient laptop = ChiralLikeClient.start(peers.client(), URI.create("ws://127.0.0.1:" + wifi.port() + "/"),
                     "laptop-" + UUID.randomUUID());
             PeerClient bob = peers.connect(uri(holderNode))) {
            assertThat(laptop.next().getString("type")).isEqualTo("peers");
            String b = "bob-" + UUID.randomUUID();
            bob.register(b);

            wifi.abandon();
            long changed = System.nanoTime();
            laptop.reconnect(uri(claimantNode));
            Await.until("the holding node probes the old socket", PeerClient.WAIT, () -> holderNode.output().stream()
                    .anyMatch(line -> line.contains("through another node") && line.contains(laptop.id())));
            // Bob's node still routes the id to the old socket: this offer must follow the id.
            bob.send(Takeovers.offer(laptop.id(), "v=0 sent during the probe"));

            long tookMillis = Duration.ofNanos(Takeovers.idAndOffersBack(laptop, bob, b, "v=0 sent during the probe")
                    - changed).toMillis();

            Scrape after = Scrape.of(URI.create("http://127.0.0.1:" + holderNode.port() + "/"));
            assertThat(after.since(before, "signaling_connections_closed_total{code=\"4000\"}"))
                    .as("the half-open socket was closed as replaced").isEqualTo(1.0);
            LoggerFactory.getLogger(ClusterTakeoverIT.class)
                    .info("half-open takeover across nodes: id and offer back {} ms after the reconnect (probe {} ms)",
                            tookMillis, PROBE.toMillis());
        }
    }

    @Test
    void aClientThatCanResumeComesBackThroughAnotherNodeWithWhatWasSentMeanwhile() throws Exception {
        String id = "tablet-" + UUID.randomUUID();
        PeerClient bob = peers.connect(uri(holderNode));
        String b = "bob-" + UUID.randomUUID();
        bob.register(b);
        String token = Resumable.registerThenDrop(peers, holderNode, id);
        bob.send(Takeovers.offer(id, "v=0 sent while it was away"));
        bob.assertNothingPending();

        PeerClient back = peers.connect(uri(claimantNode));

        JsonObject held = Resumable.resumeAndTakeHeldOffer(back, id, token);
        assertThat(held.getString("from")).isEqualTo(b);
        assertThat(held.getJsonObject("sdp").getString("sdp")).isEqualTo("v=0 sent while it was away");
        bob.send(Takeovers.offer(id, "v=0 after"));
        assertThat(back.next("offer").getJsonObject("sdp").getString("sdp")).isEqualTo("v=0 after");
        bob.assertNothingPending();
    }

    @Test
    void aLiveHolderOnAnotherNodeKeepsItsId() {
        String id = "alice-" + UUID.randomUUID();
        PeerClient alice = peers.connect(uri(holderNode));
        alice.register(id);
        PeerClient impostor = peers.connect(uri(claimantNode));

        impostor.send(Frames.register(id));

        assertThat(impostor.nextError("id-taken")).contains(id);
        // The holder answered the probe's ping and keeps getting relays.
        PeerClient carol = peers.connect(uri(claimantNode));
        carol.register("carol-" + UUID.randomUUID());
        carol.send(Takeovers.offer(id, "v=0"));
        assertThat(alice.next("offer").getJsonObject("sdp").getString("sdp")).isEqualTo("v=0");
    }

    @Test
    void aTokenNamingTheIdTakesItOverFromAnotherNodeAtOnce() throws Exception {
        Map<String, String> auth = Map.of("SIGNALING_AUTH_JWT_SECRET", SECRET, "SIGNALING_AUTH_REGISTER_TOKEN", "true");
        try (ServerProcess first = ServerProcess.start(settings("auth-a", auth));
             ServerProcess second = ServerProcess.start(settings("auth-b", auth))) {
            awaitJoined(first);
            awaitJoined(second);
            String id = "desktop-" + UUID.randomUUID();
            String token = Tokens.hmac(SECRET, JWSAlgorithm.HS256, Tokens.claims(id).build());
            PeerClient old = peers.connect(uri(first));
            old.send(Frames.registerWithToken(id, token));
            assertThat(old.next("peers").getJsonArray("peers").getString(0)).isEqualTo(id);

            PeerClient again = peers.connect(uri(second));
            again.send(Frames.registerWithToken(id, token));
            assertThat(again.next("peers").getJsonArray("peers").getString(0)).isEqualTo(id);

            assertThat(old.awaitClose().code()).isEqualTo(4000);
            assertThat(first.output()).as("the token is the proof: no probe")
                    .noneMatch(line -> line.contains("pinging the old socket") && line.contains(id))
                    .anyMatch(line -> line.contains("its token names the id") && line.contains(id));
        }
    }
}
