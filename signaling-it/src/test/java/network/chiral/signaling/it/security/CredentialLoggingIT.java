package network.chiral.signaling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.Tokens;

/**
 * The real jar at debug level, with credentials sent every way a client can send them, valid
 * and invalid: neither the tokens nor the configured secrets appear anywhere in its output.
 */
class CredentialLoggingIT {
    private static final String SECRET = "logging-test-secret-0123456789abcdef-XYZ";
    private static final String API_KEY = "api-key-that-must-not-be-logged";

    @Test
    void credentialsNeverReachTheLog() throws Exception {
        String queryToken = Tokens.hmac(SECRET, JWSAlgorithm.HS256, Tokens.claims("q-peer").build());
        String headerToken = Tokens.hmac(SECRET, JWSAlgorithm.HS256, Tokens.claims("h-peer").build());
        String forged = Tokens.hmac("forged-secret-0123456789abcdef-0123456789", JWSAlgorithm.HS256,
                Tokens.claims("x").build());
        WebSocketClient client = new WebSocketClient();
        client.start();
        try (ServerProcess server = ServerProcess.start(Map.of(
                "PORT", "0", "SIGNALING_HOST", "127.0.0.1", "SIGNALING_LOG_LEVEL", "debug",
                "SIGNALING_AUTH_JWT_SECRET", SECRET, "SIGNALING_AUTH_API_KEYS", API_KEY,
                "SIGNALING_AUTH_REGISTER_TOKEN", "true"))) {
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
            try (PeerClient peer = PeerClient.connect(client, URI.create(uri + "?token=" + queryToken),
                    new ClientUpgradeRequest())) {
                peer.register("q-peer");
                peer.send(Frames.register("not-mine"));
                peer.nextError("forbidden");
            }
            ClientUpgradeRequest bearer = new ClientUpgradeRequest();
            bearer.setHeader("Authorization", "Bearer " + headerToken);
            try (PeerClient peer = PeerClient.connect(client, uri, bearer)) {
                peer.register("h-peer");
            }
            try (PeerClient peer = PeerClient.connect(client, uri, new ClientUpgradeRequest())) {
                peer.send(Frames.registerWithToken("f-peer", forged));
                peer.nextError("unauthorized");
                peer.awaitClose();
            }
            assertThat(PeerClient.refusedUpgrade(client, URI.create(uri + "?token=" + forged), new ClientUpgradeRequest()))
                    .isEqualTo(401);
            assertThat(PeerClient.refusedUpgrade(client, URI.create(uri + "?token=" + API_KEY + "x"),
                    new ClientUpgradeRequest())).isEqualTo(401);
            Await.until("the refusals and closes are logged", Duration.ofSeconds(10),
                    () -> server.output().stream().filter(l -> l.contains("upgrade refused")).count() >= 2
                            && server.output().stream().anyMatch(l -> l.contains("f-peer") || l.contains("register refused")));

            String output = String.join("\n", server.output());
            assertThat(output).contains("(secret)").contains("connection refused").contains("upgrade refused");
            for (String credential : new String[] {SECRET, API_KEY, queryToken, headerToken, forged}) {
                assertThat(output).doesNotContain(credential);
                // Not even the signature part alone.
                assertThat(output).doesNotContain(credential.substring(credential.lastIndexOf('.') + 1));
            }
        } finally {
            client.stop();
        }
    }
}
