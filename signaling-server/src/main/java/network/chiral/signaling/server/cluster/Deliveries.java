package network.chiral.signaling.server.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

import network.chiral.signaling.api.MalformedMessageException;
import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.api.SignalMessage;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.routing.PeerDirectory.Delivery;
import network.chiral.signaling.server.routing.PeerDirectory.LateOutcomes;

/**
 * Where a relay goes from this node: to a socket here, or to the node that holds its receiver;
 * and what its sender hears when that is known only after its frame was answered. Such a relay
 * came back undelivered, was never confirmed, or is passed on by this node itself (one that
 * came back from a node its receiver had left, or one owed to an id's new holder). Whichever
 * way, its sender hears once, and only while it is still here.
 */
final class Deliveries {
    private final Map<String, Peer> locals;
    private final BooleanSupplier available;
    private final Forwarding forwarding;
    private final RouteCache routes;
    private final SignalCodec codec;
    private final LateOutcomes late;
    /** Where relays are passed on that came back on a Redis I/O thread, which must not wait for Redis. */
    private final Executor clusterThread;
    /** How long after it was sent a relay may still be delivered on another node. */
    private final long deliverWithinMillis;

    /**
     * @param locals    the peers registered on this node, by id
     * @param available whether other nodes can be reached now
     * @param late      where relays found undeliverable after {@link #deliver} returned are reported
     */
    Deliveries(Map<String, Peer> locals, BooleanSupplier available, Forwarding forwarding, RouteCache routes,
               SignalCodec codec, LateOutcomes late, Executor clusterThread, long deliverWithinMillis) {
        this.locals = locals;
        this.available = available;
        this.forwarding = forwarding;
        this.routes = routes;
        this.codec = codec;
        this.late = late;
        this.clusterThread = clusterThread;
        this.deliverWithinMillis = deliverWithinMillis;
    }

    /** Delivers a relay whose sender's frame arrived at {@code receivedNanos}. */
    Delivery deliver(Relay relay, long receivedNanos) {
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
        if (!available.getAsBoolean()) {
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

    /** Sends an id's new holder what its old one was sent while it was probed, in order. Cluster thread. */
    void deliverOwed(List<SignalMessage> relays) {
        long expiresAt = System.currentTimeMillis() + deliverWithinMillis;
        for (SignalMessage message : relays) {
            if (message instanceof Relay relay) {
                deliverLate(relay, expiresAt);
            }
        }
    }

    /**
     * One of this node's relays came back undelivered. Redis I/O thread. Its sender hears of
     * it unless something else settled it already (it was answered {@code unavailable} when
     * its deadline passed): one relay, one answer.
     */
    void returned(Envelope.Returned returned) {
        Confirmations.Pending pending = forwarding.settle(returned.id());
        if (pending == null) {
            return;
        }
        Relay relay = pending.relay();
        routes.forget(relay.to());
        if (returned.reason() == Envelope.Reason.GONE && System.currentTimeMillis() < pending.expiresAt()) {
            // The receiver left that node; it may have registered again here or elsewhere.
            try {
                clusterThread.execute(() -> rerouted(returned.frame(), pending.expiresAt()));
            } catch (RejectedExecutionException e) {
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
        } catch (MalformedMessageException e) {
            return;
        }
        deliverLate(relay, expiresAt);
    }

    /** Tells the senders of these relays, if still here, that they did not arrive. */
    void unreachable(List<Relay> relays) {
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
}
