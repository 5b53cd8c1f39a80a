package network.chiral.signaling.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.auth.Identity;
import network.chiral.signaling.server.config.ClusterSettings;
import network.chiral.signaling.server.config.RateSettings;
import network.chiral.signaling.server.peer.Allowance;
import network.chiral.signaling.server.peer.CloseCodes;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.RecordingTransport;
import network.chiral.signaling.server.peer.TrafficEvents;

/** The heartbeat and the announce, against a roster kept in memory instead of Redis. */
class MembershipTest {
    private static final String NODE = "node-a";
    private static final ClusterSettings SETTINGS =
            new ClusterSettings("redis://127.0.0.1:6379", NODE, Duration.ofSeconds(3), Optional.empty());

    private final SignalCodec codec = new SignalCodec();
    private final MemoryRoster roster = new MemoryRoster();
    private final ConcurrentMap<String, Peer> locals = new ConcurrentHashMap<>();
    private final AtomicInteger routesForgotten = new AtomicInteger();
    private final List<String> gone = new ArrayList<>();
    private final Membership membership = new Membership(SETTINGS, roster, locals, routesForgotten::incrementAndGet, gone::add);

    @AfterEach
    void stop() {
        membership.stop();
    }

    private Peer local(String id, RecordingTransport transport) {
        Peer peer = new Peer(transport, "192.0.2.1", Identity.ANYONE, new Allowance(Allowance.Limits.of(new RateSettings(0, 1, 0), () -> 0L)),
                new Peer.Shared(codec, 1 << 20, TrafficEvents.NONE, System::nanoTime, p -> { }));
        peer.bind(id);
        locals.put(id, peer);
        return peer;
    }

    @Test
    void theFirstBeatAnnouncesEveryLocalPeerAndMakesTheNodeHealthy() {
        local("alice", new RecordingTransport());
        local("bob", new RecordingTransport());
        assertThat(membership.healthy()).isFalse();

        membership.beat();

        assertThat(membership.healthy()).isTrue();
        assertThat(roster.owners).containsEntry("alice", NODE).containsEntry("bob", NODE);
        assertThat(roster.recorded(NODE)).containsExactlyInAnyOrder("alice", "bob");
        assertThat(routesForgotten).hasValue(1);
    }

    @Test
    void laterBeatsOnlyRenewTheHeartbeat() {
        membership.beat();
        int claims = roster.claims;
        membership.beat();
        membership.beat();
        assertThat(roster.claims).isEqualTo(claims);
        assertThat(roster.beats).isEqualTo(3);
    }

    @Test
    void aPeerWhoseIdAnotherLiveNodeTookMeanwhileIsDisconnectedWith1001() {
        roster.live.add("node-b");
        roster.owners.put("carol", "node-b");
        RecordingTransport carol = new RecordingTransport();
        local("carol", carol);
        local("dave", new RecordingTransport());

        membership.beat();

        assertThat(carol.closeCode).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(carol.closeReason).isEqualTo("client id registered on another node");
        assertThat(locals).containsOnlyKeys("dave");
        assertThat(roster.owners).containsEntry("carol", "node-b").containsEntry("dave", NODE);
    }

    @Test
    void idsRecordedForThisNodeThatAreNoLongerHereAreReleased() {
        roster.owners.put("stale", NODE);
        roster.peersOf(NODE).add("stale");
        local("alice", new RecordingTransport());

        membership.beat();

        assertThat(roster.owners).doesNotContainKey("stale").containsEntry("alice", NODE);
        assertThat(roster.recorded(NODE)).containsExactly("alice");
    }

    @Test
    void anUnreachableRosterMakesTheNodeUnhealthyAndItAnnouncesWhatChangedOnceBack() {
        membership.beat();
        roster.reachable = false;
        membership.beat();
        assertThat(membership.healthy()).isFalse();

        // Registered while Redis was away: granted here, announced later.
        local("erin", new RecordingTransport());
        membership.announceLater();
        roster.reachable = true;
        membership.beat();

        assertThat(membership.healthy()).isTrue();
        assertThat(roster.owners).containsEntry("erin", NODE);
    }

    @Test
    void aRosterThatLostThisNodesHeartbeatGetsEveryPeerAnnouncedAgain() {
        local("alice", new RecordingTransport());
        membership.beat();
        // Redis restarted empty.
        roster.wipe();

        membership.beat();

        assertThat(roster.owners).containsEntry("alice", NODE);
        assertThat(membership.healthy()).isTrue();
    }

    @Test
    void deadNodesFoundByTheHeartbeatAreReported() {
        roster.goneAtNextBeat.add("node-c");
        membership.beat();
        assertThat(gone).containsExactly("node-c");
    }

    @Test
    void aLostConnectionForgetsRoutesAndAnnouncesAtTheNextBeat() {
        local("alice", new RecordingTransport());
        membership.beat();
        int claims = roster.claims;
        int forgotten = routesForgotten.get();

        membership.connectionChanged(false);
        assertThat(membership.healthy()).isFalse();
        assertThat(routesForgotten).hasValue(forgotten + 1);

        membership.beat();
        assertThat(roster.claims).isGreaterThan(claims);
        assertThat(membership.healthy()).isTrue();
    }

    @Test
    void leavingFreesThisNodesIdsAtOnce() {
        local("alice", new RecordingTransport());
        membership.beat();
        membership.leave();
        assertThat(roster.owners).doesNotContainKey("alice");
        assertThat(roster.tokens).doesNotContainKey(NODE);
    }

    /** The roster as Redis keeps it, in memory; other nodes are live while listed in {@code live}. */
    private static final class MemoryRoster implements Roster {
        final Map<String, String> tokens = new HashMap<>();
        final Map<String, String> owners = new HashMap<>();
        final Map<String, Set<String>> peers = new HashMap<>();
        final Set<String> live = new HashSet<>();
        final List<String> goneAtNextBeat = new ArrayList<>();
        boolean reachable = true;
        int beats;
        int claims;

        Set<String> peersOf(String node) {
            return peers.computeIfAbsent(node, n -> new HashSet<>());
        }

        void wipe() {
            tokens.clear();
            owners.clear();
            peers.clear();
        }

        @Override
        public boolean connect() {
            return reachable;
        }

        @Override
        public Beat beat(String node, String token, long ttlMillis) {
            beats++;
            String previous = tokens.put(node, token);
            List<String> dead = List.copyOf(goneAtNextBeat);
            goneAtNextBeat.clear();
            return new Beat(previous == null ? "" : previous, dead);
        }

        @Override
        public Set<String> recorded(String node) {
            return Set.copyOf(peersOf(node));
        }

        @Override
        public List<String> claim(String node, List<String> ids) {
            claims++;
            List<String> taken = new ArrayList<>();
            for (String id : ids) {
                String owner = owners.get(id);
                if (owner != null && !owner.equals(node) && live.contains(owner)) {
                    taken.add(id);
                } else {
                    owners.put(id, node);
                    peersOf(node).add(id);
                }
            }
            return taken;
        }

        @Override
        public void release(String node, List<String> ids) {
            for (String id : ids) {
                owners.remove(id, node);
                peersOf(node).remove(id);
            }
        }

        @Override
        public void leave(String node, String token) {
            if (token.equals(tokens.get(node))) {
                tokens.remove(node);
                release(node, List.copyOf(peersOf(node)));
            }
        }
    }
}
