package network.chiral.signaling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.LocalServer;
import network.chiral.signaling.it.fixture.PeerClient;

/** The {@code peers} reply carries RTCIceServer entries with coturn REST API credentials. */
class TurnCredentialsIT {
    private static final String SECRET = "coturn-static-auth-secret";

    @Test
    void peersCarriesStunAndTurnWithAVerifiableCredential() throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.start();
        try (LocalServer server = LocalServer.start(Map.of(
                "SIGNALING_TURN_SECRET", SECRET,
                "SIGNALING_TURN_URLS", "turn:turn.chiral.test:3478?transport=udp,turns:turn.chiral.test:5349",
                "SIGNALING_STUN_URLS", "stun:stun.chiral.test:3478",
                "SIGNALING_TURN_TTL_SECONDS", "3600"));
             PeerClient peer = PeerClient.connect(client, server.uri(), new ClientUpgradeRequest())) {
            long before = Instant.now().getEpochSecond();
            JsonObject reply = peer.register("alice");
            long after = Instant.now().getEpochSecond();

            JsonArray ice = reply.getJsonArray("iceServers");
            assertThat(ice).hasSize(2);
            assertThat(ice.getJsonObject(0).getJsonArray("urls").getString(0)).isEqualTo("stun:stun.chiral.test:3478");
            assertThat(ice.getJsonObject(0).containsKey("username")).isFalse();

            JsonObject turn = ice.getJsonObject(1);
            assertThat(turn.getJsonArray("urls").getString(1)).isEqualTo("turns:turn.chiral.test:5349");
            String username = turn.getString("username");
            long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
            assertThat(expiry).isBetween(before + 3600, after + 3600);
            assertThat(username).endsWith(":alice");
            // What coturn computes with use-auth-secret and static-auth-secret=SECRET.
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            String expected = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
            assertThat(turn.getString("credential")).isEqualTo(expected);
        } finally {
            client.stop();
        }
    }

    @Test
    void withoutTurnSettingsPeersHasNoIceServers() throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.start();
        try (LocalServer server = LocalServer.start(Map.of());
             PeerClient peer = PeerClient.connect(client, server.uri(), new ClientUpgradeRequest())) {
            assertThat(peer.register("bob").containsKey("iceServers")).isFalse();
        } finally {
            client.stop();
        }
    }
}
