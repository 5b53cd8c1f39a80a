package network.chiral.signaling.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.json.Json;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.api.Offer;
import network.chiral.signaling.api.Payload;
import network.chiral.signaling.api.Relay;

/**
 * Relays to other nodes are either confirmed by an answered probe or a receipt, or handed back
 * in time to be answered; each exactly once.
 */
class ConfirmationsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final long EPOCH = 17;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Confirmations confirmations = new Confirmations(DEADLINE, 3, now::get);

    private static Relay offer(String to) {
        return new Offer("alice", to, Payload.of(Json.createValue("sdp")));
    }

    /** Opens and publishes a relay to {@code node}, as forwarding one does; returns its number. */
    private long forwarded(String node, Relay relay) {
        long id = confirmations.open(relay, 0);
        confirmations.published(node, id);
        return id;
    }

    private Confirmations.Answer confirm(String node, long probe) {
        return confirmations.confirmed(node, probe, EPOCH, List.of());
    }

    /** Ticks as the node does, every fifth of the deadline, for {@code time}; returns the last tick. */
    private Confirmations.Tick tickFor(Duration time, List<Relay> expired, List<String> suspected) {
        Duration step = DEADLINE.dividedBy(5);
        Confirmations.Tick tick = confirmations.tick();
        for (long waited = 0; waited < time.toNanos(); waited += step.toNanos()) {
            now.addAndGet(step.toNanos());
            tick = confirmations.tick();
            expired.addAll(tick.expired());
            suspected.addAll(tick.suspected());
        }
        return tick;
    }

    @Test
    void anAnsweredProbeConfirmsWhatWasPublishedBeforeItButNotAfter() {
        forwarded("node-b", offer("b1"));
        Confirmations.Tick first = confirmations.tick();
        assertThat(first.probes()).singleElement().satisfies(p -> assertThat(p.node()).isEqualTo("node-b"));
        forwarded("node-b", offer("b2"));

        confirm("node-b", first.probes().get(0).id());
        assertThat(confirmations.pending()).isEqualTo(1);

        List<Relay> expired = new ArrayList<>();
        List<String> suspected = new ArrayList<>();
        tickFor(DEADLINE.multipliedBy(2), expired, suspected);
        assertThat(expired).extracting(Relay::to).containsExactly("b2");
        assertThat(suspected).containsExactly("node-b");
    }

    @Test
    void aNodeThatNeverAnswersHasItsRelaysHandedBackAndIsRefusedUntilItAnswers() {
        forwarded("node-b", offer("b1"));
        forwarded("node-b", offer("b2"));
        List<Relay> expired = new ArrayList<>();
        List<String> suspected = new ArrayList<>();
        tickFor(DEADLINE.dividedBy(2), expired, suspected);
        assertThat(expired).as("not yet due").isEmpty();
        assertThat(confirmations.refuses("node-b")).isFalse();

        tickFor(DEADLINE, expired, suspected);
        assertThat(expired).extracting(Relay::to).containsExactly("b1", "b2");
        assertThat(suspected).as("reported once").containsExactly("node-b");
        assertThat(confirmations.refuses("node-b")).isTrue();
        assertThat(confirmations.pending()).isZero();

        // A suspect node is still probed, and answering clears it.
        Confirmations.Tick next = confirmations.tick();
        assertThat(next.probes()).hasSize(1);
        assertThat(confirm("node-b", next.probes().get(0).id()).recovered()).isTrue();
        assertThat(confirmations.refuses("node-b")).isFalse();
    }

    @Test
    void aBusyNodeThatAnswersWithinTheDeadlineLosesNothing() {
        List<Relay> expired = new ArrayList<>();
        List<String> suspected = new ArrayList<>();
        List<Long> unanswered = new ArrayList<>();
        Duration lag = DEADLINE.multipliedBy(3).dividedBy(5);
        for (int step = 0; step < 40; step++) {
            forwarded("node-b", offer("b" + step));
            Confirmations.Tick tick = tickFor(Duration.ZERO, expired, suspected);
            now.addAndGet(DEADLINE.dividedBy(5).toNanos());
            tick.probes().forEach(p -> unanswered.add(p.id()));
            // Each probe is answered three fifths of a deadline after it was sent.
            int late = (int) (lag.toNanos() / DEADLINE.dividedBy(5).toNanos());
            if (unanswered.size() > late) {
                confirm("node-b", unanswered.remove(0));
            }
        }
        assertThat(expired).isEmpty();
        assertThat(suspected).isEmpty();
        assertThat(confirmations.pending()).isLessThanOrEqualTo(4);
    }

    @Test
    void aPauseOfThisNodeIsNotHeldAgainstTheOthers() {
        forwarded("node-b", offer("b1"));
        Confirmations.Tick before = confirmations.tick();
        now.addAndGet(DEADLINE.multipliedBy(3).toNanos());
        Confirmations.Tick after = confirmations.tick();
        assertThat(after.expired()).as("the answer may be waiting unread").isEmpty();
        confirm("node-b", before.probes().get(0).id());
        assertThat(confirmations.pending()).isZero();
    }

    @Test
    void aLateAnswerToAnOldProbeStillConfirmsWhatItCovers() {
        forwarded("node-b", offer("b1"));
        long id = confirmations.tick().probes().get(0).id();
        List<Relay> expired = new ArrayList<>();
        tickFor(DEADLINE.multipliedBy(2), expired, new ArrayList<>());
        assertThat(expired).extracting(Relay::to).containsExactly("b1");
        forwarded("node-b", offer("b2"));

        assertThat(confirm("node-b", id).recovered()).as("it was suspect").isTrue();
        assertThat(confirmations.pending()).as("b2 came after that probe").isEqualTo(1);
    }

    @Test
    void aNodeTooFarBehindIsRefusedBeforeAnythingMoreIsPublished() {
        for (int i = 0; i < 3; i++) {
            forwarded("node-b", offer("b" + i));
        }
        assertThat(confirmations.refuses("node-b")).isTrue();
        assertThat(confirmations.refuses("node-c")).isFalse();
    }

    @Test
    void nodesWithNothingToConfirmAreNotProbed() {
        assertThat(confirmations.tick().probes()).isEmpty();
        forwarded("node-b", offer("b1"));
        long id = confirmations.tick().probes().get(0).id();
        confirm("node-b", id);
        assertThat(confirmations.tick().probes()).isEmpty();
    }

    @Test
    void aNodeGoneFromTheClusterHandsBackItsUnconfirmedRelaysAndIsForgotten() {
        forwarded("node-b", offer("b1"));
        forwarded("node-c", offer("c1"));
        assertThat(confirmations.forget("node-b")).extracting(Relay::to).containsExactly("b1");
        assertThat(confirmations.forget("node-b")).isEmpty();
        assertThat(confirmations.pending()).isEqualTo(1);
        forwarded("node-b", offer("b2"));
        assertThat(confirmations.pending()).as("a node of that name that comes back is watched afresh").isEqualTo(2);
    }

    @Test
    void aRelayAnsweredWhenItsDeadlinePassedCannotBeAnsweredAgain() {
        long id = forwarded("node-b", offer("b1"));
        List<Relay> expired = new ArrayList<>();
        tickFor(DEADLINE.multipliedBy(2), expired, new ArrayList<>());
        assertThat(expired).extracting(Relay::to).containsExactly("b1");
        assertThat(confirmations.settle(id)).as("it came back after all: already answered").isNull();
    }

    @Test
    void aRelayThatCameBackIsNeitherExpiredNorConfirmedLater() {
        long back = forwarded("node-b", offer("b1"));
        long kept = forwarded("node-b", offer("b2"));
        assertThat(confirmations.settle(back)).extracting(p -> p.relay().to()).isEqualTo("b1");
        List<Relay> expired = new ArrayList<>();
        tickFor(DEADLINE.multipliedBy(2), expired, new ArrayList<>());
        assertThat(expired).extracting(Relay::to).containsExactly("b2");
        assertThat(confirmations.settle(kept)).isNull();
    }

    @Test
    void aRelayThatCameBackBeforeItsPublishReturnedIsNotWatched() {
        long id = confirmations.open(offer("b1"), 0);
        assertThat(confirmations.settle(id)).isNotNull();
        confirmations.published("node-b", id);
        assertThat(confirmations.pending()).isZero();
        assertThat(confirmations.tick().probes()).as("nothing to confirm").isEmpty();
    }

    @Test
    void anAnswerFromANewSubscriptionVouchesOnlyForWhatItsReceiptsName() {
        forwarded("node-b", offer("b0"));
        confirm("node-b", confirmations.tick().probes().get(0).id());
        long delivered = forwarded("node-b", offer("b1"));
        forwarded("node-b", offer("b2"));
        long probe = confirmations.tick().probes().get(0).id();

        // Redis dropped node-b's subscription (b2 went with it); node-b names what it delivered.
        confirmations.delivered(List.of(delivered));
        Confirmations.Answer answer = confirmations.confirmed("node-b", probe, EPOCH + 1, List.of());
        assertThat(answer.lost()).extracting(Relay::to).containsExactly("b2");
        assertThat(confirmations.pending()).isZero();
    }

    @Test
    void theFirstAnswerOfANodeVouchesForEverythingBeforeIt() {
        forwarded("node-b", offer("b1"));
        Confirmations.Answer answer = confirmations.confirmed("node-b", confirmations.tick().probes().get(0).id(), 99, List.of());
        assertThat(answer.lost()).isEmpty();
        assertThat(confirmations.pending()).isZero();
    }

    @Test
    void whileThisNodesOwnLinkIsDownNothingExpiresForUpToThreeDeadlines() {
        long id = forwarded("node-b", offer("b1"));
        Duration step = DEADLINE.dividedBy(5);
        for (int i = 0; i < 14; i++) {
            now.addAndGet(step.toNanos());
            Confirmations.Tick tick = confirmations.tick(false);
            assertThat(tick.expired()).as("receipts cannot reach this node now").isEmpty();
            assertThat(tick.probes()).as("nothing can be published").isEmpty();
        }
        // Back: a receipt sent meanwhile settles it.
        confirmations.tick(true);
        confirmations.delivered(List.of(id));
        assertThat(confirmations.pending()).isZero();

        forwarded("node-b", offer("b2"));
        List<Relay> expired = new ArrayList<>();
        for (int i = 0; i < 30 && expired.isEmpty(); i++) {
            now.addAndGet(step.toNanos());
            expired.addAll(confirmations.tick(false).expired());
        }
        assertThat(expired).as("a long outage still ends in an answer").extracting(Relay::to).containsExactly("b2");
    }

    @Test
    void anAnswerDoesNotVouchForRelaysItsNodeHasNotYetWritten() {
        long written = forwarded("node-b", offer("b1"));
        long queued = forwarded("node-b", offer("b2"));
        long probe = confirmations.tick().probes().get(0).id();
        confirmations.confirmed("node-b", probe, EPOCH, List.of(queued));
        assertThat(confirmations.settle(written)).as("confirmed").isNull();
        assertThat(confirmations.settle(queued)).as("its socket closed before writing it: it came back")
                .extracting(p -> p.relay().to()).isEqualTo("b2");
    }
}
