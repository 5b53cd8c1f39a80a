package network.chiral.signaling.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import network.chiral.signaling.it.fixture.ChiralLikeClient;
import network.chiral.signaling.it.fixture.ClusterNodes;
import network.chiral.signaling.it.fixture.LocalServer;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Peers;

/**
 * A peer registered first learns of the peers that register after it, and of those that leave,
 * without registering again: the Chiral app filters seeders by this list. On one node and
 * across two nodes sharing a real Redis, with the default push interval.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerListUpdatesIT {
    private static final Map<String, String> PUSHES_ON = Map.of("SIGNALING_PEERS_PUSH_MILLIS", "1000");

    private LocalServer single;
    private ClusterNodes cluster;
    @RegisterExtension
    final Peers peers = new Peers();

    @BeforeAll
    void start() throws Exception {
        single = LocalServer.start(PUSHES_ON);
        cluster = ClusterNodes.start(2, PUSHES_ON);
        peers.start();
    }

    @AfterAll
    void stop() throws Exception {
        peers.stop();
        cluster.close();
        single.close();
    }

    private static List<String> ids(JsonObject peers) {
        return peers.getJsonArray("peers").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    /** The next {@code peers} push that satisfies {@code wanted}, skipping older ones. */
    private static JsonObject pushUntil(PeerClient peer, java.util.function.Predicate<JsonObject> wanted) {
        while (true) {
            JsonObject frame = peer.next("peers");
            if (wanted.test(frame)) {
                return frame;
            }
        }
    }

    private void firstPeerSeesLaterOnesComeAndGo(URI first, URI second) {
        String a = "first-" + UUID.randomUUID();
        String b = "second-" + UUID.randomUUID();
        try (PeerClient alice = peers.connect(first)) {
            assertThat(ids(alice.register(a))).startsWith(a).doesNotContain(b);
            try (PeerClient bob = peers.connect(second)) {
                bob.register(b);
                JsonObject pushed = pushUntil(alice, p -> ids(p).contains(b));
                assertThat(ids(pushed)).first().isEqualTo(a);
                assertThat(pushed.getInt("total")).isGreaterThanOrEqualTo(2);
                assertThat(pushed.containsKey("iceServers")).isFalse();
            }
            JsonObject afterLeave = pushUntil(alice, p -> !ids(p).contains(b));
            assertThat(ids(afterLeave)).first().isEqualTo(a);
        }
    }

    @Test
    void onOneNodeTheFirstPeerLearnsOfTheSecondAndOfItsLeaving() {
        firstPeerSeesLaterOnesComeAndGo(single.uri(), single.uri());
    }

    @Test
    void acrossNodesTheFirstPeerLearnsOfTheSecondAndOfItsLeaving() {
        firstPeerSeesLaterOnesComeAndGo(cluster.node(0).uri(), cluster.node(1).uri());
    }

    @Test
    void acrossNodesASocketThatAskedForDeltasHearsWhoJoinedAndLeft() {
        String a = "watcher-" + UUID.randomUUID();
        String b = "visitor-" + UUID.randomUUID();
        try (PeerClient alice = peers.connect(cluster.node(0).uri())) {
            alice.send("{\"type\":\"register\",\"clientId\":\"" + a + "\",\"updates\":\"delta\"}");
            assertThat(ids(alice.next("peers"))).first().isEqualTo(a);
            try (PeerClient bob = peers.connect(cluster.node(1).uri())) {
                bob.register(b);
                assertThat(nextAbout(alice, b).getString("type")).isEqualTo("peer-joined");
            }
            assertThat(nextAbout(alice, b).getString("type")).isEqualTo("peer-left");
        }
    }

    /** The next delta about {@code id}, skipping those about peers other cases left behind. */
    private static JsonObject nextAbout(PeerClient peer, String id) {
        while (true) {
            JsonObject frame = peer.next();
            if (id.equals(frame.getString("id", null))) {
                return frame;
            }
        }
    }

    @Test
    void aChiralLikeClientGetsTheListWithoutAnyChange() {
        String b = "seeder-" + UUID.randomUUID();
        try (ChiralLikeClient app = ChiralLikeClient.start(peers.client(), single.uri(), "downloader-" + UUID.randomUUID());
             PeerClient seeder = peers.connect(single.uri())) {
            assertThat(app.next().getString("type")).isEqualTo("peers");
            seeder.register(b);
            JsonObject pushed = app.next();
            while (!ids(pushed).contains(b)) {
                pushed = app.next();
            }
            assertThat(pushed.getString("type")).isEqualTo("peers");
        }
    }
}
