package network.chiral.signaling.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.ServletContainer;

/**
 * Undeploying the WAR (deleting it from webapps, as an operator would) closes every socket
 * with 1001 and stops the server inside the container, which keeps running. No drain time,
 * so that the close follows the undeploy at once (DrainIT covers draining).
 */
class WarUndeployIT {
    /** Tomcat looks for removed WARs every 10 seconds by default, Jetty (as started here) every second. */
    private static final Duration UNDEPLOY = Duration.ofSeconds(30);

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void undeployingClosesSocketsWith1001(ServletContainer.Kind kind) throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.start();
        try (ServletContainer container = ServletContainer.start(kind, Map.of("SIGNALING_DRAIN_SECONDS", "0"));
             PeerClient peer = PeerClient.connect(client, container.webSocketUri())) {
            peer.register(PeerClient.newId());
            Files.delete(container.deployedWar());

            PeerClient.Close close = peer.awaitClose(UNDEPLOY);
            assertThat(close.code()).as(container.process().describe()).isEqualTo(1001);
            Await.until("the container logs the undeploy", Duration.ofSeconds(10), () -> container.process().output()
                    .stream().anyMatch(l -> l.contains("signaling-server undeployed from /signaling")));
            assertThat(container.process().isAlive()).isTrue();
            HttpClient http = HttpClient.newHttpClient();
            Await.until("/signaling/health is gone", Duration.ofSeconds(10), () -> {
                try {
                    return http.send(HttpRequest.newBuilder(container.httpUri().resolve("health")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 404;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            client.stop();
        }
    }
}
