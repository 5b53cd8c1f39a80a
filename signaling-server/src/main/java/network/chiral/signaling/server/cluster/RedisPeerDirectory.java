package network.chiral.signaling.server.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.config.ClusterSettings;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.routing.PeerChanges;
import network.chiral.signaling.server.routing.PeerDirectory;
import network.chiral.signaling.server.routing.Reclaims;

/**
 * The peer directory of one node in a cluster that shares its peers through Redis. Sockets
 * stay on the node they connected to; Redis records which node holds which id, and relays
 * between nodes travel through each node's inbox channel.
 *
 * <ul>
 *   <li>A relay to a peer of this node never touches Redis; one to another node's peer takes
 *       one Redis round trip ({@link Forwarding}) and is watched until that node confirms
 *       reading it, so a node that froze or was cut off without a connection reset loses
 *       nothing silently: its relays are answered {@link Delivery#UNAVAILABLE}. What a sender
 *       hears only after its frame was answered is {@link Deliveries}'.</li>
 *   <li>A {@code register} is one atomic script ({@link IdRegistry}): ids are unique across the
 *       cluster even when two nodes race for one, and the reply's list comes back in the same
 *       round trip.</li>
 *   <li>A claim on an id another node holds, or another node's on an id here, goes through
 *       {@link ReclaimExchange}.</li>
 *   <li>The heartbeat, the sweep of dead nodes and the re-announce of this node's peers are
 *       {@link Membership}'s.</li>
 *   <li>While Redis is unreachable, same-node relays work, cross-node ones get
 *       {@link Delivery#UNAVAILABLE} without waiting, and registrations are granted on this
 *       node and announced once Redis is back.</li>
 * </ul>
 */
