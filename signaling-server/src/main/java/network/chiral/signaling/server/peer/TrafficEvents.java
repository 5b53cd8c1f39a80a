package network.chiral.signaling.server.peer;

import network.chiral.signaling.api.ErrorCode;

/**
 * What the protocol core reports while it runs, for monitoring. Every method has a no-op
 * default, so a server without metrics (or a unit test) pays nothing. Calls arrive on socket
 * threads, concurrently, several per message: implementations must be cheap and never block.
 */
public interface TrafficEvents {
    /** Reports nothing. */
    TrafficEvents NONE = new TrafficEvents() {
    };

    /** Label for frames that are not a message (malformed JSON, binary frames). */
    String INVALID = "invalid";

    /** Label for every application-defined message type, so that clients cannot add labels. */
    String APPLICATION = "app";

    /** A socket opened. */
    default void opened() {
    }

    /** A socket closed with this close code. */
    default void closed(int closeCode) {
    }

    /**
     * A client was turned away before it got a socket.
     *
     * @param reason a short, stable label such as {@code draining}, {@code origin}, {@code auth}
     *               or {@code limit} (it becomes a metric label: never put client data in it)
     */
    default void refused(String reason) {
    }

    /** A frame of this many bytes arrived. */
    default void receivedBytes(int bytes) {
    }

    /**
     * A frame was handled; {@code type} is its message type, {@link #APPLICATION} or
     * {@link #INVALID}.
     */
    default void received(String type) {
    }

    /** A message of this type was queued on its receiver's socket. */
    default void relayed(String type) {
    }

    /** An {@code error} reply with this code was queued. */
    default void errorSent(ErrorCode code) {
    }

    /** A text frame of this many bytes was written to a socket. */
    default void sentBytes(int bytes) {
    }

    /** A relayed frame reached its receiver's socket this long after the sender's frame arrived. */
    default void relayWritten(long nanos) {
    }

    /** A socket's send queue overflowed (the socket is being closed with 1008). */
    default void overflowed() {
    }
}
