package network.chiral.signaling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.json.JsonObject;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.it.fixture.Bystanders;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.ServerProcess;

/**
 * The executable jar as an operator who follows the README runs it, with no limit configured:
 * the per-socket limits that are on by default cut off the flood issue 16 describes (one
 * socket sending 20000 candidates at once) within a second while bystanders relay normally,
 * and the largest connection set-up a real client makes (docs/security.md) never meets them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DefaultLimitsIT {
    /** The defaults this test holds the server to (docs/configuration.md). */
    static final int RATE = 50;
    static final int BURST = 200;
    static final int REGISTRATIONS = 10;
    /**
     * The largest set-up the margin in docs/security.md is stated for: a client that starts
     * this many peer connections at once, each with an offer or answer and this many trickled
     * candidates, all sent without pause.
     */
    static final int SET_UP_CONNECTIONS = 8;
    static final int SET_UP_CANDIDATES = 20;

    private ServerProcess server;
    private WebSocketClient client;

    @BeforeAll
    void start() throws Exception {
        // Nothing but where to listen: every limit at its default.
        server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1"));
        client = new WebSocketClient();
        client.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    private URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    private PeerClient registered(String id) {
        PeerClient peer = PeerClient.connect(client, uri());
        peer.register(id);
        return peer;
    }

    @Test
    void theStartUpLineStatesTheDefaultLimits() {
        assertThat(server.output()).anyMatch(l -> l.contains("listening on")
                && l.contains("SIGNALING_RATE_LIMIT_MESSAGES_PER_SECOND=" + RATE)
                && l.contains("SIGNALING_RATE_LIMIT_BURST=" + BURST)
                && l.contains("SIGNALING_REGISTRATIONS_PER_MINUTE=" + REGISTRATIONS)
                && l.contains("SIGNALING_MAX_CONNECTIONS_PER_IP=0")
                && l.contains("SIGNALING_CONNECTIONS_PER_IP_PER_MINUTE=0"));
    }

    /**
     * One socket sends 20000 candidates to a victim as fast as it can, while bystander pairs
     * relay: the burst goes through, the rest is dropped with {@code rate-limited} and the
     * socket is closed with 1008 within a second; the victim gets a few hundred candidates, not
     * thousands; every bystander relay arrives, in order, and no bystander is disconnected.
     */
    @Test
    void aFloodOfCandidatesIsCutOffWithinASecondWhileBystandersRelay() throws Exception {
        // Bystanders relay like clients, each socket well under the default rate: a round trip every 30 ms.
        try (Bystanders bystanders = Bystanders.start(client, uri(), 4, Duration.ofMillis(30))) {
            bystanders.measureBeforeFor(Duration.ofSeconds(1));
            String victimId = PeerClient.newId();
            PeerClient victim = registered(victimId);
            PeerClient flooder = registered(PeerClient.newId());

            String candidate = "{\"type\":\"candidate\",\"to\":\"" + victimId
                    + "\",\"candidate\":{\"candidate\":\"candidate:1 1 udp 2113937151 192.0.2.1 5000 typ host\",\"sdpMid\":\"0\"}}";
            // When the close reaches the flooder, seen apart from its writing, which the kernel's
            // socket buffers keep accepting for a while after the server stopped reading.
            java.util.concurrent.atomic.AtomicLong closedAt = new java.util.concurrent.atomic.AtomicLong();
            Thread watch = new Thread(() -> {
                while (flooder.isOpen()) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
                closedAt.set(System.nanoTime());
            }, "flooder-close-watch");
            long start = System.nanoTime();
            watch.start();
            int sent = 0;
            for (; sent < 20_000 && flooder.isOpen(); sent++) {
                try {
                    flooder.send(candidate);
                } catch (AssertionError closedUnderUs) {
                    break;
                }
            }
            PeerClient.Close close = flooder.awaitClose(Duration.ofSeconds(5));
            watch.join(PeerClient.WAIT.toMillis());
            double cutOffSeconds = (closedAt.get() - start) / 1e9;
            // The flooder may be reset while still writing, before it reads the close frame (-1).
            assertThat(close.code()).isIn(1008, -1);
            assertThat(cutOffSeconds).as("seconds from the flood's first frame to the close").isLessThan(1.0);

            // Everything relayed to the victim has arrived by the time its own ping is answered.
            long ts = System.nanoTime();
            victim.send("{\"type\":\"ping\",\"ts\":" + ts + "}");
            int relayed = 0;
            for (JsonObject frame = victim.next(); !frame.getString("type").equals("pong"); frame = victim.next()) {
                assertThat(frame.getString("type")).isEqualTo("candidate");
                relayed++;
            }
            bystanders.stop();
            LoggerFactory.getLogger(getClass()).info(
                    "flood with the default limits: {} of 20000 candidates written before the close after {} s, {} relayed "
                            + "to the victim; bystanders p99 {} ms before, {} ms during ({} round trips)",
                    sent, String.format("%.3f", cutOffSeconds), relayed, bystanders.before().p99(),
                    bystanders.during().p99(), bystanders.relaysDuring());
            assertThat(relayed).as("candidates relayed to the victim")
                    .isGreaterThanOrEqualTo(BURST)
                    .isLessThanOrEqualTo(BURST + (int) Math.ceil(RATE * cutOffSeconds) + 1);
            assertThat(bystanders.failures()).as("bystander failures").isEmpty();
            assertThat(bystanders.relaysDuring()).as("bystander round trips during the flood").isPositive();
            assertThat(victim.isOpen()).isTrue();
        }
    }

    /**
     * The set-up the margin is stated for, sent as fast as the sockets take it: one client
     * registers and starts {@value #SET_UP_CONNECTIONS} peer connections at once, an offer and
     * {@value #SET_UP_CANDIDATES} candidates each, to peers that answer with as many; then its
     * app ping. Nothing is refused, everything arrives.
     */
    @Test
    void theLargestClientSetUpNeverMeetsTheDefaults() throws Exception {
        String uploaderId = PeerClient.newId();
        PeerClient uploader = registered(uploaderId);
        List<String> downloaderIds = new ArrayList<>();
        List<PeerClient> downloaders = new ArrayList<>();
        for (int i = 0; i < SET_UP_CONNECTIONS; i++) {
            String id = PeerClient.newId();
            downloaderIds.add(id);
            downloaders.add(registered(id));
        }
        ExecutorService answering = Executors.newFixedThreadPool(SET_UP_CONNECTIONS);
        try {
            List<Future<?>> answers = new ArrayList<>();
            for (int i = 0; i < SET_UP_CONNECTIONS; i++) {
                PeerClient downloader = downloaders.get(i);
                answers.add(answering.submit(() -> {
                    assertThat(downloader.next("offer").getString("from")).isEqualTo(uploaderId);
                    downloader.send("{\"type\":\"answer\",\"to\":\"" + uploaderId + "\",\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0\"}}");
                    for (int c = 0; c < SET_UP_CANDIDATES; c++) {
                        downloader.send(candidate(uploaderId, c));
                    }
                    for (int c = 0; c < SET_UP_CANDIDATES; c++) {
                        assertThat(downloader.next("candidate").getString("from")).isEqualTo(uploaderId);
                    }
                    downloader.assertNothingPending();
                    return null;
                }));
            }
            for (String to : downloaderIds) {
                uploader.send("{\"type\":\"offer\",\"to\":\"" + to + "\",\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}");
            }
            for (String to : downloaderIds) {
                for (int c = 0; c < SET_UP_CANDIDATES; c++) {
                    uploader.send(candidate(to, c));
                }
            }
            for (Future<?> answer : answers) {
                answer.get(30, TimeUnit.SECONDS);
            }
        } finally {
            answering.shutdownNow();
        }
        int answersAndCandidates = 0;
        long ts = System.nanoTime();
        uploader.send("{\"type\":\"ping\",\"ts\":" + ts + "}");
        for (JsonObject frame = uploader.next(); !frame.getString("type").equals("pong"); frame = uploader.next()) {
            assertThat(frame.getString("type")).as("frame %s", frame).isIn("answer", "candidate");
            answersAndCandidates++;
        }
        assertThat(answersAndCandidates).isEqualTo(SET_UP_CONNECTIONS * (1 + SET_UP_CANDIDATES));
        assertThat(uploader.isOpen()).isTrue();
    }

    private static String candidate(String to, int n) {
        return "{\"type\":\"candidate\",\"to\":\"" + to + "\",\"candidate\":{\"candidate\":\"candidate:" + n
                + " 1 udp 2113937151 192.0.2.1 " + (5000 + n) + " typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}";
    }

    @Test
    void registeringNewIdsIsLimitedByDefault() {
        PeerClient churner = PeerClient.connect(client, uri());
        String last = null;
        for (int i = 0; i < REGISTRATIONS; i++) {
            last = PeerClient.newId();
            churner.register(last);
        }
        churner.send("{\"type\":\"register\",\"clientId\":\"" + PeerClient.newId() + "\"}");
        churner.nextError("rate-limited");
        churner.register(last);
        churner.close();
    }
}
