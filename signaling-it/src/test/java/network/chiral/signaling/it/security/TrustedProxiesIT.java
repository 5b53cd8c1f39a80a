package network.chiral.signaling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.ServerTarget;
import network.chiral.signaling.it.fixture.ServletContainer;

/**
 * Which address the server logs for a socket whose handshake carries X-Forwarded-For or
 * X-Real-IP: the executable jar and the WAR in Tomcat (which, unlike Jetty, does not publish
 * the remote address to WebSocket endpoints), each with and without trusting the caller.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrustedProxiesIT {
    private WebSocketClient client;

    @BeforeAll
    void start() throws Exception {
        client = new WebSocketClient();
        client.start();
    }

    @AfterAll
    void stop() throws Exception {
        client.stop();
    }

    private static Map<String, String> settings(String trusted) {
        Map<String, String> settings = ServerTarget.suiteSettings(Map.of());
        if (trusted != null) {
            settings.put("SIGNALING_TRUSTED_PROXIES", trusted);
        }
        return settings;
    }

    /** The {@code remote} logged with {@code id}'s registration (Logback and JUL formats alike). */
    private static String loggedRemote(Supplier<List<String>> output, String id) {
        Await.until("the registration of " + id + " is logged", Duration.ofSeconds(10),
                () -> output.get().stream().anyMatch(l -> l.contains(id) && l.contains("registered")));
        String line = output.get().stream().filter(l -> l.contains(id) && l.contains("registered")).findFirst().orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("remote=\"?([^\" ]+)\"?").matcher(line);
        assertThat(m.find()).as("remote in %s", line).isTrue();
        return m.group(1);
    }

    private String registerWith(java.net.URI uri, Map<String, String> headers) {
        String id = PeerClient.newId();
        try (PeerClient peer = PeerClient.connect(client, uri, headers)) {
            peer.register(id);
        }
        return id;
    }

    @Test
    void byDefaultForwardedHeadersAreIgnored() throws Exception {
        try (ServerProcess server = ServerProcess.start(settings(null))) {
            java.net.URI uri = java.net.URI.create("ws://127.0.0.1:" + server.port() + "/");
            String id = registerWith(uri, Map.of("X-Forwarded-For", "203.0.113.7", "X-Real-IP", "203.0.113.8"));
            assertThat(loggedRemote(server::output, id)).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void fromATrustedProxyTheForwardedClientIsLoggedEvenUnderConcurrentHandshakes() throws Exception {
        try (ServerProcess server = ServerProcess.start(settings("127.0.0.0/8"))) {
            java.net.URI uri = java.net.URI.create("ws://127.0.0.1:" + server.port() + "/");
            assertThat(loggedRemote(server::output, registerWith(uri, Map.of("X-Real-IP", "203.0.113.8"))))
                    .isEqualTo("203.0.113.8");
            assertConcurrentHandshakesKeepTheirOwnAddress(uri, server::output);
        }
    }

    @Test
    void theWarInTomcatSeesTheDirectPeerAndTrustedForwardedClients() throws Exception {
        try (ServletContainer untrusting = ServletContainer.start(ServletContainer.Kind.TOMCAT_10, settings(null))) {
            String id = registerWith(untrusting.webSocketUri(), Map.of("X-Forwarded-For", "203.0.113.7",
                    "X-Chiral-Signaling-Peer", "198.51.100.1"));
            assertThat(loggedRemote(untrusting.process()::output, id)).isEqualTo("127.0.0.1");
        }
        try (ServletContainer trusting = ServletContainer.start(ServletContainer.Kind.TOMCAT_10, settings("127.0.0.1/32"))) {
            assertConcurrentHandshakesKeepTheirOwnAddress(trusting.webSocketUri(), trusting.process()::output);
        }
    }

    /** Twenty clients at once, each forwarded for a different address: each is logged with its own. */
    private void assertConcurrentHandshakesKeepTheirOwnAddress(java.net.URI uri, Supplier<List<String>> output)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                String address = "203.0.113." + i;
                ids.add(pool.submit(() -> registerWith(uri, Map.of("X-Forwarded-For", "198.51.100.99, " + address))));
            }
            for (int i = 1; i <= 20; i++) {
                String id = ids.get(i - 1).get(30, TimeUnit.SECONDS);
                assertThat(loggedRemote(output, id)).as("address logged for client %d", i).isEqualTo("203.0.113." + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
