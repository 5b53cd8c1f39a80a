package network.chiral.signaling.api;

/**
 * A frame that is not a valid {@link SignalMessage}. The message is safe to send back to the
 * client: it never echoes the frame itself.
 */
public final class MalformedMessageException extends Exception {
    public MalformedMessageException(String message) {
        super(message, null, false, false);
    }
}
