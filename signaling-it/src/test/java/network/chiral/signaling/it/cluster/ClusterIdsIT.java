package network.chiral.signaling.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.ClusterNodes;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Peers;

/** Ids and routes across three nodes: cluster-wide uniqueness under races, and routes that follow a peer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIdsIT {
    /** Closes the peers each case opened, after the case. */
    @RegisterExtension
    final Peers peers = new Peers();
    private ClusterNodes cluster;

    @BeforeAll
    void start() throws Exception {
        cluster = ClusterNodes.start(3, Map.of());
        peers.start();
    }

    @AfterAll
    void stop() throws Exception {
        peers.stop();
        cluster.close();
    }

    private PeerClient connect(int node) {
        return peers.connect(cluster.node(node).uri());
    }

    @Test
    void twoNodesRacingForOneIdGrantItExactlyOnce() throws Exception {
        ExecutorService racers = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 30; round++) {
                String id = "race-" + UUID.randomUUID();
                PeerClient left = connect(round % 3);
                PeerClient right = connect((round + 1) % 3);
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<JsonObject> l = CompletableFuture.supplyAsync(() -> race(go, left, id), racers);
                CompletableFuture<JsonObject> r = CompletableFuture.supplyAsync(() -> race(go, right, id), racers);
                go.countDown();
                List<String> outcomes = List.of(l.get(10, TimeUnit.SECONDS), r.get(10, TimeUnit.SECONDS)).stream()
                        .map(reply -> reply.getString("type").equals("peers") ? "granted" : reply.getString("code"))
                        .sorted().toList();
                assertThat(outcomes).as("round %d", round).containsExactly("granted", "id-taken");
                peers.closeAll();
            }
        } finally {
            racers.shutdownNow();
        }
    }

    private static JsonObject race(CountDownLatch go, PeerClient peer, String id) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        peer.send(Frames.register(id));
        return peer.next();
    }

    @Test
    void aPeerThatMovesToAnotherNodeIsReachedThereThroughACachedRoute() {
        String a = "mover-" + UUID.randomUUID();
        PeerClient caller = connect(2);
        caller.register("caller-" + UUID.randomUUID());
        PeerClient first = connect(0);
        first.register(a);
        caller.send(Frames.offer(a, "to node 0"));
        assertThat(first.next("offer").getString("sdp")).isEqualTo("to node 0");

        first.close();
        first.awaitClose();
        PeerClient second = connect(1);
        Await.until("the id is free again", PeerClient.WAIT, () -> {
            second.send(Frames.register(a));
            return second.next().getString("type").equals("peers");
        });
        caller.send(Frames.offer(a, "to node 1"));
        assertThat(second.next("offer").getString("sdp")).isEqualTo("to node 1");
        caller.assertNothingPending();
    }

    @Test
    void thePeerListAndTotalSpanEveryNode() {
        List<String> ids = new ArrayList<>();
        for (int node = 0; node < 3; node++) {
            String id = "listed-" + node + "-" + UUID.randomUUID();
            connect(node).register(id);
            ids.add(id);
        }
        JsonObject reply = connect(0).register("asker-" + UUID.randomUUID());
        assertThat(reply.getJsonArray("peers").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString)).containsAll(ids);
        assertThat(reply.getInt("total")).isEqualTo(4);
    }
}
