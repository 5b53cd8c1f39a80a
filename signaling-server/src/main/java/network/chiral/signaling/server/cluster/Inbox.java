package network.chiral.signaling.server.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.pubsub.RedisPubSubAdapter;

import network.chiral.signaling.api.MalformedMessageException;
import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.peer.Peer;

/**
 * What arrives on a node's two channels: relays for its peers, relays coming back
 * undelivered, probes, their answers and receipts, and route notices. Runs on a Redis I/O
 * thread, so nothing here waits for anything.
 *
 * <p>A relay is delivered only before its {@link Envelope.Forward#expiresAt}: one read later
 * (this node was frozen, or its subscription ran behind) goes back {@link Envelope.Reason#STALE},
 * because its sender may already have been told {@code unavailable}.
 *
 * <p>A relay its receiver's socket has taken is named in a receipt ({@link Envelope.Delivered})
 * to its sender's node at once, and one lost with a socket that closed first goes back: a relay
 * counts as delivered once written, not once queued. Probes still confirm what receipts have not.
 */
final class Inbox extends RedisPubSubAdapter<String, String> {
    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);
    /** How often at most one sender's stale relays are logged. */
    private static final long STALE_LOG_MILLIS = 60_000;
    /** Relays remembered per sender between two of its probes; beyond that the oldest go unreported. */
    private static final int MAX_RECEIPTS = 100_000;
    /**
     * How far back receipts are sent again after a lost connection: longer than any sender waits
     * for one (the command timeout is at most 2 s, and a sender whose own link was down waits at
     * most two more).
     */
    private static final long RESEND_MILLIS = 6_000;

    /** What the inbox needs from its node. */
    interface Node {
        /** This node's name. */
        String id();

        /** The local socket holding {@code id}, or {@code null}. */
        Peer local(String id);

        /** Sends {@code envelope} to {@code origin}'s inbox without waiting; completes once Redis took it. */
        java.util.concurrent.CompletionStage<?> sendBack(String origin, Envelope envelope);

        /** Runs {@code task} soon, off the Redis I/O thread. */
        void soon(Runnable task);

        /** One of this node's relays came back undelivered. */
        void returned(Envelope.Returned returned);

        /** {@code node} answered probe {@code id} from its subscription {@code epoch}. */
        void confirmed(String node, long id, long epoch, List<Long> unwritten);

        /** Another node delivered these relays of this node. */
        void delivered(List<Long> ids);

        /** {@code origin} claims {@code id}, which this node holds; answer request {@code request}. */
        void reclaimRequested(String origin, long request, boolean proven, String resume, String id);

        /** Another node's answer to this node's claim {@code request}. */
        void reclaimed(long request, boolean freed);

        /** {@code node} has died or left the cluster. */
        void gone(String node);

        /** Another node's notice: an id registered or freed there, or a node gone. */
        void membershipChanged(RouteNotice notice);
    }

    /** Relays of one sender delivered and not yet named in a receipt that reached Redis. Guarded by itself. */
    private static final class Receipts {
        final List<Long> ids = new ArrayList<>();
        /**
         * Receipts sent lately, with when: Redis may have lost them (it restarted) before passing
         * them on, so they are sent again once it is back. Sending one twice does no harm.
         */
        final java.util.ArrayDeque<long[]> recent = new java.util.ArrayDeque<>();
        /**
         * Receipts sent again after a lost connection, to go once more with the sender's next
         * probe: the first try may have reached Redis before the sender had subscribed again,
         * while a probe shows that it has.
         */
        final List<Long> owed = new ArrayList<>();
        /** Relays accepted for their receivers' sockets and not yet written, in the order read. */
        final java.util.Set<Long> unwritten = new java.util.LinkedHashSet<>();
        long lastStaleLog = Long.MIN_VALUE;
    }

    private final SignalCodec codec;
    private final RouteCache routes;
    private final Node node;
    private final LongSupplier wallClock;
    private final Map<String, Receipts> receipts = new ConcurrentHashMap<>();
    /** Names this node's current inbox subscription; a new one after each resubscribe. */
    private volatile long epoch = newEpoch();

    /** @param wallClock epoch milliseconds, as {@link System#currentTimeMillis()} */
    Inbox(SignalCodec codec, RouteCache routes, Node node, LongSupplier wallClock) {
        this.codec = codec;
        this.routes = routes;
        this.node = node;
        this.wallClock = wallClock;
    }

    private static long newEpoch() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    @Override
    public void subscribed(String channel, long count) {
        if (channel.equals(ClusterScripts.inbox(node.id()))) {
            subscriptionLost();
        }
    }

    /**
     * What Redis held for this node's subscription may be gone (a connection dropped, or a
     * subscription was made again): answers from now on must not vouch for it.
     */
    void subscriptionLost() {
        epoch = newEpoch();
    }

    @Override
    public void message(String channel, String message) {
        try {
            if (channel.equals(ClusterScripts.ROUTES)) {
                RouteNotice.decode(message).ifPresent(this::noticed);
            } else {
                Envelope.decode(message).ifPresent(this::received);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not handle a cluster message on {}", channel, e);
        }
    }

    /**
     * Tells every sender which of its relays this node delivered that no receipt has named yet:
     * the node is leaving, or back from losing Redis.
     */
    void sendReceipts() {
        receipts.forEach(this::sendReceipts);
    }

    /**
     * Redis is back after this node lost its connection: sends, off the calling (Redis I/O)
     * thread, what Redis refused meanwhile and again what it may have lost.
     */
    void reconnected() {
        node.soon(() -> {
            long since = wallClock.getAsLong() - RESEND_MILLIS;
            receipts.values().forEach(pending -> {
                synchronized (pending) {
                    List<Long> again = new ArrayList<>();
                    for (long[] sent : pending.recent) {
                        if (sent[1] >= since) {
                            again.add(sent[0]);
                        }
                    }
                    pending.recent.clear();
                    pending.ids.addAll(0, again);
                    if (pending.owed.size() + again.size() <= MAX_RECEIPTS) {
                        pending.owed.addAll(again);
                    }
                }
            });
            sendReceipts();
        });
    }

    /** Sends {@code origin} a receipt for what is pending; what Redis refuses stays pending. */
    private void sendReceipts(String origin) {
        Receipts pending = receipts.get(origin);
        if (pending != null) {
            sendReceipts(origin, pending);
        }
    }

    private void sendReceipts(String origin, Receipts pending) {
        List<Long> ids;
        synchronized (pending) {
            ids = new ArrayList<>(pending.ids);
            pending.ids.clear();
        }
        if (!ids.isEmpty()) {
            long now = wallClock.getAsLong();
            synchronized (pending) {
                for (long id : ids) {
                    pending.recent.addLast(new long[] {id, now});
                }
                while (!pending.recent.isEmpty() && (pending.recent.peekFirst()[1] < now - RESEND_MILLIS
                        || pending.recent.size() > MAX_RECEIPTS)) {
                    pending.recent.pollFirst();
                }
            }
        }
        for (int i = 0; i < ids.size(); i += Envelope.IDS_PER_RECEIPT) {
            List<Long> batch = List.copyOf(ids.subList(i, Math.min(ids.size(), i + Envelope.IDS_PER_RECEIPT)));
            try {
                node.sendBack(origin, new Envelope.Delivered(node.id(), batch)).whenComplete((sent, failure) -> {
                    if (failure != null) {
                        unsent(pending, batch);
                    }
                });
            } catch (RuntimeException e) {
                // Not connected: kept for the next receipt, the next probe's answer or the leave.
                unsent(pending, batch);
            }
        }
    }

    private static void unsent(Receipts pending, List<Long> batch) {
        synchronized (pending) {
            pending.ids.addAll(0, batch);
        }
    }

    private void noticed(RouteNotice notice) {
        node.membershipChanged(notice);
        if (notice instanceof RouteNotice.Released released) {
            routes.forget(released.id(), released.node());
        } else if (notice instanceof RouteNotice.Gone gone) {
            routes.forgetNode(gone.node());
            receipts.remove(gone.node());
            node.gone(gone.node());
        }
    }

    private void received(Envelope envelope) {
        if (envelope instanceof Envelope.Probe probe) {
            answer(probe);
        } else if (envelope instanceof Envelope.Confirm confirm) {
            node.confirmed(confirm.node(), confirm.id(), confirm.epoch(), confirm.unwritten());
        } else if (envelope instanceof Envelope.Forward forward) {
            forwarded(forward);
        } else if (envelope instanceof Envelope.Returned returned) {
            node.returned(returned);
        } else if (envelope instanceof Envelope.Delivered delivered) {
            node.delivered(delivered.ids());
        } else if (envelope instanceof Envelope.Reclaim reclaim) {
            node.reclaimRequested(reclaim.origin(), reclaim.request(), reclaim.proven(), reclaim.resume(), reclaim.id());
        } else if (envelope instanceof Envelope.Reclaimed reclaimed) {
            node.reclaimed(reclaimed.request(), reclaimed.freed());
        }
    }

    /**
     * Everything the prober published before this probe has been handled above it, so the
     * answer confirms it; receipts not yet sent go first, since an answer from a subscription
     * of another epoch vouches for nothing it does not name.
     */
    private void answer(Envelope.Probe probe) {
        Receipts owing = receipts.get(probe.origin());
        if (owing != null) {
            synchronized (owing) {
                owing.ids.addAll(0, owing.owed);
                owing.owed.clear();
            }
        }
        sendReceipts(probe.origin());
        List<Long> unwritten = List.of();
        Receipts pending = receipts.get(probe.origin());
        if (pending != null) {
            synchronized (pending) {
                if (pending.unwritten.size() > Envelope.IDS_PER_RECEIPT) {
                    // Too many to name: no answer; the sender answers for what it cannot settle.
                    return;
                }
                unwritten = List.copyOf(pending.unwritten);
            }
        }
        node.sendBack(probe.origin(), new Envelope.Confirm(node.id(), probe.id(), epoch, unwritten));
    }

    private void forwarded(Envelope.Forward forward) {
        Optional<Relay> decoded = relayed(forward.frame());
        if (decoded.isEmpty()) {
            return;
        }
        Relay relay = decoded.get();
        long late = wallClock.getAsLong() - forward.expiresAt();
        if (late > 0) {
            stale(forward.origin(), late);
            node.sendBack(forward.origin(), new Envelope.Returned(forward.id(), Envelope.Reason.STALE, ""));
            return;
        }
        Peer receiver = node.local(relay.to());
        if (receiver == null) {
            // It left this node after the sender looked it up: the sender may find it elsewhere.
            node.sendBack(forward.origin(), new Envelope.Returned(forward.id(), Envelope.Reason.GONE, forward.frame()));
        } else {
            Receipts pending = receipts.computeIfAbsent(forward.origin(), o -> new Receipts());
            synchronized (pending) {
                pending.unwritten.add(forward.id());
            }
            // Not written after its deadline: by then its sender may have been told it was not.
            if (!receiver.relay(relay.message(), Long.MIN_VALUE, forward.expiresAt(), written -> written(forward, pending, written))) {
                synchronized (pending) {
                    pending.unwritten.remove(forward.id());
                }
                node.sendBack(forward.origin(), new Envelope.Returned(forward.id(), Envelope.Reason.REFUSED, ""));
            }
        }
    }

    /**
     * A forwarded relay's write to its receiver's socket ended: taken, and named in a receipt at
     * once (the sooner the sender knows, the smaller the moment in which this node can stop
     * between writing it and telling anyone); or lost with a socket that failed or closed
     * first, and returned so its sender hears it did not arrive.
     */
    private void written(Envelope.Forward forward, Receipts pending, boolean written) {
        synchronized (pending) {
            pending.unwritten.remove(forward.id());
            if (written) {
                if (pending.ids.size() >= MAX_RECEIPTS) {
                    pending.ids.remove(0);
                }
                pending.ids.add(forward.id());
            }
        }
        if (written) {
            sendReceipts(forward.origin(), pending);
        } else {
            node.sendBack(forward.origin(), new Envelope.Returned(forward.id(), Envelope.Reason.REFUSED, ""));
        }
    }

    private void stale(String origin, long lateMillis) {
        Receipts pending = receipts.computeIfAbsent(origin, o -> new Receipts());
        long now = wallClock.getAsLong();
        synchronized (pending) {
            if (now - pending.lastStaleLog < STALE_LOG_MILLIS) {
                return;
            }
            pending.lastStaleLog = now;
        }
        LOG.atWarn().addKeyValue("nodeId", origin).addKeyValue("lateMs", lateMillis)
                .log("relays from a cluster node arrive after their deadline and are returned: this node was paused "
                        + "or is behind, or the nodes' clocks differ");
    }

    private Optional<Relay> relayed(String frame) {
        try {
            if (!(codec.decode(frame) instanceof Relay decoded)) {
                return Optional.empty();
            }
            return Optional.of(decoded);
        } catch (MalformedMessageException e) {
            LOG.warn("dropped a malformed relay from another node: {}", e.getMessage());
            return Optional.empty();
        }
    }
}
