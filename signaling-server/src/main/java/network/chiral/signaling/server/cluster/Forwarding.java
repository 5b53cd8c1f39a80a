package network.chiral.signaling.server.cluster;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.RedisException;

import jakarta.json.JsonValue;

import network.chiral.signaling.api.Answer;
import network.chiral.signaling.api.AppMessage;
import network.chiral.signaling.api.Candidate;
import network.chiral.signaling.api.Offer;
import network.chiral.signaling.api.Payload;
import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.routing.PeerDirectory.Delivery;

/**
 * How relays reach peers on other nodes. With a cached route a relay is one PUBLISH to its
 * node's inbox; otherwise one script finds the node and publishes in the same round trip.
 * The sender's thread waits for that one reply, so each sender's relays leave in order and a
 * node nobody listens for any more is reported at once. After that, every relay is watched
 * until its node confirms reading it ({@link Confirmations}).
 */
final class Forwarding {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarding.class);
    /** What a relay awaiting confirmation carries instead of its payload. */
    private static final Payload NO_PAYLOAD = Payload.of(JsonValue.EMPTY_JSON_OBJECT);

    private final String nodeId;
    private final SignalCodec codec;
    private final RedisLink link;
    private final RouteCache routes;
    private final Confirmations confirmations;

    Forwarding(String nodeId, SignalCodec codec, RedisLink link, RouteCache routes, Confirmations confirmations) {
        this.nodeId = nodeId;
        this.codec = codec;
        this.link = link;
        this.routes = routes;
        this.confirmations = confirmations;
    }

    /**
     * Sends {@code relay} (already stamped) to the node holding {@code relay.to()}; that node
     * delivers it only until {@code expiresAt} (epoch milliseconds).
     */
    Delivery forward(Relay relay, long expiresAt) {
        String to = relay.to();
        long id = confirmations.open(withoutPayload(relay), expiresAt);
        String envelope = new Envelope.Forward(nodeId, id, expiresAt, codec.encode(relay.message())).encode();
        try {
            String node = routes.node(to);
            if (node != null) {
                if (confirmations.refuses(node)) {
                    return answered(id, Delivery.UNAVAILABLE);
                }
                if (link.sync().publish(ClusterScripts.inbox(node), envelope) > 0) {
                    confirmations.published(node, id);
                    return Delivery.FORWARDED;
                }
                // Nobody listens on that node's inbox: it died or lost Redis.
                routes.forgetNode(node);
                return answered(id, Delivery.UNAVAILABLE);
            }
            List<Object> routed = ClusterScripts.ROUTE.run(link.sync(), nodeId, to, envelope);
            String owner = (String) routed.get(0);
            if (owner.isEmpty()) {
                return answered(id, Delivery.NOT_FOUND);
            }
            if ((Long) routed.get(1) == 0) {
                return answered(id, Delivery.UNAVAILABLE);
            }
            // Published already; if its node has not been reading, the probes will tell.
            confirmations.published(owner, id);
            routes.learn(to, owner);
            return Delivery.FORWARDED;
        } catch (RedisException e) {
            // Whether Redis as a whole is away is for the connection and the heartbeat to say.
            LOG.atDebug().addKeyValue("cause", e.toString()).log("a relay to another node failed");
            return answered(id, Delivery.UNAVAILABLE);
        }
    }

    /**
     * The sender's answer for relay {@code id}, unless something else answered for it while
     * it was being published (it came back already): then there is nothing more to say.
     */
    private Delivery answered(long id, Delivery outcome) {
        return confirmations.settle(id) != null ? outcome : Delivery.FORWARDED;
    }

    /**
     * What is kept of a relay while it awaits confirmation: enough to answer its sender, not
     * its payload (an SDP of kilobytes, thousands of times a second, would otherwise outlive
     * the young generation).
     */
    private static Relay withoutPayload(Relay relay) {
        if (relay instanceof Offer) {
            return new Offer(relay.from(), relay.to(), NO_PAYLOAD);
        }
        if (relay instanceof Answer) {
            return new Answer(relay.from(), relay.to(), NO_PAYLOAD);
        }
        if (relay instanceof AppMessage app) {
            return new AppMessage(app.type(), app.from(), app.to(), "");
        }
        return new Candidate(relay.from(), relay.to(), NO_PAYLOAD);
    }

    /**
     * Probes the nodes that owe confirmations. Cluster thread only.
     *
     * @return relays that waited too long: their senders must hear they may not have arrived
     */
    List<Relay> tick() {
        Confirmations.Tick tick = confirmations.tick(link.open());
        for (String node : tick.suspected()) {
            routes.forgetNode(node);
            LOG.atWarn().addKeyValue("nodeId", node).addKeyValue("unconfirmed", tick.expired().size())
                    .log("cluster node does not confirm relays; they are answered 'unavailable' until it does");
        }
        for (Confirmations.Probe probe : tick.probes()) {
            if (link.open()) {
                // Not waited for: an answer that never comes is what the next ticks look for.
                link.async().publish(ClusterScripts.inbox(probe.node()), new Envelope.Probe(nodeId, probe.id()).encode());
            }
        }
        return tick.expired();
    }

    /**
     * {@code node} answered probe {@code id} from its subscription {@code epoch}, naming the
     * relays it has not yet written. Redis I/O thread: never blocks.
     *
     * @return relays that went to a subscription of that node which Redis has since dropped
     */
    List<Relay> confirmed(String node, long id, long epoch, List<Long> unwritten) {
        Confirmations.Answer answer = confirmations.confirmed(node, id, epoch, unwritten);
        if (answer.recovered()) {
            LOG.atInfo().addKeyValue("nodeId", node).log("cluster node answers again");
        }
        if (!answer.lost().isEmpty()) {
            LOG.atWarn().addKeyValue("nodeId", node).addKeyValue("lost", answer.lost().size())
                    .log("cluster node lost its Redis subscription; relays sent to it meanwhile are answered 'unavailable'");
        }
        return answer.lost();
    }

    /** Settles relay {@code id} if nothing has yet; {@code null} if something already has. */
    Confirmations.Pending settle(long id) {
        return confirmations.settle(id);
    }

    /** {@code node}'s receipt: these relays were delivered. */
    void delivered(List<Long> ids) {
        confirmations.delivered(ids);
    }

    /** {@code node} has left the cluster; returns its relays that it never confirmed. */
    List<Relay> forget(String node) {
        routes.forgetNode(node);
        return confirmations.forget(node);
    }

    /** Relays awaiting confirmation. */
    int unconfirmed() {
        return confirmations.pending();
    }
}
