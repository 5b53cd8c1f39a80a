package network.chiral.signaling.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.json.JsonObject;

import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Per-socket allowances: a flood is dropped with {@code rate-limited} and then closed with
 * 1008 while other peers' signaling still goes through; registering new ids is limited too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitIT {
    private static final int RATE = 5;
    private static final int BURST = 20;
    private static final int REGISTRATIONS = 3;

    private WebSocketClient client;
    private LocalServer server;
    private final List<PeerClient> open = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        client = new WebSocketClient();
        client.start();
        server = LocalServer.start(Map.of(
                "SIGNALING_RATE_LIMIT_MESSAGES_PER_SECOND", Integer.toString(RATE),
                "SIGNALING_RATE_LIMIT_BURST", Integer.toString(BURST),
                "SIGNALING_REGISTRATIONS_PER_MINUTE", Integer.toString(REGISTRATIONS)));
    }

    @AfterEach
    void closePeers() {
        open.forEach(PeerClient::close);
        open.clear();
    }

    @AfterAll
    void stop() throws Exception {
        client.stop();
        server.close();
    }

    private PeerClient connect() {
        PeerClient peer = PeerClient.connect(client, server.uri(), new ClientUpgradeRequest());
        open.add(peer);
        return peer;
    }

    private static String newId() {
        return "peer-" + UUID.randomUUID();
    }

    @Test
    void aFloodIsDroppedWithRateLimitedThenClosedWith1008WhileOthersStillRelay() {
        PeerClient flooder = connect();
        flooder.register(newId());
        PeerClient alice = connect();
        PeerClient bob = connect();
        String a = newId();
        String b = newId();
        alice.register(a);
        bob.register(b);

        // Far more than the burst plus the drops allowed, as fast as the socket takes them.
        for (int i = 0; i < 20 * BURST && flooder.isOpen(); i++) {
            try {
                flooder.send("{\"type\":\"ping\",\"ts\":" + i + "}");
            } catch (AssertionError closedUnderUs) {
                break;
            }
            if (i == BURST * 2) {
                // Mid-flood, ordinary signaling between two other peers.
                alice.send("{\"type\":\"offer\",\"to\":\"" + b + "\",\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}");
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
        assertThat(flooder.awaitClose().code()).isEqualTo(1008);
        assertThat(limited).as("rate-limited replies").isPositive();
        assertThat(pongs).as("pongs before the limit bit").isGreaterThanOrEqualTo(BURST - 1).isLessThan(20 * BURST);

        // The others were not affected.
        bob.send("{\"type\":\"answer\",\"to\":\"" + a + "\",\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0\"}}");
        assertThat(alice.next("answer").getString("from")).isEqualTo(b);
    }

    @Test
    void aBurstWithinTheAllowanceIsDroppedNowhere() {
        PeerClient alice = connect();
        PeerClient bob = connect();
        String a = newId();
        String b = newId();
        alice.register(a);
        bob.register(b);
        // Like a client's trickle of candidates after its offer: within the burst.
        for (int i = 0; i < BURST - 5; i++) {
            alice.send("{\"type\":\"candidate\",\"to\":\"" + b + "\",\"candidate\":{\"candidate\":\"c" + i + "\"}}");
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
        churner.send(AuthenticationIT.register(newId()));
        churner.nextError("rate-limited");
        // Re-registering the id it holds is not churn.
        churner.register(last);
        assertThat(churner.isOpen()).isTrue();
    }
}
