package network.chiral.signaling.server.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.RedisException;
import io.netty.util.concurrent.FastThreadLocalThread;

import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.routing.PeerDirectory.Listing;
import network.chiral.signaling.server.routing.PeerDirectory.Registration;

/**
 * The ids registered across the cluster, as Redis records them. A {@code register} is one
 * atomic script, so ids are unique across the cluster even when two nodes race for one, and
 * the reply's list comes back in the same round trip. While Redis is unreachable this node's
 * own ids stand in: registrations are granted here and announced once Redis is back
 * ({@link Membership}).
 */
final class IdRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(IdRegistry.class);

    private final String nodeId;
    private final RedisLink link;
    private final ConcurrentMap<String, Peer> locals;
    private final RouteCache routes;
    private final Membership membership;
    private final BooleanSupplier available;

    /**
     * @param locals    the peers registered on this node, by id
     * @param available whether Redis can be reached now
     */
    IdRegistry(String nodeId, RedisLink link, ConcurrentMap<String, Peer> locals, RouteCache routes,
               Membership membership, BooleanSupplier available) {
        this.nodeId = nodeId;
        this.link = link;
        this.locals = locals;
        this.routes = routes;
        this.membership = membership;
        this.available = available;
    }

    Registration register(String id, String replacing, Peer peer, int listLimit) {
        Peer holder = locals.putIfAbsent(id, peer);
        if (holder != null && holder != peer) {
            return Registration.taken(holder);
        }
        boolean claimed = holder == null;
        if (available.getAsBoolean()) {
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

    void release(String id, Peer peer) {
        if (!locals.remove(id, peer)) {
            return;
        }
        if (!available.getAsBoolean()) {
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

    int size() {
        if (available.getAsBoolean()) {
            try {
                List<Object> listed = ClusterScripts.LIST.run(link.sync(), "0");
                return total(listed.get(0));
            } catch (RedisException e) {
                failed(e, false);
            }
        }
        return locals.size();
    }

    Listing list(int limit) {
        if (available.getAsBoolean()) {
            try {
                List<Object> listed = ClusterScripts.LIST.run(link.sync(), String.valueOf(limit));
                return new Listing(ids(listed.get(1)), total(listed.get(0)));
            } catch (RedisException e) {
                failed(e, false);
            }
        }
        return new Listing(locals.keySet().stream().limit(limit).toList(), locals.size());
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
}
