package network.chiral.signaling.server.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.RedisException;
import io.netty.util.concurrent.FastThreadLocalThread;

import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.api.SignalMessage;
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
 *       nothing silently: its relays are answered {@link Delivery#UNAVAILABLE}.</li>
 *   <li>A {@code register} is one atomic script: ids are unique across the cluster even when
 *       two nodes race for one, and the reply's list comes back in the same round trip.</li>
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
    private final java.util.concurrent.ExecutorService receipts;
    private final RedisLink link;
    private final Forwarding forwarding;
    private final Membership membership;
    private final LateOutcomes late;
    private final PeerChanges changes;
    private final Inbox inbox;
    private final Reclaims reclaims;
    /** This node's claims on ids other nodes hold, awaiting their answers. */
    private final ConcurrentMap<Long, CompletableFuture<Boolean>> claims = new ConcurrentHashMap<>();
    private final AtomicLong claimRequests = new AtomicLong();
    /** Relays owed to whoever registers an id this node gave up to another node's claim. */
    private final ConcurrentMap<String, Owed> owed = new ConcurrentHashMap<>();

    /** Relays a given-up holder was sent while it was probed; dropped if nobody claims the id by {@code untilNanos}. */
    private record Owed(List<SignalMessage> relays, long untilNanos) {
    }

    /** How long relays owed to an id's next holder are kept. */
    private static final long OWED_NANOS = TimeUnit.SECONDS.toNanos(10);
    private final SignalCodec codec;
    /**
     * How long after it was sent a relay may still be delivered on another node: half the time
     * its sender waits for a confirmation, so one answered {@code unavailable} never arrives.
     */
    private final long deliverWithinMillis;

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
        this.late = late;
        this.changes = changes;
        this.codec = codec;
        this.reclaims = reclaims;
        this.deliverWithinMillis = settings.commandTimeout().toMillis() / 2;
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
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // Stopping: the leave sends what is pending.
                }
            }

            @Override
            public void returned(Envelope.Returned returned) {
                RedisPeerDirectory.this.returned(returned);
            }

            @Override
            public void confirmed(String node, long id, long epoch, List<Long> unwritten) {
                unreachable(forwarding.confirmed(node, id, epoch, unwritten));
            }

            @Override
            public void delivered(List<Long> ids) {
                forwarding.delivered(ids);
            }

            @Override
            public void gone(String node) {
                unreachable(forwarding.forget(node));
            }

            @Override
            public void reclaimRequested(String origin, long request, boolean proven, String resume, String id) {
                RedisPeerDirectory.this.reclaimRequested(origin, request, proven, resume, id);
            }

            @Override
            public void reclaimed(long request, boolean freed) {
                CompletableFuture<Boolean> claim = claims.remove(request);
                if (claim != null) {
                    claim.complete(freed);
                }
            }

            @Override
            public void membershipChanged(RouteNotice notice) {
                // This node's own changes were recorded as they happened.
                if (notice instanceof RouteNotice.Claimed claimed && !claimed.node().equals(nodeId)) {
                    changes.joined(claimed.id());
                    Owed relays = owed.remove(claimed.id());
                    if (relays != null) {
                        deliverOwed(relays);
                    }
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
        this.membership = new Membership(settings, new RedisRoster(link), locals, routes::clear,
                node -> unreachable(forwarding.forget(node)));
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
        Peer holder = locals.putIfAbsent(id, peer);
        if (holder != null && holder != peer) {
            return Registration.taken(holder);
        }
        boolean claimed = holder == null;
        if (available()) {
            try {
                if (!claimed) {
                    // Already this peer's: only the list is needed.
                    List<Object> listed = ClusterScripts.LIST.run(link.sync(), String.valueOf(listLimit));
                    return Registration.granted(ids(listed.get(1)), total(listed.get(0)));
                }
                List<Object> registered = ClusterScripts.REGISTER.run(link.sync(), nodeId, id,
                        replacing == null ? "" : replacing, String.valueOf(listLimit));
                if ((Long) registered.get(0) == 0) {
                    locals.remove(id, peer);
                    return Registration.taken(null);
                }
                routes.forget(id);
                if (replacing != null) {
                    locals.remove(replacing, peer);
                }
                return Registration.granted(ids(registered.get(2)), total(registered.get(1)));
            } catch (RedisException e) {
                failed(e, true);
            }
        } else if (claimed) {
            // Announced when Redis is back; if another node got the id meanwhile, this socket goes.
            membership.announceLater();
        }
        if (replacing != null) {
            locals.remove(replacing, peer);
        }
        return Registration.granted(locals.keySet().stream().limit(listLimit).toList(), locals.size());
    }

    private static List<String> ids(Object listed) {
        List<String> ids = new ArrayList<>();
        for (Object id : (List<?>) listed) {
            ids.add((String) id);
        }
        return ids;
    }

    private static int total(Object count) {
        return (int) Math.min(Integer.MAX_VALUE, (Long) count);
    }

    @Override
    public void release(String id, Peer peer) {
        if (!locals.remove(id, peer)) {
            return;
        }
        if (!available()) {
            membership.announceLater();
            return;
        }
        try {
            if (Thread.currentThread() instanceof FastThreadLocalThread) {
                // A socket closed from a Redis I/O thread: waiting there for Redis would stall it.
                ClusterScripts.RELEASE.runAsync(link.async(), nodeId, id).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        membership.announceLater();
                    }
                });
            } else {
                // Waited for, so that the id is free everywhere once the close is handled.
                ClusterScripts.RELEASE.run(link.sync(), nodeId, id);
            }
        } catch (RedisException e) {
            failed(e, true);
        }
    }

    @Override
    public Delivery deliver(Relay relay, long receivedNanos) {
        return deliver(relay, receivedNanos, System.currentTimeMillis() + deliverWithinMillis);
    }

    /** Delivers {@code relay}; on another node only until {@code expiresAt} (epoch milliseconds). */
    private Delivery deliver(Relay relay, long receivedNanos, long expiresAt) {
        Peer local = locals.get(relay.to());
        if (local != null) {
            return local.relay(relay.message(), receivedNanos, Peer.NO_DEADLINE, written -> {
                if (!written) {
                    unreachable(List.of(relay), Delivery.DROPPED);
                }
            }) ? Delivery.DELIVERED : Delivery.DROPPED;
        }
        if (!available()) {
            return Delivery.UNAVAILABLE;
        }
        return forwarding.forward(relay, expiresAt);
    }

    /**
     * Delivers a relay this node passes on by itself, after its sender's frame was answered
     * (one that came back, or one owed to an id's new holder): if it fails, its sender hears it
     * here. Cluster thread.
     */
    private void deliverLate(Relay relay, long expiresAt) {
        // Long.MIN_VALUE: no arrival time here, so no latency is measured for it.
        Delivery outcome = deliver(relay, Long.MIN_VALUE, expiresAt);
        if (outcome == Delivery.NOT_FOUND || outcome == Delivery.UNAVAILABLE || outcome == Delivery.DROPPED) {
            unreachable(List.of(relay), outcome);
        }
    }

    @Override
    public CompletionStage<Boolean> reclaim(String id, boolean proven, String resume, Duration within) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        if (!available()) {
            answer.complete(false);
            return answer;
        }
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
            confirmer.schedule(() -> {
                if (claims.remove(request, answer)) {
                    answer.complete(false);
                }
            }, within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RedisException | java.util.concurrent.RejectedExecutionException e) {
            claims.remove(request);
            answer.complete(false);
        }
        return answer;
    }

    /** Another node claims an id of this node. Redis I/O thread. */
    private void reclaimRequested(String origin, long request, boolean proven, String resume, String id) {
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

    /** Sends an id's new holder what its old one was sent while it was probed, in order. */
    private void deliverOwed(Owed relays) {
        try {
            confirmer.execute(() -> {
                long expiresAt = System.currentTimeMillis() + deliverWithinMillis;
                for (SignalMessage message : relays.relays()) {
                    if (message instanceof Relay relay) {
                        deliverLate(relay, expiresAt);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Leaving the cluster.
        }
    }

    /**
     * One of this node's relays came back undelivered. Redis I/O thread. Its sender hears of
     * it unless something else settled it already (it was answered {@code unavailable} when
     * its deadline passed): one relay, one answer.
     */
    private void returned(Envelope.Returned returned) {
        Confirmations.Pending pending = forwarding.settle(returned.id());
        if (pending == null) {
            return;
        }
        Relay relay = pending.relay();
        routes.forget(relay.to());
        if (returned.reason() == Envelope.Reason.GONE && System.currentTimeMillis() < pending.expiresAt()) {
            // The receiver left that node; it may have registered again here or elsewhere.
            try {
                confirmer.execute(() -> rerouted(returned.frame(), pending.expiresAt()));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                unreachable(List.of(relay));
            }
            return;
        }
        unreachable(List.of(relay));
    }

    /** Routes a relay that came back from a node its receiver had left, once more. Cluster thread. */
    private void rerouted(String frame, long expiresAt) {
        Relay relay;
        try {
            if (!(codec.decode(frame) instanceof Relay decoded)) {
                return;
            }
            relay = decoded;
        } catch (network.chiral.signaling.api.MalformedMessageException e) {
            return;
        }
        deliverLate(relay, expiresAt);
    }

    @Override
    public int size() {
        if (available()) {
            try {
                List<Object> listed = ClusterScripts.LIST.run(link.sync(), "0");
                return total(listed.get(0));
            } catch (RedisException e) {
                failed(e, false);
            }
        }
        return locals.size();
    }

    @Override
    public Listing list(int limit) {
        if (available()) {
            try {
                List<Object> listed = ClusterScripts.LIST.run(link.sync(), String.valueOf(limit));
                return new Listing(ids(listed.get(1)), total(listed.get(0)));
            } catch (RedisException e) {
                failed(e, false);
            }
        }
        return new Listing(locals.keySet().stream().limit(limit).toList(), locals.size());
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
        long now = System.nanoTime();
        owed.values().removeIf(relays -> now - relays.untilNanos() > 0);
        try {
            unreachable(forwarding.tick());
        } catch (RuntimeException e) {
            LOG.debug("confirmation tick failed: {}", e.toString());
        }
    }

    /** Tells the senders of these relays, if still here, that they did not arrive. */
    private void unreachable(List<Relay> relays) {
        unreachable(relays, Delivery.UNAVAILABLE);
    }

    private void unreachable(List<Relay> relays, Delivery outcome) {
        for (Relay relay : relays) {
            Peer sender = locals.get(relay.from());
            if (sender != null) {
                late.undelivered(sender, relay, outcome);
            }
        }
    }

    /**
     * One command failed or timed out. Whether Redis as a whole is away is for the connection
     * and the heartbeat to say: one slow reply must not turn the node unavailable. A claim or
     * release that may not have reached Redis is put right by the next announce.
     */
    private void failed(RedisException e, boolean changedIds) {
        LOG.atDebug().addKeyValue("cause", e.toString()).log("a Redis command failed");
        if (changedIds) {
            membership.announceLater();
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
