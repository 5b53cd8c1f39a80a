package network.chiral.signaling.api;

/**
 * A message the server passes from one peer to another: {@link Offer}, {@link Answer},
 * {@link Candidate} or an application's own {@link AppMessage}. The server never trusts {@link #from()}: it replaces it with the
 * sender's registered id before forwarding.
 */
public sealed interface Relay permits Offer, Answer, Candidate, AppMessage {

    /** The sender's id as the client wrote it; the server overwrites it. */
    String from();

    /** The registered id of the receiver. */
    String to();

    /** The opaque payload ({@code sdp} or {@code candidate}), passed on unchanged. */
    Payload payload();

    /** The same message stamped with the sender's registered id. */
    Relay withFrom(String from);

    /** This relay as a wire message (every relay is one). */
    SignalMessage message();
}
