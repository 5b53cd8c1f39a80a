package network.chiral.signaling.server.cluster;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.pubsub.RedisPubSubAdapter;

import network.chiral.signaling.api.MalformedMessageException;
import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.peer.Peer;

/**
 * What arrives on a node's two channels: relays for its peers, relays coming back because
 * their receiver had left, probes and their answers, and route notices. Runs on a Redis I/O
 * thread, so nothing here waits for anything.
 */
final class Inbox extends RedisPubSubAdapter<String, String> {
    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

    /** What the inbox needs from its node. */
    interface Node {
        /** This node's name. */
        String id();

        /** The local socket holding {@code id}, or {@code null}. */
        Peer local(String id);

        /** Sends {@code envelope} to {@code origin}'s inbox without waiting. */
        void sendBack(String origin, Envelope envelope);

        /** {@code relay}, sent by local {@code sender}, found nobody on the node it went to. */
        void notFound(Peer sender, Relay relay);

        /** {@code node} answered probe {@code id}. */
        void confirmed(String node, long id);

        /** {@code node} has died or left the cluster. */
        void gone(String node);

        /** Another node's notice: an id registered or freed there, or a node gone. */
        void membershipChanged(RouteNotice notice);
    }

    private final SignalCodec codec;
    private final RouteCache routes;
    private final Node node;

    Inbox(SignalCodec codec, RouteCache routes, Node node) {
        this.codec = codec;
        this.routes = routes;
        this.node = node;
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

    private void noticed(RouteNotice notice) {
        node.membershipChanged(notice);
        if (notice instanceof RouteNotice.Released released) {
            routes.forget(released.id(), released.node());
        } else if (notice instanceof RouteNotice.Gone gone) {
            routes.forgetNode(gone.node());
            node.gone(gone.node());
        }
    }

    private void received(Envelope envelope) {
        if (envelope instanceof Envelope.Probe probe) {
            // Everything the prober published before this probe has been handled above it.
            node.sendBack(probe.origin(), new Envelope.Confirm(node.id(), probe.id()));
        } else if (envelope instanceof Envelope.Confirm confirm) {
            node.confirmed(confirm.node(), confirm.id());
        } else if (envelope instanceof Envelope.Forward forward) {
            relayed(forward.frame()).ifPresent(relay -> forwarded(forward, relay));
        } else if (envelope instanceof Envelope.Bounce bounce) {
            relayed(bounce.frame()).ifPresent(this::bounced);
        }
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

    private void forwarded(Envelope.Forward forward, Relay relay) {
        Peer receiver = node.local(relay.to());
        if (receiver != null) {
            receiver.relay(relay.message());
        } else {
            // It left this node after the sender looked it up: tell the sender's node.
            node.sendBack(forward.origin(), new Envelope.Bounce(forward.frame()));
        }
    }

    private void bounced(Relay relay) {
        routes.forget(relay.to());
        Peer sender = node.local(relay.from());
        if (sender != null) {
            node.notFound(sender, relay);
        }
    }
}
