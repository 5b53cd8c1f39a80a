package network.chiral.signaling.server.cluster;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
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
 * counts as delivered once written, not once queued ({@link Receipts}). Probes still confirm
 * what receipts have not.
 */
final class Inbox extends RedisPubSubAdapter<String, String> {
    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

    /** What the inbox needs from its node. */
    interface Node {
        /** This node's name. */
        String id();

        /** The local socket holding {@code id}, or {@code null}. */
        Peer local(String id);

        /** Sends {@code envelope} to {@code origin}'s inbox without waiting; completes once Redis took it. */
        CompletionStage<?> sendBack(String origin, Envelope envelope);

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

    private final SignalCodec codec;
    private final RouteCache routes;
    private final Node node;
    private final LongSupplier wallClock;
    private final Receipts receipts;
    /** Names this node's current inbox subscription; a new one after each resubscribe. */
    private volatile long epoch = newEpoch();

    /** @param wallClock epoch milliseconds, as {@link System#currentTimeMillis()} */
    Inbox(SignalCodec codec, RouteCache routes, Node node, LongSupplier wallClock) {
        this.codec = codec;
        this.routes = routes;
        this.node = node;
        this.wallClock = wallClock;
        this.receipts = new Receipts(node, wallClock);
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
        receipts.sendAll();
    }

    /**
     * Redis is back after this node lost its connection: sends, off the calling (Redis I/O)
     * thread, what Redis refused meanwhile and again what it may have lost.
     */
    void reconnected() {
        node.soon(receipts::resendAfterReconnect);
    }

    private void noticed(RouteNotice notice) {
        node.membershipChanged(notice);
        if (notice instanceof RouteNotice.Released released) {
            routes.forget(released.id(), released.node());
        } else if (notice instanceof RouteNotice.Gone gone) {
            routes.forgetNode(gone.node());
            receipts.forget(gone.node());
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
        Optional<List<Long>> unwritten = receipts.beforeAnswer(probe.origin());
        if (unwritten.isEmpty()) {
            // Too many to name: no answer; the sender answers for what it cannot settle.
            return;
        }
        node.sendBack(probe.origin(), new Envelope.Confirm(node.id(), probe.id(), epoch, unwritten.get()));
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
            Receipts.Ledger pending = receipts.accepted(forward.origin(), forward.id());
            // Not written after its deadline: by then its sender may have been told it was not.
            if (!receiver.relay(relay.message(), Long.MIN_VALUE, forward.expiresAt(), written -> written(forward, pending, written))) {
                Receipts.refused(pending, forward.id());
                node.sendBack(forward.origin(), new Envelope.Returned(forward.id(), Envelope.Reason.REFUSED, ""));
            }
        }
    }

    /**
     * A forwarded relay's write to its receiver's socket ended. One lost with a socket that
     * failed or closed first is returned, so its sender hears it did not arrive.
     */
    private void written(Envelope.Forward forward, Receipts.Ledger pending, boolean written) {
        receipts.written(forward.origin(), pending, forward.id(), written);
        if (!written) {
            node.sendBack(forward.origin(), new Envelope.Returned(forward.id(), Envelope.Reason.REFUSED, ""));
        }
    }

    private void stale(String origin, long lateMillis) {
        if (!receipts.staleWarningDue(origin)) {
            return;
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
