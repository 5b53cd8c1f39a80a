package network.chiral.signaling.it.protocol;

import static network.chiral.signaling.it.fixture.PeerClient.newId;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.ListenBacklogs;
import network.chiral.signaling.it.fixture.Nginx;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.SecureClients;
import network.chiral.signaling.it.fixture.SecureTarget;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.ServerTarget;
import network.chiral.signaling.it.fixture.TestCertificates;
import network.chiral.signaling.it.fixture.WorkDirectories;

/**
 * The protocol suite over wss:// through a real nginx running docs/nginx/signaling.conf in
 * front of the executable jar, which trusts nginx (127.0.0.1) as a proxy; and the address the
 * server logs for a client behind it.
 */
class NginxProxyIT extends ProtocolSuite {
    private final TestCertificates ca = TestCertificates.newAuthority();
    private ServerProcess server;
    private Nginx nginx;

    @Override
    protected ServerTarget startTarget() throws Exception {
        server = ServerProcess.start(ServerTarget.suiteSettings(Map.of("SIGNALING_TRUSTED_PROXIES", "127.0.0.1/32")));
        try {
            nginx = Nginx.start(server.port(), ca.issue(WorkDirectories.fresh("nginx-cert"),
                    TestCertificates.KeyForm.EC_PKCS8));
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return SecureTarget.onLoopback(nginx.httpsPort(), ca, 1, nginx, server);
    }

    /**
     * A client connecting to nginx from 127.0.0.2 (loopback, but not nginx's own address) and
     * claiming another address in its own X-Forwarded-For: the server logs 127.0.0.2, what
     * nginx saw, and not the claim.
     */
    @Test
    void theServerLogsTheAddressNginxSawAndNotTheClientsClaim() throws Exception {
        WebSocketClient from2 = SecureClients.trusting(ca, "127.0.0.2");
        from2.start();
        try {
            PeerClient peer = PeerClient.connect(from2, target().webSocketUri(), Map.of("X-Forwarded-For", "203.0.113.7"));
            String id = newId();
            peer.register(id);
            Await.until("the server logs the registration", Duration.ofSeconds(10),
                    () -> server.output().stream().anyMatch(l -> l.contains("registered") && l.contains(id)));
            assertThat(server.output()).filteredOn(l -> l.contains("registered") && l.contains(id))
                    .singleElement().asString().contains("remote=\"127.0.0.2\"");
            peer.close();
        } finally {
            from2.stop();
        }
    }

    /** The shipped file's {@code backlog=4096}: a reconnect storm is not cut to nginx's default 511. */
    @Test
    void nginxListensWithTheShippedBacklog() throws Exception {
        assertThat(ListenBacklogs.of(nginx.httpsPort())).isEqualTo(Math.min(4096, ListenBacklogs.somaxconn()));
    }

    @Test
    void metricsAreNotServedThroughNginx() throws Exception {
        assertThat(http("metrics").statusCode()).isEqualTo(404);
        assertThat(http("health").statusCode()).isEqualTo(200);
    }

    @Test
    void plainHttpIsRedirectedToHttps() throws Exception {
        java.net.http.HttpResponse<Void> response = HttpClient.newHttpClient().send(java.net.http.HttpRequest
                        .newBuilder(URI.create("http://127.0.0.1:" + nginx.httpPort() + "/health")).timeout(PeerClient.WAIT).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(301);
        assertThat(response.headers().firstValue("location")).hasValue("https://127.0.0.1/health");
    }
}
