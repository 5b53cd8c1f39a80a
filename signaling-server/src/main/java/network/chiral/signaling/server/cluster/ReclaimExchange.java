package network.chiral.signaling.server.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisException;

import network.chiral.signaling.api.SignalMessage;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.routing.Reclaims;

/**
 * Claims on ids between nodes: a client that reconnected through another node registers its
 * id again while the node it left may still hold it. This node's claims wait for the holder's
 * answer; another node's claim on an id of this node goes to the protocol ({@link Reclaims}),
 * which decides as for a local takeover. What a given-up socket was sent while it was probed is
 * owed to whoever registers its id next.
 */
final class ReclaimExchange {
    /** How long relays owed to an id's next holder are kept. */
    private static final long OWED_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Relays a given-up holder was sent while it was probed; dropped if nobody claims the id by {@code untilNanos}. */
    private record Owed(List<SignalMessage> relays, long untilNanos) {
    }

    private final String nodeId;
    private final RedisLink link;
    private final Map<String, Peer> locals;
    private final Reclaims reclaims;
    /** Times out claims and delivers what is owed, off the Redis I/O threads. */
    private final ScheduledExecutorService clusterThread;
    private final Deliveries deliveries;
    /** This node's claims on ids other nodes hold, awaiting their answers. */
    private final ConcurrentMap<Long, CompletableFuture<Boolean>> claims = new ConcurrentHashMap<>();
    private final AtomicLong claimRequests = new AtomicLong();
    /** Relays owed to whoever registers an id this node gave up to another node's claim. */
    private final ConcurrentMap<String, Owed> owed = new ConcurrentHashMap<>();

    /**
     * @param locals   the peers registered on this node, by id
     * @param reclaims where other nodes' claims on this node's ids are decided
     */
    ReclaimExchange(String nodeId, RedisLink link, Map<String, Peer> locals, Reclaims reclaims,
                    ScheduledExecutorService clusterThread, Deliveries deliveries) {
        this.nodeId = nodeId;
        this.link = link;
        this.locals = locals;
        this.reclaims = reclaims;
        this.clusterThread = clusterThread;
        this.deliveries = deliveries;
    }

    /**
     * Asks the node that holds {@code id} to give it up; completes with whether it did,
     * {@code false} if no answer came {@code within}. Redis must be reachable.
     */
    CompletionStage<Boolean> claim(String id, boolean proven, String resume, Duration within) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        long request = claimRequests.incrementAndGet();
        try {
            String holder = link.sync().get(ClusterScripts.PREFIX + "peer:" + id);
            if (holder == null || holder.equals(nodeId)) {
                // Freed meanwhile (try again), or held here after all (the protocol's to decide).
                answer.complete(holder == null);
                return answer;
            }
            claims.put(request, answer);
            if (link.sync().publish(ClusterScripts.inbox(holder), new Envelope.Reclaim(nodeId, request, proven,
                    resume == null ? "" : resume, id).encode()) == 0) {
                // Nobody reads that node's inbox: it cannot give the id up; its heartbeat will.
                claims.remove(request);
                answer.complete(false);
                return answer;
            }
            clusterThread.schedule(() -> {
                if (claims.remove(request, answer)) {
                    answer.complete(false);
                }
            }, within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RedisException | RejectedExecutionException e) {
            claims.remove(request);
            answer.complete(false);
        }
        return answer;
    }

    /** Another node claims an id of this node. Redis I/O thread. */
    void requested(String origin, long request, boolean proven, String resume, String id) {
        Peer holder = locals.get(id);
        if (holder == null) {
            // Not here (any more): free, or about to be.
            link.async().publish(ClusterScripts.inbox(origin), new Envelope.Reclaimed(request, true).encode());
            return;
        }
        reclaims.reclaim(holder, id, proven, resume.isEmpty() ? null : resume, new Reclaims.Verdict() {
            @Override
            public void kept() {
                link.async().publish(ClusterScripts.inbox(origin), new Envelope.Reclaimed(request, false).encode());
            }

            @Override
            public void freed(List<SignalMessage> copies) {
                if (!copies.isEmpty()) {
                    owed.put(id, new Owed(copies, System.nanoTime() + OWED_NANOS));
                }
                // After the release of the id, on the same connection: the claimant finds it free.
                link.async().publish(ClusterScripts.inbox(origin), new Envelope.Reclaimed(request, true).encode());
            }
        });
    }

    /** The holder's answer to this node's claim {@code request}. */
    void answered(long request, boolean freed) {
        CompletableFuture<Boolean> claim = claims.remove(request);
        if (claim != null) {
            claim.complete(freed);
        }
    }

    /** {@code id} was registered on another node: what this node owes its holder goes there, in order. */
    void registeredElsewhere(String id) {
        Owed relays = owed.remove(id);
        if (relays == null) {
            return;
        }
        try {
            clusterThread.execute(() -> deliveries.deliverOwed(relays.relays()));
        } catch (RejectedExecutionException e) {
            // Leaving the cluster.
        }
    }

    /** Drops what is owed to ids nobody registered again in time. */
    void expireOwed(long nowNanos) {
        owed.values().removeIf(relays -> nowNanos - relays.untilNanos() > 0);
    }
}
