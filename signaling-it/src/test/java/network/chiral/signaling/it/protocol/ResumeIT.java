package network.chiral.signaling.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Resumable;
import network.chiral.signaling.it.fixture.Peers;
import network.chiral.signaling.it.fixture.ServerProcess;

/**
 * A client that can resume loses its connection (the server sees it end without a close) and
 * comes back with its token: it gets its id at once and what was sent to it meanwhile, right
 * after its {@code peers} reply; if it does not come back in time, the senders are told.
 * Against the real {@code java -jar}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeIT {
    private static final Duration RESUME = Duration.ofSeconds(2);

    private ServerProcess server;
    @RegisterExtension
    final Peers peers = new Peers();

    @BeforeAll
    void start() throws Exception {
        server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1",
                "SIGNALING_RESUME_SECONDS", String.valueOf(RESUME.toSeconds()), "SIGNALING_PEERS_PUSH_MILLIS", "0"));
        peers.start();
    }

    @AfterAll
    void stop() throws Exception {
        peers.stop();
        server.close();
    }

    private URI direct() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    @Test
    void aClientWhoseConnectionDroppedGetsItsIdAndWhatWasSentMeanwhileWhenItComesBack() throws Exception {
        String id = "laptop-" + UUID.randomUUID();
        PeerClient bob = peers.connect(direct());
        String b = "bob-" + UUID.randomUUID();
        bob.register(b);
        String token = Resumable.registerThenDrop(peers, server, id);

        bob.send(Frames.offer(id, "sent while it was away"));
        bob.assertNothingPending();

        PeerClient back = peers.connect(direct());
        back.send(Resumable.register(id, token));
        JsonObject reply = back.next();
        assertThat(reply.getString("type")).as("peers comes first").isEqualTo("peers");
        assertThat(reply.getJsonArray("peers").getString(0)).isEqualTo(id);
        JsonObject offer = back.next("offer");
        assertThat(offer.getString("from")).isEqualTo(b);
        assertThat(offer.getString("sdp")).isEqualTo("sent while it was away");
        bob.assertNothingPending();
    }

    @Test
    void whenTheClientDoesNotComeBackInTimeWhatWasHeldIsAnsweredAndTheIdIsFree() throws Exception {
        String id = "phone-" + UUID.randomUUID();
        PeerClient bob = peers.connect(direct());
        bob.register("bob-" + UUID.randomUUID());
        Resumable.registerThenDrop(peers, server, id);

        bob.send(Frames.offer(id, "never read"));

        assertThat(bob.next("error").getString("code")).isEqualTo("unavailable");
        Await.until("the id is free", PeerClient.WAIT, () -> bob.exchange(Frames.offer(id, "x")).stream()
                .anyMatch(r -> "peer-not-found".equals(r.getString("code", ""))));
    }
}
