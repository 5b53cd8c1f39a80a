package network.chiral.signaling.it.security;

import static network.chiral.signaling.it.fixture.PeerClient.newId;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.LocalServer;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Peers;

/**
 * Per-socket allowances: a flood is dropped with {@code rate-limited} and then closed with
 * 1008 while other peers' signaling still goes through; registering new ids is limited too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitIT {
    private static final int RATE = 5;
    private static final int BURST = 20;
    private static final int REGISTRATIONS = 3;

    /** Closes the peers each case opened, after the case. */
    @RegisterExtension
    final Peers peers = new Peers();
    private LocalServer server;

    @BeforeAll
    void start() throws Exception {
        peers.start();
        server = LocalServer.start(Map.of(
                "SIGNALING_RATE_LIMIT_MESSAGES_PER_SECOND", Integer.toString(RATE),
                "SIGNALING_RATE_LIMIT_BURST", Integer.toString(BURST),
                "SIGNALING_REGISTRATIONS_PER_MINUTE", Integer.toString(REGISTRATIONS)));
    }

    @AfterAll
    void stop() throws Exception {
        peers.stop();
        server.close();
    }

    private PeerClient connect() {
        return peers.connect(server.uri());
    }

    /** A peer connected and registered as {@code id}. */
    private PeerClient registered(String id) {
        PeerClient peer = connect();
        peer.register(id);
        return peer;
    }

    /** {@code signaling_connections_closed_total{code="1008"}} from a scrape of /metrics. */
    private double closesWith1008() {
        return counted("signaling_connections_closed_total{", "code=\"1008\"");
    }

    private double rateLimitedSent() {
        return counted("signaling_errors_sent_total{", "code=\"rate-limited\"");
    }

    /** The server's own count: the series of {@code metric} whose labels include {@code label}. */
    private double counted(String metric, String label) {
        URI metrics = server.httpUri().resolve("/metrics");
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).timeout(PeerClient.WAIT).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return body.lines()
                    .filter(l -> l.startsWith(metric) && l.contains(label))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aFloodIsDroppedWithRateLimitedThenClosedWith1008WhileOthersStillRelay() throws Exception {
        double closedBefore = closesWith1008();
        double limitedBefore = rateLimitedSent();
        PeerClient flooder = connect();
        flooder.register(newId());
        String a = newId();
        String b = newId();
        PeerClient alice = registered(a);
        PeerClient bob = registered(b);

        // Far more than the burst plus the drops allowed, as fast as the socket takes them.
        for (int i = 0; i < 20 * BURST && flooder.isOpen(); i++) {
            try {
                flooder.send(Frames.ping(i));
            } catch (AssertionError closedUnderUs) {
                break;
            }
            if (i == BURST * 2) {
                // Mid-flood, ordinary signaling between two other peers.
                alice.send(Frames.relay("offer", b, Frames.description("offer", "v=0")));
            }
        }
        JsonObject offer = bob.next("offer");
        assertThat(offer.getString("from")).isEqualTo(a);

        int pongs = 0;
        int limited = 0;
        while (true) {
            JsonObject frame;
            try {
                frame = flooder.next();
            } catch (AssertionError noMore) {
                break;
            }
            if (frame.getString("type").equals("pong")) {
                pongs++;
            } else if (frame.getString("code", "").equals("rate-limited")) {
                limited++;
            }
            if (!flooder.isOpen() && limited > 0) {
                break;
            }
        }
        // The flooder may still be writing when the server closes it; its socket can then be
        // reset before it reads what was sent to it, the close frame (-1 here) and the
        // rate-limited replies alike. The server's own counts say what it sent either way.
        assertThat(flooder.awaitClose().code()).isIn(1008, -1);
        Await.until("the server counts a close with 1008", Duration.ofSeconds(10),
                () -> closesWith1008() > closedBefore);
        assertThat(rateLimitedSent() - limitedBefore).as("rate-limited replies sent").isPositive();
        assertThat(pongs + limited).as("replies read before the close").isLessThan(20 * BURST);

        // The others were not affected.
        bob.send(Frames.relay("answer", a, Frames.description("answer", "v=0")));
        assertThat(alice.next("answer").getString("from")).isEqualTo(b);
    }

    @Test
    void aBurstWithinTheAllowanceIsDroppedNowhere() {
        String a = newId();
        String b = newId();
        PeerClient alice = registered(a);
        PeerClient bob = registered(b);
        // Like a client's trickle of candidates after its offer: within the burst.
        for (int i = 0; i < BURST - 5; i++) {
            alice.send(Frames.relay("candidate", b, "{\"candidate\":\"c" + i + "\"}"));
        }
        for (int i = 0; i < BURST - 5; i++) {
            assertThat(bob.next("candidate").getJsonObject("candidate").getString("candidate")).isEqualTo("c" + i);
        }
    }

    @Test
    void registeringNewIdsIsLimitedPerMinute() {
        PeerClient churner = connect();
        String last = null;
        for (int i = 0; i < REGISTRATIONS; i++) {
            last = newId();
            churner.register(last);
        }
        churner.send(Frames.register(newId()));
        churner.nextError("rate-limited");
        // Re-registering the id it holds is not churn.
        churner.register(last);
        assertThat(churner.isOpen()).isTrue();
    }
}
