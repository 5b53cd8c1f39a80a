package network.chiral.signaling.server.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.pubsub.RedisPubSubAdapter;

import network.chiral.signaling.api.MalformedMessageException;
import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.peer.Peer;

/**
 * What arrives on a node's two channels: relays for its peers, relays coming back because
 * their receiver had left, and route notices. Runs on a Redis I/O thread, so nothing here
 * waits for anything.
 */
final class Inbox extends RedisPubSubAdapter<String, String> {
    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

    /** What the inbox needs from its node. */
    interface Node {
        /** The local socket holding {@code id}, or {@code null}. */
        Peer local(String id);

        /** Sends {@code envelope} to {@code origin}'s inbox without waiting. */
        void sendBack(String origin, Envelope envelope);

        /** {@code relay}, sent by local {@code sender}, found nobody on the node it went to. */
        void notFound(Peer sender, Relay relay);
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
        if (notice instanceof RouteNotice.Released released) {
            routes.forget(released.id(), released.node());
        } else if (notice instanceof RouteNotice.Gone gone) {
            routes.forgetNode(gone.node());
        }
    }

    private void received(Envelope envelope) {
        Relay relay;
        try {
            if (!(codec.decode(envelope.frame()) instanceof Relay decoded)) {
                return;
            }
            relay = decoded;
        } catch (MalformedMessageException e) {
            LOG.warn("dropped a malformed relay from another node: {}", e.getMessage());
            return;
        }
        if (envelope instanceof Envelope.Forward forward) {
            Peer receiver = node.local(relay.to());
            if (receiver != null) {
                receiver.send(relay.message());
            } else {
                // It left this node after the sender looked it up: tell the sender's node.
                node.sendBack(forward.origin(), new Envelope.Bounce(envelope.frame()));
            }
        } else {
            routes.forget(relay.to());
            Peer sender = node.local(relay.from());
            if (sender != null) {
                node.notFound(sender, relay);
            }
        }
    }
}
