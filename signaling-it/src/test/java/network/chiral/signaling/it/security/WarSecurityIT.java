package network.chiral.signaling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.ServletContainer;

/**
 * The security controls in the WAR under a real Tomcat: they are installed by the same
 * deployment code as in the jar, and refuse at the upgrade with the same statuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WarSecurityIT {
    private static final String API_KEY = "war-api-key-" + UUID.randomUUID();
    private static final String ORIGIN = "https://app.chiral.test";
    private static final int PER_ADDRESS = 3;

    private ServletContainer tomcat;
    private WebSocketClient client;

    @BeforeAll
    void start() throws Exception {
        tomcat = ServletContainer.start(ServletContainer.Kind.TOMCAT_10, Map.of(
                "SIGNALING_AUTH_API_KEYS", API_KEY,
                "SIGNALING_ALLOWED_ORIGINS", ORIGIN,
                "SIGNALING_MAX_CONNECTIONS_PER_IP", String.valueOf(PER_ADDRESS),
                "SIGNALING_RATE_LIMIT_MESSAGES_PER_SECOND", "5",
                "SIGNALING_RATE_LIMIT_BURST", "5"));
        client = new WebSocketClient();
        client.start();
    }

    @AfterAll
    void stop() throws Exception {
        client.stop();
        tomcat.close();
    }

    private URI withKey(String key) {
        return URI.create(tomcat.webSocketUri() + "?token=" + key);
    }

    private static ClientUpgradeRequest from(String origin) {
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.setHeader("Origin", origin);
        return request;
    }

    @Test
    void aMissingOrWrongKeyIsRefusedWith401() {
        assertThat(PeerClient.refusedUpgrade(client, tomcat.webSocketUri(), from(ORIGIN))).isEqualTo(401);
        assertThat(PeerClient.refusedUpgrade(client, withKey("not-" + API_KEY), from(ORIGIN))).isEqualTo(401);
    }

    @Test
    void aForeignOriginIsRefusedWith403() {
        assertThat(PeerClient.refusedUpgrade(client, withKey(API_KEY), from("https://evil.test"))).isEqualTo(403);
    }

    @Test
    void aFloodIsAnsweredRateLimitedAndOneAddressGetsNoMoreThanItsShare() {
        List<PeerClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                PeerClient peer = PeerClient.connect(client, withKey(API_KEY), from(ORIGIN));
                open.add(peer);
                peer.register("war-peer-" + UUID.randomUUID());
            }
            assertThat(PeerClient.refusedUpgrade(client, withKey(API_KEY), from(ORIGIN))).isEqualTo(429);

            PeerClient flooder = open.get(0);
            for (int i = 0; i < 8; i++) {
                flooder.send(Frames.ping(1));
            }
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                var reply = flooder.next();
                codes.add(reply.getString("type").equals("error") ? reply.getString("code") : reply.getString("type"));
            }
            assertThat(codes).contains("pong", "rate-limited").containsOnly("pong", "rate-limited");
        } finally {
            open.forEach(PeerClient::close);
        }
    }
}
