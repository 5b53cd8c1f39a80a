package network.chiral.signaling.server.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.RedisException;

import network.chiral.signaling.server.config.ClusterSettings;
import network.chiral.signaling.server.peer.CloseCodes;
import network.chiral.signaling.server.peer.Peer;

/**
 * This node's place in the cluster: its heartbeat, and the agreement between the shared
 * {@link Roster} and the peers this node really holds.
 *
 * <p>Every third of the node TTL the node renews its heartbeat and sweeps dead nodes. If its
 * heartbeat was missing (Redis restarted empty, or this node was cut off for longer than the
 * TTL), Redis was unreachable meanwhile, or a claim or release may not have reached it, the node
 * announces all its live peers again; one that another node took over meanwhile is
 * disconnected.
 */
final class Membership {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    private static final int BATCH = 500;
    private static final Duration FIRST_BEAT_WAIT = Duration.ofSeconds(10);

    private final ClusterSettings settings;
    private final String nodeId;
    /** Tells this process apart from an earlier one with the same node id. */
    private final String token = UUID.randomUUID().toString();
    private final Roster roster;
    private final ConcurrentMap<String, Peer> locals;
    private final Runnable forgetRoutes;
    private final Consumer<String> nodeGone;
    private final AtomicBoolean announceNeeded = new AtomicBoolean(true);
    private final ScheduledExecutorService heartbeat;
    private volatile boolean healthy;
    private volatile boolean beatenOnce;
    private volatile boolean stopping;

    /**
     * @param locals       the peers registered on this node, by id
     * @param forgetRoutes drops every cached route (the notices that keep them true may be lost)
     * @param nodeGone     told of each node found dead
     */
    Membership(ClusterSettings settings, Roster roster, ConcurrentMap<String, Peer> locals, Runnable forgetRoutes,
               Consumer<String> nodeGone) {
        this.settings = settings;
        this.nodeId = settings.nodeId();
        this.roster = roster;
        this.locals = locals;
        this.forgetRoutes = forgetRoutes;
        this.nodeGone = nodeGone;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "signaling-cluster");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Beats once, waiting a bounded time (an unreachable Redis costs at most a connect timeout
     * per connection), then every heartbeat interval. Redis being unreachable does not stop the
     * node; it keeps trying and serves its own peers meanwhile.
     */
    void join() {
        try {
            heartbeat.submit(this::beat).get(FIRST_BEAT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("first heartbeat did not finish: {}", e.toString());
        }
        long every = settings.heartbeatInterval().toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /** Whether the last heartbeat went through. */
    boolean healthy() {
        return healthy;
    }

    /** The roster may disagree with this node: put it right at the next heartbeat. */
    void announceLater() {
        announceNeeded.set(true);
    }

    /** Renews the heartbeat, sweeps dead nodes and re-announces when needed. Heartbeat thread only. */
    void beat() {
        try {
            if (!roster.connect()) {
                unhealthy("Redis is unreachable", null);
                return;
            }
            Roster.Beat beat = roster.beat(nodeId, token, settings.nodeTtl().toMillis());
            for (String gone : beat.gone()) {
                nodeGone.accept(gone);
                LOG.atInfo().addKeyValue("nodeId", gone).log("cluster node gone; its peers are freed");
            }
            if (!token.equals(beat.previousToken())) {
                if (!beat.previousToken().isEmpty()) {
                    if (beatenOnce) {
                        LOG.atWarn().addKeyValue("nodeId", nodeId)
                                .log("another process uses this node id; SIGNALING_NODE_ID must be unique");
                    } else {
                        LOG.atInfo().addKeyValue("nodeId", nodeId).log("taking over from an earlier process with this node id");
                    }
                }
                announceNeeded.set(true);
            }
            if (announceNeeded.getAndSet(false)) {
                try {
                    announce();
                } catch (RuntimeException e) {
                    announceNeeded.set(true);
                    throw e;
                }
            }
            beatenOnce = true;
            if (!healthy) {
                healthy = true;
                LOG.atInfo().addKeyValue("nodeId", nodeId).addKeyValue("peers", locals.size()).log("cluster available");
            }
        } catch (RedisException e) {
            unhealthy("Redis failed", e);
        } catch (RuntimeException e) {
            unhealthy("cluster heartbeat failed", e);
            LOG.warn("unexpected heartbeat failure", e);
        }
    }

    /**
     * Makes the roster agree with this node: records of ids no longer here are removed, every
     * live peer is claimed again, and a peer whose id another node took meanwhile is
     * disconnected (it reconnects and learns the id is taken).
     */
    private void announce() {
        forgetRoutes.run();
        Set<String> recorded = roster.recorded(nodeId);
        List<String> stale = recorded.stream().filter(id -> !locals.containsKey(id)).toList();
        for (List<String> batch : batches(stale)) {
            roster.release(nodeId, batch);
        }
        List<String> ids = new ArrayList<>(locals.keySet());
        Set<String> taken = new HashSet<>();
        for (List<String> batch : batches(ids)) {
            taken.addAll(roster.claim(nodeId, batch));
        }
        for (String id : taken) {
            Peer peer = locals.get(id);
            if (peer != null && locals.remove(id, peer)) {
                LOG.atWarn().addKeyValue("clientId", id)
                        .log("id registered on another node while this node could not renew its claim (Redis "
                                + "unreachable, or this node frozen or cut off past its heartbeat); closing this node's socket for it");
                peer.close(CloseCodes.GOING_AWAY, "client id registered on another node");
            }
        }
        // Peers that left while their claims were being renewed must not stay recorded.
        List<String> left = ids.stream().filter(id -> !taken.contains(id) && !locals.containsKey(id)).toList();
        for (List<String> batch : batches(left)) {
            roster.release(nodeId, batch);
        }
        LOG.atInfo().addKeyValue("nodeId", nodeId).addKeyValue("peers", ids.size() - taken.size())
                .addKeyValue("lost", taken.size()).log("announced this node's peers");
    }

    private static List<List<String>> batches(List<String> ids) {
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += BATCH) {
            batches.add(ids.subList(i, Math.min(ids.size(), i + BATCH)));
        }
        return batches;
    }

    private void unhealthy(String why, Exception cause) {
        if (healthy && !stopping) {
            var log = LOG.atWarn().addKeyValue("nodeId", nodeId);
            if (cause != null) {
                log = log.addKeyValue("cause", cause.toString());
            }
            log.log(why + "; cross-node relays answer 'unavailable' until it is back");
        }
        healthy = false;
    }

    /** The connection to Redis came or went. Redis I/O thread: never block here. */
    void connectionChanged(boolean connected) {
        if (connected) {
            try {
                heartbeat.execute(this::beat);
            } catch (RejectedExecutionException e) {
                // Stopping: no more heartbeats.
            }
        } else {
            // Notices may be missed from now on: cached routes cannot be trusted.
            forgetRoutes.run();
            announceNeeded.set(true);
            unhealthy("lost the connection to Redis", null);
        }
    }

    /** Stops the heartbeat, waiting a bounded time for one under way. */
    void stop() {
        stopping = true;
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(settings.commandTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Leaves the roster: this node's ids are freed now rather than when its heartbeat expires. */
    void leave() {
        try {
            roster.leave(nodeId, token);
        } catch (RedisException e) {
            LOG.debug("could not leave the cluster cleanly; the node TTL will", e);
        }
    }
}
