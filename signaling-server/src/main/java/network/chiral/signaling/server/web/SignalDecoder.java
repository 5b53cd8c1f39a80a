package network.chiral.signaling.server.web;

import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;

import network.chiral.signaling.api.MalformedMessageException;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.peer.Inbound;

/**
 * Text frame to {@link Inbound}. Never throws for a client's mistake: Jetty would close the
 * socket with 1003 before {@code @OnError} runs while Tomcat keeps it open, so a bad frame
 * becomes {@link Inbound.Malformed} and the same {@code error} reply on every container.
 */
public final class SignalDecoder implements Decoder.Text<Inbound> {
    private SignalCodec codec;

    @Override
    public void init(EndpointConfig config) {
        codec = SignalingDeployment.codec(config);
    }

    @Override
    public Inbound decode(String frame) {
        try {
            return new Inbound.Decoded(codec.decode(frame));
        } catch (MalformedMessageException e) {
            return new Inbound.Malformed(e.getMessage());
        }
    }

    @Override
    public boolean willDecode(String frame) {
        return true;
    }

    @Override
    public void destroy() {
        codec = null;
    }
}
