package network.chiral.signaling.server.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.RedisException;
import io.netty.util.concurrent.FastThreadLocalThread;

import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.api.SignalMessage;
import network.chiral.signaling.server.config.ClusterSettings;
import network.chiral.signaling.server.peer.CloseCodes;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.PeerDirectory;

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
 *   <li>Claims are one atomic script: ids are unique across the cluster even when two nodes
 *       race for one.</li>
 *   <li>Every third of the node TTL the node renews its heartbeat and sweeps dead nodes. If
 *       its heartbeat was missing (Redis restarted empty, or this node was cut off for longer
 *       than the TTL) or Redis was unreachable meanwhile, it announces all its live peers
 *       again; one that another node took over meanwhile is disconnected.</li>
 *   <li>While Redis is unreachable, same-node relays work, cross-node ones get
 *       {@link Delivery#UNAVAILABLE} without waiting, and registrations are granted on this
 *       node and announced once Redis is back.</li>
 * </ul>
 */
public final class RedisPeerDirectory implements PeerDirectory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisPeerDirectory.class);
    private static final int BATCH = 500;
    private static final int ROUTE_CACHE_CAPACITY = 100_000;
    /** Relays to one node that may await its confirmation; beyond that, relays to it are refused. */
    private static final int UNCONFIRMED_CAPACITY = 20_000;
    private static final java.time.Duration FIRST_BEAT_WAIT = java.time.Duration.ofSeconds(10);

    private final ClusterSettings settings;
    private final String nodeId;
    /** Tells this process apart from an earlier one with the same node id. */
    private final String token = UUID.randomUUID().toString();
    private final ConcurrentMap<String, Peer> locals = new ConcurrentHashMap<>();
    private final RouteCache routes = new RouteCache(ROUTE_CACHE_CAPACITY);
    private final AtomicBoolean announceNeeded = new AtomicBoolean(true);
    private final ScheduledExecutorService heartbeat;
    /** Probes and expiries run apart from the heartbeat, which may wait on Redis. */
    private final ScheduledExecutorService confirmer;
    private final RedisLink link;
    private final Forwarding forwarding;
    private volatile boolean healthy;
    private volatile boolean beatenOnce;
    private volatile boolean closing;
    private volatile Undelivered undelivered = (sender, relay, outcome) -> { };

    private RedisPeerDirectory(ClusterSettings settings, SignalCodec codec) {
        this.settings = settings;
        this.nodeId = settings.nodeId();
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "signaling-cluster"));
        this.confirmer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "signaling-cluster-confirm"));
        Inbox inbox = new Inbox(codec, routes, new Inbox.Node() {
            @Override
            public String id() {
                return nodeId;
            }

            @Override
            public Peer local(String id) {
                return locals.get(id);
            }

            @Override
            public void sendBack(String origin, Envelope envelope) {
                link.async().publish(ClusterScripts.inbox(origin), envelope.encode());
            }

            @Override
            public void notFound(Peer sender, Relay relay) {
                undelivered.undelivered(sender, relay, Delivery.NOT_FOUND);
            }

            @Override
            public void confirmed(String node, long id) {
                forwarding.confirmed(node, id);
            }

            @Override
            public void gone(String node) {
                unreachable(forwarding.forget(node));
            }
        });
        this.link = new RedisLink(settings, inbox, this::connectionChanged, ClusterScripts.inbox(nodeId), ClusterScripts.ROUTES);
        this.forwarding = new Forwarding(nodeId, codec, link, routes,
                new Confirmations(settings.commandTimeout(), UNCONFIRMED_CAPACITY, System::nanoTime));
    }

    /**
     * Starts the node: connects, announces it and schedules its heartbeat. Redis being
     * unreachable does not stop it; the node keeps trying and serves its own peers meanwhile.
     */
    public static RedisPeerDirectory start(ClusterSettings settings, SignalCodec codec) {
        RedisPeerDirectory directory = new RedisPeerDirectory(settings, codec);
        long every = settings.heartbeatInterval().toMillis();
        try {
            // Bounded: an unreachable Redis costs at most a connect timeout per connection.
            directory.heartbeat.submit(directory::beat).get(FIRST_BEAT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("first heartbeat did not finish: {}", e.toString());
        }
        directory.heartbeat.scheduleWithFixedDelay(directory::beat, every, every, TimeUnit.MILLISECONDS);
        long tick = settings.commandTimeout().toMillis() / 5;
        directory.confirmer.scheduleWithFixedDelay(directory::confirm, tick, tick, TimeUnit.MILLISECONDS);
        LOG.atInfo().addKeyValue("nodeId", settings.nodeId()).addKeyValue("redis", settings.redisAddress())
                .addKeyValue("nodeTtlSeconds", settings.nodeTtl().toSeconds())
                .addKeyValue("available", directory.available())
                .log("cluster mode");
        return directory;
    }

    /** This node's name in the cluster. */
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean available() {
        return healthy && link.open();
    }

    @Override
    public void whenUndelivered(Undelivered handler) {
        this.undelivered = handler;
    }

    @Override
    public Claim claim(String id, Peer peer) {
        Peer holder = locals.putIfAbsent(id, peer);
        if (holder != null) {
            return holder == peer ? Claim.GRANTED : Claim.TAKEN;
        }
        if (!available()) {
            // Announced when Redis is back; if another node got the id meanwhile, this socket goes.
            announceNeeded.set(true);
            return Claim.GRANTED;
        }
        try {
            List<Object> taken = ClusterScripts.CLAIM.run(link.sync(), nodeId, id);
            if (!taken.isEmpty()) {
                locals.remove(id, peer);
                return Claim.TAKEN;
            }
            routes.forget(id);
            return Claim.GRANTED;
        } catch (RedisException e) {
            failed(e, true);
            return Claim.GRANTED;
        }
    }

    @Override
    public void release(String id, Peer peer) {
        if (!locals.remove(id, peer)) {
            return;
        }
        if (!available()) {
            announceNeeded.set(true);
            return;
        }
        try {
            if (Thread.currentThread() instanceof FastThreadLocalThread) {
                // A socket closed from a Redis I/O thread: waiting there for Redis would stall it.
                ClusterScripts.RELEASE.runAsync(link.async(), nodeId, id).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        announceNeeded.set(true);
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
    public Delivery deliver(String to, SignalMessage message) {
        return deliver(to, message, local -> local.send(message));
    }

    @Override
    public Delivery deliver(String to, SignalMessage message, long receivedNanos) {
        return deliver(to, message, local -> local.relay(message, receivedNanos));
    }

    private Delivery deliver(String to, SignalMessage message, Predicate<Peer> queueLocally) {
        Peer local = locals.get(to);
        if (local != null) {
            return queueLocally.test(local) ? Delivery.DELIVERED : Delivery.DROPPED;
        }
        if (!available()) {
            return Delivery.UNAVAILABLE;
        }
        // Only relays are ever delivered: Signaling stamps them and hands them here.
        return forwarding.forward((Relay) message);
    }

    @Override
    public List<String> list(int limit) {
        if (available()) {
            try {
                List<Object> listed = ClusterScripts.LIST.run(link.sync(), String.valueOf(limit));
                List<String> ids = new ArrayList<>();
                for (Object id : (List<?>) listed.get(1)) {
                    ids.add((String) id);
                }
                return ids;
            } catch (RedisException e) {
                failed(e, false);
            }
        }
        return locals.keySet().stream().limit(limit).toList();
    }

    @Override
    public int size() {
        if (available()) {
            try {
                List<Object> listed = ClusterScripts.LIST.run(link.sync(), "0");
                return (int) Math.min(Integer.MAX_VALUE, (Long) listed.get(0));
            } catch (RedisException e) {
                failed(e, false);
            }
        }
        return locals.size();
    }

    /** Relays forwarded to other nodes that have not yet confirmed reading them. */
    public int unconfirmed() {
        return forwarding.unconfirmed();
    }

    /** Ids registered on this node. */
    public int localSize() {
        return locals.size();
    }

    /** Renews the heartbeat, sweeps dead nodes and re-announces when needed. Heartbeat thread only. */
    private void beat() {
        try {
            if (!link.connect()) {
                unhealthy("Redis is unreachable", null);
                return;
            }
            List<Object> beat = ClusterScripts.HEARTBEAT.run(link.sync(), nodeId, token,
                    String.valueOf(settings.nodeTtl().toMillis()));
            String previous = (String) beat.get(0);
            for (Object gone : (List<?>) beat.get(1)) {
                unreachable(forwarding.forget((String) gone));
                LOG.atInfo().addKeyValue("nodeId", gone).log("cluster node gone; its peers are freed");
            }
            if (!token.equals(previous)) {
                if (!previous.isEmpty()) {
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

    /** Probes the nodes that owe confirmations and answers relays that waited too long. */
    private void confirm() {
        try {
            unreachable(forwarding.tick());
        } catch (RuntimeException e) {
            LOG.debug("confirmation tick failed: {}", e.toString());
        }
    }

    /** Tells the senders of these relays, if still here, that they may not have arrived. */
    private void unreachable(List<Relay> relays) {
        for (Relay relay : relays) {
            Peer sender = locals.get(relay.from());
            if (sender != null) {
                undelivered.undelivered(sender, relay, Delivery.UNAVAILABLE);
            }
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Makes Redis agree with this node: records of ids no longer here are removed, every
     * live peer is claimed again, and a peer whose id another node took meanwhile is
     * disconnected (it reconnects and learns the id is taken).
     */
    private void announce() {
        routes.clear();
        Set<String> recorded = link.sync().smembers(ClusterScripts.nodePeers(nodeId));
        List<String> stale = recorded.stream().filter(id -> !locals.containsKey(id)).toList();
        for (List<String> batch : batches(stale)) {
            ClusterScripts.RELEASE.run(link.sync(), ClusterScripts.with(nodeId, batch));
        }
        List<String> ids = new ArrayList<>(locals.keySet());
        Set<String> taken = new HashSet<>();
        for (List<String> batch : batches(ids)) {
            List<Object> refused = ClusterScripts.CLAIM.run(link.sync(), ClusterScripts.with(nodeId, batch));
            refused.forEach(id -> taken.add((String) id));
        }
        for (String id : taken) {
            Peer peer = locals.get(id);
            if (peer != null && locals.remove(id, peer)) {
                LOG.atWarn().addKeyValue("clientId", id).log("id registered on another node while Redis was away; disconnecting");
                peer.close(CloseCodes.GOING_AWAY, "client id registered on another node");
            }
        }
        // Peers that left while their claims were being renewed must not stay recorded.
        List<String> left = ids.stream().filter(id -> !taken.contains(id) && !locals.containsKey(id)).toList();
        for (List<String> batch : batches(left)) {
            ClusterScripts.RELEASE.run(link.sync(), ClusterScripts.with(nodeId, batch));
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

    /**
     * One command failed or timed out. Whether Redis as a whole is away is for the connection
     * and the heartbeat to say: one slow reply must not turn the node unavailable. A claim or
     * release that may not have reached Redis is put right by the next announce.
     */
    private void failed(RedisException e, boolean changedIds) {
        LOG.atDebug().addKeyValue("cause", e.toString()).log("a Redis command failed");
        if (changedIds) {
            announceNeeded.set(true);
        }
    }

    private void unhealthy(String why, Exception cause) {
        if (healthy && !closing) {
            var log = LOG.atWarn().addKeyValue("nodeId", nodeId);
            if (cause != null) {
                log = log.addKeyValue("cause", cause.toString());
            }
            log.log(why + "; cross-node relays answer 'unavailable' until it is back");
        }
        healthy = false;
    }

    /** Redis I/O thread: never block here. */
    private void connectionChanged(boolean connected) {
        if (connected) {
            try {
                heartbeat.execute(this::beat);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Closing: no more heartbeats.
            }
        } else {
            // Notices may be missed from now on: cached routes cannot be trusted.
            routes.clear();
            announceNeeded.set(true);
            unhealthy("lost the connection to Redis", null);
        }
    }

    /** Leaves the cluster: this node's ids are freed now rather than when its heartbeat expires. */
    @Override
    public void close() {
        closing = true;
        confirmer.shutdownNow();
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(settings.commandTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (available()) {
            try {
                ClusterScripts.LEAVE.run(link.sync(), nodeId, token);
            } catch (RedisException e) {
                LOG.debug("could not leave the cluster cleanly; the node TTL will", e);
            }
        }
        link.close();
    }
}
