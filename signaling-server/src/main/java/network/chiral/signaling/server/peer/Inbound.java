package network.chiral.signaling.server.peer;

import network.chiral.signaling.api.SignalMessage;

/** What one received frame turned out to be. Decoders produce this and never throw. */
public sealed interface Inbound {

    /** A well-formed message. */
    record Decoded(SignalMessage message) implements Inbound {
    }

    /** A frame that is not a message; {@code reason} is safe to send back to the client. */
    record Malformed(String reason) implements Inbound {
    }
}
