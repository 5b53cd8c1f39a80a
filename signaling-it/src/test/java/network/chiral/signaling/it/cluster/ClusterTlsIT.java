package network.chiral.signaling.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.ClusterNodes;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.RedisServer;
import network.chiral.signaling.it.fixture.Scrape;
import network.chiral.signaling.it.fixture.TestCertificates;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.embedded.SignalingServer;

/**
 * Cluster mode through a Redis that speaks only TLS and wants a password, as Memorystore with
 * in-transit encryption and AUTH does: {@code rediss://} with the server CA from
 * {@code SIGNALING_CLUSTER_REDIS_CA_FILE}.
 */
class ClusterTlsIT {
    private static final String PASSWORD = "redis-" + UUID.randomUUID();

    @TempDir
    Path dir;

    private RedisServer redis;
    private Path authority;
    private WebSocketClient client;

    @BeforeEach
    void start() throws Exception {
        TestCertificates certificates = TestCertificates.newAuthority();
        TestCertificates.Issued issued = certificates.issue(dir.resolve("redis"), TestCertificates.KeyForm.EC_PKCS8);
        authority = certificates.writeAuthority(dir.resolve("server-ca.pem"));
        redis = RedisServer.startTls(issued.fullChain(), issued.privateKey(), PASSWORD);
        client = new WebSocketClient();
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        redis.close();
    }

    private String url(String password) {
        return "rediss://:" + password + "@127.0.0.1:" + redis.port();
    }

    private SignalingServer node(String name, String password, Map<String, String> extra) throws Exception {
        return SignalingServer.start(Settings.load(ClusterNodes.settings(url(password), name, extra)::get));
    }

    @Test
    void nodesShareTheirPeersThroughATlsRedisTheyTrustAndLogIn() throws Exception {
        Map<String, String> trust = Map.of("SIGNALING_CLUSTER_REDIS_CA_FILE", authority.toString());
        try (SignalingServer one = node("tls-1", PASSWORD, trust); SignalingServer two = node("tls-2", PASSWORD, trust)) {
            Await.until("both nodes joined", Duration.ofSeconds(20), () -> one.directory().available() && two.directory().available());
            PeerClient alice = PeerClient.connect(client, one.uri());
            String a = "alice-" + UUID.randomUUID();
            alice.register(a);
            PeerClient bob = PeerClient.connect(client, two.uri());
            String b = "bob-" + UUID.randomUUID();
            assertThat(bob.register(b).getInt("total")).isEqualTo(2);

            alice.send(Frames.offer(b, "over tls"));
            assertThat(bob.next("offer").getString("from")).isEqualTo(a);
            bob.send(Frames.answer(a, "back"));
            assertThat(alice.next("answer").getString("sdp")).isEqualTo("back");
            alice.close();
            bob.close();
        }
    }

    @Test
    void aNodeThatCannotVerifyRedisOrLogInRunsUnreadyAndServesItsOwnPeers() throws Exception {
        Map<String, String> trust = Map.of("SIGNALING_CLUSTER_REDIS_CA_FILE", authority.toString());
        // The JVM's trust store does not know this CA; and a wrong password is refused by Redis.
        try (SignalingServer untrusting = node("tls-untrusting", PASSWORD, Map.of());
             SignalingServer wrongPassword = node("tls-wrong-password", "not-" + PASSWORD, trust)) {
            for (SignalingServer node : new SignalingServer[] {untrusting, wrongPassword}) {
                assertThat(node.directory().available()).as("cluster available").isFalse();
                assertThat(Scrape.get(node.httpUri().resolve("ready")).status()).isEqualTo(503);
                PeerClient alice = PeerClient.connect(client, node.uri());
                alice.register("alice");
                PeerClient bob = PeerClient.connect(client, node.uri());
                bob.register("bob");
                alice.send(Frames.offer("bob", "same node"));
                assertThat(bob.next("offer").getString("sdp")).isEqualTo("same node");
                alice.close();
                bob.close();
            }
        }
    }
}
