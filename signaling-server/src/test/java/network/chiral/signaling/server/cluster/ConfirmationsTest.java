package network.chiral.signaling.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.json.Json;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.api.Offer;
import network.chiral.signaling.api.Relay;

/** Relays to other nodes are either confirmed by an answered probe or handed back in time. */
class ConfirmationsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(2);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Confirmations confirmations = new Confirmations(DEADLINE, 3, now::get);

    private static Relay offer(String to) {
        return new Offer("alice", to, Json.createValue("sdp"));
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    @Test
    void anAnsweredProbeConfirmsWhatWasPublishedBeforeItButNotAfter() {
        confirmations.forwarded("node-b", offer("b1"));
        Confirmations.Tick first = confirmations.tick();
        assertThat(first.probes()).singleElement().satisfies(p -> assertThat(p.node()).isEqualTo("node-b"));
        confirmations.forwarded("node-b", offer("b2"));

        confirmations.confirmed("node-b", first.probes().get(0).id());
        assertThat(confirmations.pending()).isEqualTo(1);

        advance(DEADLINE.plusMillis(1));
        Confirmations.Tick late = confirmations.tick();
        assertThat(late.expired()).extracting(Relay::to).containsExactly("b2");
        assertThat(late.suspected()).containsExactly("node-b");
    }

    @Test
    void aNodeThatNeverAnswersHasItsRelaysHandedBackAndIsRefusedUntilItAnswers() {
        confirmations.forwarded("node-b", offer("b1"));
        confirmations.forwarded("node-b", offer("b2"));
        assertThat(confirmations.tick().expired()).isEmpty();
        advance(DEADLINE.dividedBy(2));
        assertThat(confirmations.tick().expired()).as("not yet due").isEmpty();
        assertThat(confirmations.refuses("node-b")).isFalse();

        advance(DEADLINE);
        Confirmations.Tick tick = confirmations.tick();
        assertThat(tick.expired()).extracting(Relay::to).containsExactly("b1", "b2");
        assertThat(tick.suspected()).containsExactly("node-b");
        assertThat(confirmations.refuses("node-b")).isTrue();
        assertThat(confirmations.pending()).isZero();

        // A suspect node is still probed, and answering clears it.
        Confirmations.Tick next = confirmations.tick();
        assertThat(next.probes()).hasSize(1);
        assertThat(next.suspected()).as("reported once").isEmpty();
        assertThat(confirmations.confirmed("node-b", next.probes().get(0).id())).isTrue();
        assertThat(confirmations.refuses("node-b")).isFalse();
    }

    @Test
    void aLateAnswerToAnExpiredProbeConfirmsNothing() {
        confirmations.forwarded("node-b", offer("b1"));
        long id = confirmations.tick().probes().get(0).id();
        advance(DEADLINE.plusMillis(1));
        confirmations.tick();
        confirmations.forwarded("node-b", offer("b2"));

        assertThat(confirmations.confirmed("node-b", id)).isFalse();
        assertThat(confirmations.pending()).as("b2 came after that probe").isEqualTo(1);
    }

    @Test
    void aNodeTooFarBehindIsRefusedBeforeAnythingMoreIsPublished() {
        for (int i = 0; i < 3; i++) {
            confirmations.forwarded("node-b", offer("b" + i));
        }
        assertThat(confirmations.refuses("node-b")).isTrue();
        assertThat(confirmations.refuses("node-c")).isFalse();
    }

    @Test
    void nodesWithNothingToConfirmAreNotProbed() {
        assertThat(confirmations.tick().probes()).isEmpty();
        confirmations.forwarded("node-b", offer("b1"));
        long id = confirmations.tick().probes().get(0).id();
        confirmations.confirmed("node-b", id);
        assertThat(confirmations.tick().probes()).isEmpty();
    }

    @Test
    void aNodeGoneFromTheClusterHandsBackItsUnconfirmedRelaysAndIsForgotten() {
        confirmations.forwarded("node-b", offer("b1"));
        confirmations.forwarded("node-c", offer("c1"));
        assertThat(confirmations.forget("node-b")).extracting(Relay::to).containsExactly("b1");
        assertThat(confirmations.forget("node-b")).isEmpty();
        assertThat(confirmations.pending()).isEqualTo(1);
        confirmations.forwarded("node-b", offer("b2"));
        assertThat(confirmations.pending()).as("a node of that name that comes back is watched afresh").isEqualTo(2);
    }
}
