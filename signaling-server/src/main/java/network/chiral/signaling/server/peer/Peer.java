package network.chiral.signaling.server.peer;

import java.util.function.LongSupplier;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.api.SignalMessage;
import network.chiral.signaling.server.auth.Identity;

/**
 * One connected socket and the id it has registered, if any. Created by {@link Signaling#open}
 * and owned by the server until the socket closes.
 */
public final class Peer {
    private final Transport transport;
    private final Outbox outbox;
    private final SignalCodec codec;
    private final String remoteAddress;
    private final long openedNanos;
    private volatile String id;
    private volatile long lastHeardNanos;
    private volatile boolean closed;
    private final Allowance allowance;
    private volatile Identity identity;
    private volatile boolean closing;

    Peer(Transport transport, SignalCodec codec, String remoteAddress, long sendQueueBytes,
         long nowNanos, Runnable onOverflow) {
        this(transport, codec, remoteAddress, sendQueueBytes, nowNanos, onOverflow, SignalingEvents.NONE,
                System::nanoTime, Identity.ANYONE, Allowance.unlimited());
    }

    /**
     * @param identity  who the socket authenticated as at the upgrade; {@code null} when it has
     *                  yet to authenticate (with the token of its {@code register})
     * @param allowance its message and registration allowance
     */
    Peer(Transport transport, SignalCodec codec, String remoteAddress, long sendQueueBytes,
         long nowNanos, Runnable onOverflow, SignalingEvents events, LongSupplier clock, Identity identity,
         Allowance allowance) {
        this.identity = identity;
        this.allowance = allowance;
        this.transport = transport;
        this.codec = codec;
        this.remoteAddress = remoteAddress;
        this.openedNanos = nowNanos;
        this.lastHeardNanos = nowNanos;
        this.outbox = new Outbox(transport, sendQueueBytes, onOverflow, events, clock);
    }

    /** The registered id, or {@code null} before {@code register}. */
    public String id() {
        return id;
    }

    /** The client's address as the server sees it (for logs). */
    public String remoteAddress() {
        return remoteAddress;
    }

    /** Queues a message for this socket. Returns {@code false} if its queue is full. */
    public boolean send(SignalMessage message) {
        return outbox.sendText(codec.encode(message));
    }

    /**
     * Queues a relayed message whose sender's frame arrived at {@code receivedNanos} (on the
     * server's nanosecond clock), so that its relay latency is measured when it is written.
     * Returns {@code false} if the queue is full.
     */
    public boolean relay(SignalMessage message, long receivedNanos) {
        return outbox.sendRelay(codec.encode(message), receivedNanos);
    }

    boolean ping() {
        return outbox.sendPing();
    }

    /** Starts closing the socket with this close code (see {@link CloseCodes}) and reason. */
    public void close(int code, String reason) {
        transport.close(code, reason);
    }

    /** Closes the socket once the frames already queued (such as an error reply) are written. */
    void closeAfterQueued(int code, String reason) {
        closing = true;
        outbox.thenRun(() -> transport.close(code, reason));
    }

    /** Whether the server has decided to close this socket; what it sends meanwhile is ignored. */
    boolean isClosing() {
        return closing;
    }

    /** Who the socket authenticated as, or {@code null} before it has. */
    Identity identity() {
        return identity;
    }

    void authenticate(Identity authenticated) {
        this.identity = authenticated;
    }

    Allowance allowance() {
        return allowance;
    }

    void bind(String newId) {
        this.id = newId;
    }

    void heard(long nowNanos) {
        this.lastHeardNanos = nowNanos;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    long openedNanos() {
        return openedNanos;
    }

    boolean markClosed() {
        boolean wasOpen = !closed;
        closed = true;
        return wasOpen;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "Peer[" + (id == null ? "unregistered" : id) + " @ " + remoteAddress + "]";
    }
}
