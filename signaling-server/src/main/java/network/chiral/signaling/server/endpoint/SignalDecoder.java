package network.chiral.signaling.server.endpoint;

import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.protocol.Inbound;
import network.chiral.signaling.server.peer.TrafficEvents;
import network.chiral.signaling.server.peer.Utf8;

/**
 * Text frame to {@link Inbound}. Never throws for a client's mistake: Jetty would close the
 * socket with 1003 before {@code @OnError} runs while Tomcat keeps it open, so a bad frame
 * becomes {@link Inbound.Malformed} and the same {@code error} reply on every container.
 *
 * <p>It keeps nothing of a frame or a socket, so one instance may decode for every socket: the
 * embedded server makes one for all of them (see {@code EndpointDiscovery}), so nothing here may
 * become per-socket state, and {@link #destroy} lets nothing go.
 */
public final class SignalDecoder implements Decoder.Text<Inbound> {
    private SignalCodec codec;
    private TrafficEvents events = TrafficEvents.NONE;

    @Override
    public void init(EndpointConfig config) {
        codec = Endpoints.codec(config);
        events = Endpoints.events(config);
    }

    @Override
    public Inbound decode(String frame) {
        // Counted here because the endpoint only ever sees the decoded message.
        events.receivedBytes(Utf8.length(frame));
        return Inbound.of(codec, frame);
    }

    @Override
    public boolean willDecode(String frame) {
        return true;
    }

    @Override
    public void destroy() {
        // The codec is the node's, shared by every socket.
    }
}
