package network.chiral.signaling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.LocalServer;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Peers;
import network.chiral.signaling.it.fixture.Scrape;

/**
 * Upgrades turned away before a socket exists: origins not allowed (403), the total cap (503),
 * the per-address cap and the per-address attempt rate (429). Each case starts its own server.
 */
class AdmissionIT {
    private final Peers peers = new Peers();
    private LocalServer server;

    @BeforeEach
    void startClient() throws Exception {
        peers.start();
    }

    @AfterEach
    void stop() throws Exception {
        peers.stop();
        if (server != null) {
            server.close();
        }
    }

    private static ClientUpgradeRequest from(String origin) {
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        if (origin != null) {
            request.setHeader("Origin", origin);
        }
        return request;
    }

    private PeerClient connect() {
        return peers.connect(server.uri());
    }

    @Test
    void onlyAllowedOriginsMayConnect() throws Exception {
        server = LocalServer.start(Map.of("SIGNALING_ALLOWED_ORIGINS", "https://app.chiral.test,https://*.chiral.network"));

        PeerClient exact = peers.connect(server.uri(), from("https://app.chiral.test"));
        exact.register("origin-exact");
        peers.connect(server.uri(), from("https://eu.chiral.network"));
        peers.connect(server.uri(), from(null));

        assertThat(peers.refusedUpgrade(server.uri(), from("https://evil.test"))).isEqualTo(403);
        assertThat(peers.refusedUpgrade(server.uri(), from("https://chiral.network"))).isEqualTo(403);
        assertThat(peers.refusedUpgrade(server.uri(), from("http://app.chiral.test"))).isEqualTo(403);

        Scrape metrics = Scrape.of(server.httpUri());
        assertThat(metrics.value("signaling_connections_refused_total{reason=\"origin\"}")).isEqualTo(3);
    }

    @Test
    void aMissingOriginCanBeRefusedToo() throws Exception {
        server = LocalServer.start(Map.of("SIGNALING_ALLOWED_ORIGINS", "https://app.chiral.test",
                "SIGNALING_ALLOW_MISSING_ORIGIN", "false"));
        assertThat(peers.refusedUpgrade(server.uri(), from(null))).isEqualTo(403);
        peers.connect(server.uri(), from("https://app.chiral.test"));
    }

    @Test
    void overTheTotalCapIsRefusedWith503UntilASocketCloses() throws Exception {
        server = LocalServer.start(Map.of("SIGNALING_MAX_CONNECTIONS", "3"));
        PeerClient first = connect();
        connect();
        connect();
        Await.until("the server counts three sockets", Duration.ofSeconds(5), () -> server.connections() == 3);

        assertThat(peers.refusedUpgrade(server.uri())).isEqualTo(503);

        first.close();
        Await.until("the server counts two sockets", Duration.ofSeconds(5), () -> server.connections() == 2);
        connect().register("after-a-close");
    }

    @Test
    void overThePerAddressCapIsRefusedWith429() throws Exception {
        server = LocalServer.start(Map.of("SIGNALING_MAX_CONNECTIONS_PER_IP", "2"));
        PeerClient first = connect();
        connect();
        Await.until("the server counts two sockets", Duration.ofSeconds(5), () -> server.connections() == 2);

        assertThat(peers.refusedUpgrade(server.uri())).isEqualTo(429);

        first.close();
        Await.until("the server counts one socket", Duration.ofSeconds(5), () -> server.connections() == 1);
        connect();
    }

    @Test
    void tooManyAttemptsPerMinuteAreRefusedWith429EvenAfterClosing() throws Exception {
        server = LocalServer.start(Map.of("SIGNALING_CONNECTIONS_PER_IP_PER_MINUTE", "3"));
        for (int i = 0; i < 3; i++) {
            connect().close();
        }
        assertThat(peers.refusedUpgrade(server.uri())).isEqualTo(429);
    }

    @Test
    void eachRefusalSaysWhyInItsBodyAndHeaders() throws Exception {
        server = LocalServer.start(Map.of("SIGNALING_ALLOWED_ORIGINS", "https://app.chiral.test",
                "SIGNALING_MAX_CONNECTIONS_PER_IP", "1", "SIGNALING_AUTH_API_KEYS", "the-key"));
        String forbidden = rawUpgrade("/?token=the-key", "Origin: https://evil.test");
        assertThat(forbidden).startsWith("HTTP/1.1 403").contains("origin not allowed");
        String unauthorized = rawUpgrade("/", "Origin: https://app.chiral.test");
        assertThat(unauthorized).startsWith("HTTP/1.1 401").contains("WWW-Authenticate: Bearer")
                .contains("a token is required");

        peers.connect(server.uri("the-key"));
        Await.until("the server counts the socket", Duration.ofSeconds(5), () -> server.connections() == 1);
        String tooMany = rawUpgrade("/?token=the-key", "Origin: https://app.chiral.test");
        assertThat(tooMany).startsWith("HTTP/1.1 429").contains("Retry-After: 5")
                .contains("too many open connections from this address");
    }

    /** Sends a WebSocket upgrade by hand and returns the whole HTTP answer. */
    private String rawUpgrade(String path, String header) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.uri().getPort())) {
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + header + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void plainHttpIsNotSubjectToTheUpgradeChecks() throws Exception {
        server = LocalServer.start(Map.of("SIGNALING_ALLOWED_ORIGINS", "https://app.chiral.test",
                "SIGNALING_ALLOW_MISSING_ORIGIN", "false", "SIGNALING_AUTH_API_KEYS", "k"));
        java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(
                        server.httpUri().resolve("health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }
}
