package network.chiral.signaling.it.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Scrape;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.ServerTarget;

/**
 * SIGTERM on the real jar: {@code /ready} turns 503 at once, new upgrades get HTTP 503 (and are
 * counted), open sockets keep working until the drain time is up, then get 1001 and the
 * process exits 0. A second SIGTERM cuts the drain short.
 */
class DrainIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private WebSocketClient client;

    @BeforeEach
    void startClient() throws Exception {
        client = new WebSocketClient();
        client.start();
    }

    @AfterEach
    void stopClient() throws Exception {
        client.stop();
    }

    private static ServerProcess start(String drainSeconds) throws Exception {
        return ServerProcess.start(ServerTarget.suiteSettings(Map.of(
                // Longer than the drain, so that only the drain can close these sockets.
                "SIGNALING_IDLE_TIMEOUT_SECONDS", "120",
                "SIGNALING_DRAIN_SECONDS", drainSeconds)));
    }

    @Test
    void sigtermMakesTheServerUnreadyRefusesUpgradesThenClosesSocketsWith1001AndExits0() throws Exception {
        try (ServerProcess server = start("4")) {
            URI http = URI.create("http://127.0.0.1:" + server.port() + "/");
            URI ws = URI.create("ws://127.0.0.1:" + server.port() + "/");
            PeerClient alice = PeerClient.connect(client, ws);
            PeerClient bob = PeerClient.connect(client, ws);
            alice.register("drain-alice");
            bob.register("drain-bob");
            assertThat(Scrape.get(http.resolve("/ready")).status()).isEqualTo(200);

            server.terminate();
            long stopAsked = System.nanoTime();
            Await.until("/ready answers 503", WAIT, () -> Scrape.get(http.resolve("/ready")).status() == 503);
            Scrape.Response ready = Scrape.get(http.resolve("/ready"));
            assertThat(ready.body()).contains("\"not ready\"").contains("accepting");
            assertThat(Scrape.get(http.resolve("/health")).status()).as("still alive").isEqualTo(200);

            Throwable refused = catchThrowable(() -> PeerClient.connect(client, ws));
            assertThat(upgradeStatus(refused)).as("handshake status, from %s", refused).isEqualTo(503);

            // Sockets already open keep working during the drain.
            alice.send(Frames.relay("offer", "drain-bob", "{\"sdp\":\"v=0\"}"));
            assertThat(bob.next("offer").getString("from")).isEqualTo("drain-alice");

            Scrape metrics = Scrape.of(http);
            assertThat(metrics.value("signaling_connections_refused_total{reason=\"draining\"}")).isEqualTo(1);
            assertThat(metrics.value("signaling_ready")).isZero();
            assertThat(metrics.value("signaling_connections")).isEqualTo(2);

            PeerClient.Close aliceClose = alice.awaitClose();
            PeerClient.Close bobClose = bob.awaitClose();
            long closedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopAsked);
            assertThat(aliceClose).isEqualTo(new PeerClient.Close(1001, "server shutting down"));
            assertThat(bobClose).isEqualTo(new PeerClient.Close(1001, "server shutting down"));
            assertThat(closedAfterMillis).as("sockets were left open for the drain").isGreaterThanOrEqualTo(3_000);
            assertThat(server.awaitExit(WAIT)).isZero();
            assertThat(server.output()).anyMatch(l -> l.contains("WARN") && l.contains("connection refused")
                    && l.contains("reason=\"draining\""));
        }
    }

    private static int upgradeStatus(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UpgradeException upgrade) {
                return upgrade.getResponseStatusCode();
            }
        }
        return -1;
    }

    @Test
    void aSecondSigtermEndsALongDrainPromptly() throws Exception {
        try (ServerProcess server = start("600")) {
            URI http = URI.create("http://127.0.0.1:" + server.port() + "/");
            PeerClient peer = PeerClient.connect(client, URI.create("ws://127.0.0.1:" + server.port() + "/"));
            peer.register("drain-long");

            server.terminate();
            Await.until("/ready answers 503", WAIT, () -> Scrape.get(http.resolve("/ready")).status() == 503);
            assertThat(peer.isOpen()).as("still draining").isTrue();
            server.terminate();

            assertThat(peer.awaitClose()).isEqualTo(new PeerClient.Close(1001, "server shutting down"));
            assertThat(server.awaitExit(WAIT)).isZero();
        }
    }
}