public final class RedisPeerDirectory implements PeerDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(RedisPeerDirectory.class);
    private static final int ROUTE_CACHE_CAPACITY = 100_000;
    /** Relays to one node that may await its confirmation; beyond that, relays to it are refused. */
    private static final int UNCONFIRMED_CAPACITY = 20_000;

    private final ClusterSettings settings;
    private final String nodeId;
    private final ConcurrentMap<String, Peer> locals = new ConcurrentHashMap<>();
    private final RouteCache routes = new RouteCache(ROUTE_CACHE_CAPACITY);
    /** Probes and expiries run apart from the heartbeat, which may wait on Redis. */
    private final ScheduledExecutorService confirmer;
    /** Sends receipts for delivered relays, batching what piles up while one is sent. */
    private final ExecutorService receipts;
    private final RedisLink link;
    private final Forwarding forwarding;
    private final Deliveries deliveries;
    private final Membership membership;
    private final IdRegistry registry;
    private final ReclaimExchange reclaimExchange;
    private final PeerChanges changes;
    private final Inbox inbox;

    /**
     * Builds the node's directory; nothing connects until {@link #join}.
     *
     * @param late    where relays found undeliverable after {@link #deliver} returned are reported
     * @param changes  marked whenever an id is registered or freed anywhere in the cluster
     * @param reclaims where other nodes' claims on this node's ids are decided
     */
    public RedisPeerDirectory(ClusterSettings settings, SignalCodec codec, LateOutcomes late, PeerChanges changes,
                              Reclaims reclaims) {
        this.settings = settings;
        this.nodeId = settings.nodeId();
        this.changes = changes;
        this.receipts = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "signaling-cluster-receipts");
            thread.setDaemon(true);
            return thread;
        });
        this.confirmer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "signaling-cluster-confirm");
            thread.setDaemon(true);
            return thread;
        });
        this.inbox = new Inbox(codec, routes, new Inbox.Node() {
            @Override
            public String id() {
                return nodeId;
            }

            @Override
            public Peer local(String id) {
                return locals.get(id);
            }

            @Override
            public CompletionStage<?> sendBack(String origin, Envelope envelope) {
                return link.async().publish(ClusterScripts.inbox(origin), envelope.encode());
            }

            @Override
            public void soon(Runnable task) {
                try {
                    receipts.execute(task);
                } catch (RejectedExecutionException e) {
                    // Stopping: the leave sends what is pending.
                }
            }

            @Override
            public void returned(Envelope.Returned returned) {
                deliveries.returned(returned);
            }

            @Override
            public void confirmed(String node, long id, long epoch, List<Long> unwritten) {
                deliveries.unreachable(forwarding.confirmed(node, id, epoch, unwritten));
            }

            @Override
            public void delivered(List<Long> ids) {
                forwarding.delivered(ids);
            }

            @Override
            public void gone(String node) {
                deliveries.unreachable(forwarding.forget(node));
            }

            @Override
            public void reclaimRequested(String origin, long request, boolean proven, String resume, String id) {
                reclaimExchange.requested(origin, request, proven, resume, id);
            }

            @Override
            public void reclaimed(long request, boolean freed) {
                reclaimExchange.answered(request, freed);
            }

            @Override
            public void membershipChanged(RouteNotice notice) {
                // This node's own changes were recorded as they happened.
                if (notice instanceof RouteNotice.Claimed claimed && !claimed.node().equals(nodeId)) {
                    changes.joined(claimed.id());
                    reclaimExchange.registeredElsewhere(claimed.id());
                } else if (notice instanceof RouteNotice.Released released && !released.node().equals(nodeId)) {
                    changes.left(released.id());
                } else if (notice instanceof RouteNotice.Gone gone && !gone.node().equals(nodeId)) {
                    changes.unknown();
                }
            }
        }, System::currentTimeMillis);
        this.link = new RedisLink(settings, inbox, this::connectionChanged, ClusterScripts.inbox(nodeId), ClusterScripts.ROUTES);
        this.forwarding = new Forwarding(nodeId, codec, link, routes,
                new Confirmations(settings.commandTimeout(), UNCONFIRMED_CAPACITY, System::nanoTime));
        // Half the time a sender waits for a confirmation, so a relay answered unavailable never arrives.
        this.deliveries = new Deliveries(locals, this::available, forwarding, routes, codec, late, confirmer,
                settings.commandTimeout().toMillis() / 2);
        this.membership = new Membership(settings, new RedisRoster(link), locals, routes::clear,
                node -> deliveries.unreachable(forwarding.forget(node)));
        this.registry = new IdRegistry(nodeId, link, locals, routes, membership, this::available);
        this.reclaimExchange = new ReclaimExchange(nodeId, link, locals, reclaims, confirmer, deliveries);
    }

    /**
     * Joins the cluster: connects, announces this node and schedules its heartbeat and the
     * confirmation probes. Redis being unreachable does not stop the node.
     */
    @Override
    public void join() {
        membership.join();
        long tick = settings.commandTimeout().toMillis() / 5;
        confirmer.scheduleWithFixedDelay(this::confirm, tick, tick, TimeUnit.MILLISECONDS);
        LOG.atInfo().addKeyValue("nodeId", settings.nodeId()).addKeyValue("redis", settings.redisAddress())
                .addKeyValue("nodeTtlSeconds", settings.nodeTtl().toSeconds())
                .addKeyValue("available", available())
                .log("cluster mode");
    }

    /** This node's name in the cluster. */
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean available() {
        return membership.healthy() && link.open();
    }

    @Override
    public Registration register(String id, String replacing, Peer peer, int listLimit) {
        return registry.register(id, replacing, peer, listLimit);
    }

    @Override
    public void release(String id, Peer peer) {
        registry.release(id, peer);
    }

    @Override
    public Delivery deliver(Relay relay, long receivedNanos) {
        return deliveries.deliver(relay, receivedNanos);
    }

    @Override
    public CompletionStage<Boolean> reclaim(String id, boolean proven, String resume, Duration within) {
        if (!available()) {
            return CompletableFuture.completedFuture(false);
        }
        return reclaimExchange.claim(id, proven, resume, within);
    }

    @Override
    public int size() {
        return registry.size();
    }

    @Override
    public Listing list(int limit) {
        return registry.list(limit);
    }

    /** Relays forwarded to other nodes that have not yet confirmed reading them. */
    public int unconfirmed() {
        return forwarding.unconfirmed();
    }

    /** Ids registered on this node. */
    public int localSize() {
        return locals.size();
    }

    /** Probes the nodes that owe confirmations and answers relays that waited too long. */
    private void confirm() {
        reclaimExchange.expireOwed(System.nanoTime());
        try {
            deliveries.unreachable(forwarding.tick());
        } catch (RuntimeException e) {
            LOG.debug("confirmation tick failed: {}", e.toString());
        }
    }

    /** Redis I/O thread: never block here. */
    private void connectionChanged(boolean connected) {
        membership.connectionChanged(connected);
        if (!connected) {
            inbox.subscriptionLost();
        } else {
            // Receipts Redis refused while it was away, or may have lost.
            inbox.reconnected();
        }
    }

    /** Leaves the cluster: this node's ids are freed now rather than when its heartbeat expires. */
    @Override
    public void leave() {
        confirmer.shutdownNow();
        receipts.shutdown();
        membership.stop();
        if (available()) {
            // Before the notice that this node is gone: its senders count these as delivered.
            inbox.sendReceipts();
            membership.leave();
        }
        link.close();
    }
}
