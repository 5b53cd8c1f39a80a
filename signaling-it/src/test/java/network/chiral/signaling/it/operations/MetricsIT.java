package network.chiral.signaling.it.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.LocalServer;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Scrape;
import network.chiral.signaling.it.fixture.ServerTarget;

/** {@code /metrics} against the embedded server: counters move by exactly what traffic did, and who may read it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private LocalServer server;
    private WebSocketClient client;

    @BeforeAll
    void start() throws Exception {
        server = start(Map.of());
        client = new WebSocketClient();
        client.start();
    }

    @AfterAll
    void stop() throws Exception {
        client.stop();
        server.close();
    }

    private static LocalServer start(Map<String, String> extra) throws Exception {
        return LocalServer.start(ServerTarget.suiteSettings(extra));
    }

    @Test
    void trafficMovesEveryCounterByExactlyWhatHappened() {
        Scrape before = Scrape.of(server.httpUri());
        AtomicLong receivedByClients = new AtomicLong();

        PeerClient alice = PeerClient.connect(client, server.uri());
        PeerClient bob = PeerClient.connect(client, server.uri());
        String[] sent = {
            "{\"type\":\"register\",\"clientId\":\"metrics-alice\"}",
            "{\"type\":\"register\",\"clientId\":\"metrics-bob\"}",
            "{\"type\":\"offer\",\"to\":\"metrics-bob\",\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0 é\"}}",
            "{\"type\":\"answer\",\"to\":\"metrics-alice\",\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0\"}}",
            "{\"type\":\"candidate\",\"to\":\"metrics-bob\",\"candidate\":{\"candidate\":\"c\"}}",
            "not json",
            "{\"type\":\"offer\",\"to\":\"nobody-here\",\"sdp\":{}}",
        };
        alice.send(sent[0]);
        receivedByClients.addAndGet(utf8(alice.nextFrame()));
        bob.send(sent[1]);
        receivedByClients.addAndGet(utf8(bob.nextFrame()));
        alice.send(sent[2]);
        receivedByClients.addAndGet(utf8(bob.nextFrame()));
        bob.send(sent[3]);
        receivedByClients.addAndGet(utf8(alice.nextFrame()));
        alice.send(sent[4]);
        receivedByClients.addAndGet(utf8(bob.nextFrame()));
        alice.send(sent[5]);
        receivedByClients.addAndGet(utf8(alice.nextFrame()));
        alice.send(sent[6]);
        receivedByClients.addAndGet(utf8(alice.nextFrame()));
        long sentByClients = 0;
        for (String frame : sent) {
            sentByClients += utf8(frame);
        }

        // Writes complete (and are counted) just after the client can see them: wait for the last.
        long expectedOut = receivedByClients.get();
        Await.until("sent bytes counted", WAIT,
                () -> Scrape.of(server.httpUri()).since(before, "signaling_sent_bytes_total") >= expectedOut);
        Scrape during = Scrape.of(server.httpUri());
        assertThat(during.since(before, "signaling_connections_opened_total")).isEqualTo(2);
        assertThat(during.since(before, "signaling_connections")).isEqualTo(2);
        assertThat(during.since(before, "signaling_peers_registered")).isEqualTo(2);
        assertThat(during.since(before, "signaling_messages_received_total{type=\"register\"}")).isEqualTo(2);
        assertThat(during.since(before, "signaling_messages_received_total{type=\"offer\"}")).isEqualTo(2);
        assertThat(during.since(before, "signaling_messages_received_total{type=\"answer\"}")).isEqualTo(1);
        assertThat(during.since(before, "signaling_messages_received_total{type=\"candidate\"}")).isEqualTo(1);
        assertThat(during.since(before, "signaling_messages_received_total{type=\"invalid\"}")).isEqualTo(1);
        assertThat(during.since(before, "signaling_messages_relayed_total{type=\"offer\"}")).isEqualTo(1);
        assertThat(during.since(before, "signaling_messages_relayed_total{type=\"answer\"}")).isEqualTo(1);
        assertThat(during.since(before, "signaling_messages_relayed_total{type=\"candidate\"}")).isEqualTo(1);
        assertThat(during.since(before, "signaling_errors_sent_total{code=\"invalid-message\"}")).isEqualTo(1);
        assertThat(during.since(before, "signaling_errors_sent_total{code=\"peer-not-found\"}")).isEqualTo(1);
        assertThat(during.since(before, "signaling_received_bytes_total")).isEqualTo(sentByClients);
        assertThat(during.since(before, "signaling_sent_bytes_total")).isEqualTo(expectedOut);
        assertThat(during.since(before, "signaling_relay_latency_seconds_count")).isEqualTo(3);
        assertThat(during.since(before, "signaling_relay_latency_seconds_bucket{le=\"+Inf\"}")).isEqualTo(3);
        assertThat(during.since(before, "signaling_relay_latency_seconds_sum")).isPositive();

        alice.close();
        bob.close();
        Await.until("both closes counted", WAIT, () -> Scrape.of(server.httpUri())
                .since(before, "signaling_connections_closed_total{code=\"1000\"}") == 2);
        Scrape after = Scrape.of(server.httpUri());
        assertThat(after.since(before, "signaling_connections")).isZero();
        assertThat(after.since(before, "signaling_peers_registered")).isZero();
        assertThat(after.value("signaling_ready")).isEqualTo(1);
    }

    @Test
    void jvmAndJettyFiguresAreExposed() throws Exception {
        // Jetty adds a connection's bytes when it closes: make one that does.
        assertThat(Scrape.getFrom(InetAddress.getLoopbackAddress(), server.httpUri().resolve("/health")).status())
                .isEqualTo(200);
        Await.until("a closed connection's bytes counted", WAIT,
                () -> Scrape.of(server.httpUri()).value("signaling_jetty_sent_bytes_total") > 0);
        Scrape scrape = Scrape.of(server.httpUri());
        assertThat(scrape.value("jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
        assertThat(scrape.value("jvm_memory_max_bytes{area=\"heap\"}")).isPositive();
        assertThat(scrape.value("jvm_threads_current")).isPositive();
        assertThat(scrape.names()).contains("jvm_gc_collection_seconds_count", "process_cpu_seconds_total");
        assertThat(scrape.value("signaling_jetty_threads_max")).isPositive();
        assertThat(scrape.value("signaling_jetty_threads{state=\"busy\"}")).isPositive();
        assertThat(scrape.value("signaling_jetty_connections")).as("this scrape's own connection").isPositive();
        assertThat(scrape.value("signaling_jetty_received_bytes_total")).isPositive();
    }

    @Test
    void metricsAreServedOnlyToAllowedAddressesAndNeverThroughAProxy() throws Exception {
        try (LocalServer restricted = start(Map.of("SIGNALING_METRICS_ALLOW", "127.0.0.2/32"))) {
            URI metrics = restricted.httpUri().resolve("/metrics");
            Scrape.Response fromLoopback = Scrape.get(metrics);
            assertThat(fromLoopback.status()).isEqualTo(403);
            assertThat(fromLoopback.body()).doesNotContain("signaling_connections");

            Scrape.Response fromAllowed = Scrape.getFrom(InetAddress.getByName("127.0.0.2"), metrics);
            assertThat(fromAllowed.status()).isEqualTo(200);
            assertThat(Scrape.parse(fromAllowed.body()).has("signaling_connections")).isTrue();

            Scrape.Response proxied = Scrape.getFrom(InetAddress.getByName("127.0.0.2"), metrics,
                    "X-Forwarded-For: 203.0.113.7");
            assertThat(proxied.status()).isEqualTo(403);
            Scrape.Response forwarded = Scrape.getFrom(InetAddress.getByName("127.0.0.2"), metrics,
                    "Forwarded: for=203.0.113.7");
            assertThat(forwarded.status()).isEqualTo(403);

            assertThat(Scrape.get(restricted.httpUri().resolve("/health")).status())
                    .as("health stays public").isEqualTo(200);
        }
        assertThat(Scrape.get(server.httpUri().resolve("/metrics")).status())
                .as("loopback is allowed by default").isEqualTo(200);
    }

    private static long utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
