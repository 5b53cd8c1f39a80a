package network.chiral.signaling.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Resumable;

/**
 * A client that can resume loses its connection (the server sees it end without a close) and
 * comes back with its token: it gets its id at once and what was sent to it meanwhile, right
 * after its {@code peers} reply; if it does not come back in time, the senders are told.
 * Against the real {@code java -jar}.
 */
class ResumeIT extends OneJarCases {
    private static final Duration RESUME = Duration.ofSeconds(2);

    ResumeIT() {
        super(Map.of("SIGNALING_RESUME_SECONDS", String.valueOf(RESUME.toSeconds())));
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
        JsonObject offer = Resumable.resumeAndTakeHeldOffer(back, id, token);
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
