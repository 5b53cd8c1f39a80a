package network.chiral.signaling.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.ChiralLikeClient;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Scrape;
import network.chiral.signaling.it.fixture.TcpProxy;
import network.chiral.signaling.it.fixture.Takeovers;

/**
 * The real world of a desktop client: its Wi-Fi changes, the old connection is left half-open
 * (the server still holds it, the client does not), and it reconnects and registers its id
 * again. Against the real {@code java -jar}, with a client that behaves like the Chiral client
 * and a TCP proxy that makes the old connection half-open.
 */
class IdTakeoverIT extends OneJarCases {
    private static final Duration PROBE = Duration.ofMillis(1500);

    IdTakeoverIT() {
        super(Map.of("SIGNALING_TAKEOVER_PROBE_MILLIS", String.valueOf(PROBE.toMillis())));
    }

    @Test
    void aClientWhoseOldConnectionIsHalfOpenGetsItsIdAndItsOffersWithinTheProbeTime() throws Exception {
        Scrape before = Scrape.of(URI.create("http://127.0.0.1:" + server.port() + "/"));
        try (TcpProxy wifi = TcpProxy.to(new InetSocketAddress("127.0.0.1", server.port()));
             ChiralLikeClient laptop = ChiralLikeClient.start(peers.client(), URI.create("ws://127.0.0.1:" + wifi.port() + "/"),
                     "laptop-" + UUID.randomUUID());
             PeerClient bob = peers.connect(direct())) {
            assertThat(laptop.next().getString("type")).isEqualTo("peers");
            String b = "bob-" + UUID.randomUUID();
            bob.register(b);

            wifi.abandon();
            long changed = System.nanoTime();
            laptop.reconnect(direct());
            // What reaches the old socket before the new register arrives is lost with it, as on
            // any dead connection; what is sent once the server probes it must not be.
            Await.until("the server probes the old socket", PeerClient.WAIT, () -> server.output().stream()
                    .anyMatch(line -> line.contains("pinging the old one") && line.contains(laptop.id())));
            bob.send(Takeovers.offer(laptop.id(), "v=0 sent during the probe"));

            long tookMillis = Duration.ofNanos(Takeovers.idAndOffersBack(laptop, bob, b, "v=0 sent during the probe")
                    - changed).toMillis();

            Scrape after = Scrape.of(URI.create("http://127.0.0.1:" + server.port() + "/"));
            assertThat(after.since(before, "signaling_connections_closed_total{code=\"4000\"}"))
                    .as("the half-open socket was closed as replaced").isEqualTo(1.0);
            LoggerFactory.getLogger(IdTakeoverIT.class)
                    .info("half-open takeover: id and offer back {} ms after the reconnect (probe {} ms)",
                            tookMillis, PROBE.toMillis());
        }
    }

    @Test
    void aClientWhoseOldConnectionWasResetGetsItsIdAtOnce() {
        try (ChiralLikeClient phone = ChiralLikeClient.start(peers.client(), direct(), "phone-" + UUID.randomUUID());
             PeerClient bob = peers.connect(direct())) {
            assertThat(phone.next().getString("type")).isEqualTo("peers");
            bob.register("bob-" + UUID.randomUUID());
            phone.close();
            try (ChiralLikeClient again = ChiralLikeClient.start(peers.client(), direct(), phone.id())) {
                JsonObject reply = again.next();
                assertThat(reply.getJsonArray("peers").getString(0)).isEqualTo(phone.id());
                bob.send(Takeovers.offer(phone.id(), "v=0"));
                assertThat(again.next().getString("type")).isEqualTo("offer");
            }
        }
    }
}
