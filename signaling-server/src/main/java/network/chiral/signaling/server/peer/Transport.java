package network.chiral.signaling.server.peer;

import java.util.function.Consumer;

/**
 * The socket under a {@link Peer}, as the domain sees it. Implementations write one frame at a
 * time: {@link Outbox} never starts a write before the previous one has completed.
 */
public interface Transport {

    /** Writes a text frame; {@code done} receives {@code null} on success or the failure. */
    void sendText(String frame, Consumer<Throwable> done);

    /** Writes a WebSocket ping frame; {@code done} as for {@link #sendText}. */
    void sendPing(Consumer<Throwable> done);

    /** Starts the closing handshake with this close code and reason. */
    void close(int code, String reason);
}
