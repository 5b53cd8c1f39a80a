package network.chiral.signaling.server.endpoint;

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
import network.chiral.signaling.server.config.TrustedProxies;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.protocol.Inbound;
import network.chiral.signaling.server.protocol.Protocol;

/**
 * The WebSocket endpoint clients connect to ({@code ws://HOST:9000/}). It only translates:
 * every decision is the {@link Protocol}'s. Instances are made per socket by the configurator
 * of {@link Endpoints#config}.
 */
@ServerEndpoint(value = "/", decoders = SignalDecoder.class, encoders = SignalEncoder.class)
public final class SocketEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(SocketEndpoint.class);
    private static final Inbound BINARY = new Inbound.Malformed("binary frames are not accepted; send JSON text");

    private final Protocol protocol;
    private final int maxMessageBytes;
    private final TrustedProxies proxies;
    private Peer peer;

    SocketEndpoint(Protocol protocol, int maxMessageBytes, TrustedProxies proxies) {
        this.protocol = protocol;
        this.maxMessageBytes = maxMessageBytes;
        this.proxies = proxies;
    }

    @OnOpen
    public void open(Session session, EndpointConfig config) {
        session.setMaxTextMessageBufferSize(maxMessageBytes);
        session.setMaxBinaryMessageBufferSize(maxMessageBytes);
        // Read once: the peer keeps it, the session need not.
        Object identity = session.getUserProperties().remove(Endpoints.IDENTITY);
        peer = protocol.open(new SessionTransport(session), ClientAddress.of(session, proxies),
                identity instanceof Identity known ? known : null);
    }

    @OnMessage
    public void message(Inbound inbound) {
        protocol.receive(peer, inbound);
    }

    @OnMessage
    public void binary(ByteBuffer frame) {
        protocol.receiveBinary(peer, frame.remaining(), BINARY);
    }

    @OnMessage
    public void pong(PongMessage pong) {
        protocol.heard(peer);
    }

    @OnClose
    public void close(CloseReason reason) {
        if (peer != null) {
            protocol.closed(peer, reason.getCloseCode().getCode(), reason.getReasonPhrase());
        }
    }

    @OnError
    public void error(Throwable failure) {
        LOG.debug("socket error on {}", peer, failure);
    }
}
