package network.chiral.signaling.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.ClusterNodes;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.RedisServer;
import network.chiral.signaling.it.fixture.ServletContainer;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.embedded.SignalingServer;

/**
 * The WAR in cluster mode, in a real Tomcat, sharing a real Redis with a node started as the
 * launcher starts it: peers on either node reach each other, the WAR's {@code /ready} follows
 * its membership, and undeploying the WAR closes its sockets, takes its peers out of the
 * cluster and stops its Redis client's threads.
 */
class WarClusterIT {
    private static final Duration UNDEPLOY = Duration.ofSeconds(30);

    @Test
    void aWarNodeAndAnEmbeddedNodeRelayToEachOtherAndTheUndeployLeavesTheCluster() throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.start();
        try (RedisServer redis = RedisServer.start();
             SignalingServer embedded = SignalingServer.start(Settings.load(
                     ClusterNodes.settings(redis.url(), "embedded-node", Map.of())::get));
             ServletContainer tomcat = ServletContainer.start(ServletContainer.Kind.TOMCAT_10, warSettings(redis))) {
            HttpClient http = HttpClient.newHttpClient();
            Await.until("the WAR node is ready, having joined the cluster", Duration.ofSeconds(20),
                    () -> status(http, tomcat, "ready") == 200);

            String a = PeerClient.newId();
            String b = PeerClient.newId();
            try (PeerClient alice = PeerClient.connect(client, tomcat.webSocketUri());
                 PeerClient bob = PeerClient.connect(client, embedded.uri())) {
                bob.register(b);
                assertThat(alice.register(a).getJsonArray("peers").getValuesAs(JsonString::getString))
                        .as("the WAR node lists the other node's peers").contains(a, b);

                alice.send(Frames.relay("offer", b, Frames.description("offer", "v=0\r\n")));
                JsonObject offer = bob.next("offer");
                assertThat(offer.getString("from")).isEqualTo(a);
                bob.send(Frames.relay("answer", a, Frames.description("answer", "v=0\r\n")));
                assertThat(alice.next("answer").getString("from")).isEqualTo(b);

                Files.delete(tomcat.deployedWar());
                assertThat(alice.awaitClose(UNDEPLOY).code()).isEqualTo(1001);
                Await.until("the container logs the undeploy", Duration.ofSeconds(10), () -> tomcat.process().output()
                        .stream().anyMatch(l -> l.contains("signaling-server undeployed from /signaling")));

                bob.send(Frames.relay("offer", a, "{}"));
                assertThat(bob.nextError("peer-not-found")).contains(a);
            }
            assertThat(tomcat.process().isAlive()).isTrue();
            // Tomcat names any thread the application started and left running at undeploy.
            assertThat(tomcat.logFiles()).doesNotContain("failed to stop it");
        } finally {
            client.stop();
        }
    }

    private static Map<String, String> warSettings(RedisServer redis) {
        Map<String, String> settings = new HashMap<>();
        settings.put("SIGNALING_CLUSTER_REDIS_URL", redis.url());
        settings.put("SIGNALING_NODE_ID", "war-node");
        settings.put("SIGNALING_DRAIN_SECONDS", "0");
        return settings;
    }

    private static int status(HttpClient http, ServletContainer container, String path) {
        try {
            return http.send(HttpRequest.newBuilder(container.httpUri().resolve(path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
