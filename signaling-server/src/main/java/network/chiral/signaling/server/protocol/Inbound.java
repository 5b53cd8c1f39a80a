package network.chiral.signaling.server.protocol;

import network.chiral.signaling.api.MalformedMessageException;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.api.SignalMessage;

/** What one received frame turned out to be. Decoders produce this and never throw. */
public sealed interface Inbound {

    /** Decodes one text frame; a client's mistake becomes {@link Malformed}, never an exception. */
    static Inbound of(SignalCodec codec, String frame) {
        try {
            return new Decoded(codec.decode(frame));
        } catch (MalformedMessageException e) {
            return new Malformed(e.getMessage());
        }
    }

    /** A well-formed message. */
    record Decoded(SignalMessage message) implements Inbound {
    }

    /** A frame that is not a message; {@code reason} is safe to send back to the client. */
    record Malformed(String reason) implements Inbound {
    }
}
