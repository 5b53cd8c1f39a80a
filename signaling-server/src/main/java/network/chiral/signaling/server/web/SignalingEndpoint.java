package network.chiral.signaling.server.web;

import java.nio.ByteBuffer;

import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.server.auth.Identity;
import network.chiral.signaling.server.peer.Inbound;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.Signaling;

/**
 * The WebSocket endpoint clients connect to ({@code ws://HOST:9000/}). It only translates:
 * every decision is {@link Signaling}'s. Instances are made per socket by
 * {@link SignalingDeployment}'s configurator.
 */
@ServerEndpoint(value = "/", decoders = SignalDecoder.class, encoders = SignalEncoder.class)
public final class SignalingEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingEndpoint.class);
    private static final Inbound BINARY = new Inbound.Malformed("binary frames are not accepted; send JSON text");

    private final Signaling signaling;
    private Peer peer;

    SignalingEndpoint(Signaling signaling) {
        this.signaling = signaling;
    }

    @OnOpen
    public void open(Session session, EndpointConfig config) {
        int max = signaling.settings().maxMessageBytes();
        session.setMaxTextMessageBufferSize(max);
        session.setMaxBinaryMessageBufferSize(max);
        // Read once: the peer keeps it, the session need not.
        Object identity = session.getUserProperties().remove(SignalingDeployment.IDENTITY);
        peer = signaling.open(new SessionTransport(session), ClientAddress.of(session, signaling.settings().trustedProxies()),
                identity instanceof Identity known ? known : null);
    }

    @OnMessage
    public void message(Inbound inbound) {
        signaling.receive(peer, inbound);
    }

    @OnMessage
    public void binary(ByteBuffer frame) {
        signaling.events().receivedBytes(frame.remaining());
        signaling.receive(peer, BINARY);
    }

    @OnMessage
    public void pong(PongMessage pong) {
        signaling.heard(peer);
    }

    @OnClose
    public void close(CloseReason reason) {
        if (peer != null) {
            signaling.closed(peer, reason.getCloseCode().getCode(), reason.getReasonPhrase());
        }
    }

    @OnError
    public void error(Throwable failure) {
        LOG.debug("socket error on {}", peer, failure);
    }
}
