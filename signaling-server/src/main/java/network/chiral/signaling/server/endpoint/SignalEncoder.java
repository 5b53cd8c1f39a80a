package network.chiral.signaling.server.endpoint;

import jakarta.websocket.Encoder;
import jakarta.websocket.EndpointConfig;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.api.SignalMessage;

/**
 * {@link SignalMessage} to text frame, for {@code sendObject}. The server's own sends encode
 * through the same codec when they are queued (see {@code Outbox}): the queue bound is in
 * bytes, so a frame's size must be known before it waits.
 */
public final class SignalEncoder implements Encoder.Text<SignalMessage> {
    private SignalCodec codec;

    @Override
    public void init(EndpointConfig config) {
        codec = Endpoints.codec(config);
    }

    @Override
    public String encode(SignalMessage message) {
        return codec.encode(message);
    }

    @Override
    public void destroy() {
        codec = null;
    }
}
