package network.chiral.signaling.server.peer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.api.SignalMessage;
import network.chiral.signaling.server.auth.Identity;

/**
 * One connected socket and the id it has registered, if any. Opened by the protocol core when
 * the socket opens and owned by the server until it closes.
 */
public final class Peer {
    private final Transport transport;
    private final Outbox outbox;
    private final SignalCodec codec;
    private final String remoteAddress;
    private final long openedNanos;
    private final Allowance allowance;
    private volatile String id;
    private volatile long lastHeardNanos;
    private volatile boolean closed;
    private volatile Identity identity;
    private volatile boolean refused;
    /** Where relays wait during a register or while the id is parked, and are refused once the socket is closing. */
    private final RelayGate gate;
    /** The token that gives this socket's id to its next socket at once; {@code null} if none was offered. */
    private volatile String resumeToken;
    private volatile boolean deltas;

    /**
     * What every socket of a server shares.
     *
     * @param codec          turns messages into frames
     * @param sendQueueBytes backlog at which a socket that does not read is dropped
     * @param events         told of bytes written and relay latencies
     * @param clock          nanoseconds, as {@link System#nanoTime()}
     * @param onOverflow     called once with the socket whose backlog passed the limit
     */
    public record Shared(SignalCodec codec, long sendQueueBytes, TrafficEvents events, LongSupplier clock,
                         Consumer<Peer> onOverflow) {
    }

    /**
     * @param identity  who the socket authenticated as at the upgrade; {@code null} when it has
     *                  yet to authenticate (with the token of its {@code register})
     * @param allowance its message and registration allowance
     */
    public Peer(Transport transport, String remoteAddress, Identity identity, Allowance allowance, Shared shared) {
        this.transport = transport;
        this.codec = shared.codec();
        this.remoteAddress = remoteAddress;
        this.identity = identity;
        this.allowance = allowance;
        this.openedNanos = shared.clock().getAsLong();
        this.lastHeardNanos = openedNanos;
        this.outbox = new Outbox(transport, shared.sendQueueBytes(), () -> shared.onOverflow().accept(this),
                shared.events(), shared.clock());
        this.gate = new RelayGate(outbox, codec, shared.sendQueueBytes());
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

    /** Queues a frame the caller has already encoded (shared parts of a message sent to many). */
    public boolean sendEncoded(String frame) {
        return outbox.sendText(frame);
    }

    /**
     * Queues a relayed message whose sender's frame arrived at {@code receivedNanos} (on the
     * server's nanosecond clock), so that its relay latency is measured when it is written.
     * Returns {@code false} if it was not accepted: the queue is full or the server is closing
     * the socket. A relay that arrives while the socket's register is being answered is held
     * and queued right after the reply (see {@link #holdRelays}).
     */
    public boolean relay(SignalMessage message, long receivedNanos) {
        return relay(message, receivedNanos, Outbox.NO_DEADLINE, null);
    }

    /** Marks a relay that may be written however late. */
    public static final long NO_DEADLINE = Outbox.NO_DEADLINE;

    /**
     * As {@link #relay(SignalMessage, long)}; if the relay is accepted, {@code written} later
     * hears whether the socket took it ({@code true}) or not ({@code false}: the socket failed
     * or closed first, or it was still queued at {@code deadlineMillis}, wall-clock time, and
     * was dropped unwritten).
     */
    public boolean relay(SignalMessage message, long receivedNanos, long deadlineMillis, Consumer<Boolean> written) {
        return gate.relay(codec.encode(message), message, receivedNanos, deadlineMillis, written);
    }

    /**
     * From now until {@link #releaseRelays}, relays to this socket wait: a register's reply
     * must be the first thing its socket receives once the id is routed to it.
     */
    public void holdRelays() {
        gate.hold();
    }

    /**
     * Queues {@code first} (relays owed from before, in order), then the relays held since
     * {@link #holdRelays}, and stops holding. Call it once the register's reply is queued.
     */
    public void releaseRelays(List<SignalMessage> first) {
        gate.release(first);
    }

    /** Queues a relay that arrived from another node, whose arrival time there is not known. */
    public boolean relay(SignalMessage message) {
        return relay(message, Outbox.UNTIMED);
    }

    /**
     * While set, every relay queued for this socket is also handed to {@code copies}: when
     * another socket claims this one's id and this one's liveness is in doubt, what it is sent
     * meanwhile must not be lost if it turns out dead. {@code null} stops it.
     */
    public void watch(Consumer<SignalMessage> copies) {
        gate.watch(copies);
    }

    /** Whether the socket asked at {@code register} for peer deltas instead of fresh lists. */
    public boolean wantsDeltas() {
        return deltas;
    }

    public void wantDeltas(boolean wanted) {
        this.deltas = wanted;
    }

    /** Sends a WebSocket ping; a live client answers with a pong. */
    public boolean ping() {
        return outbox.sendPing();
    }

    /** Offers this socket's next socket its id at once, to whoever presents {@code token}. */
    public void offerResume(String token) {
        this.resumeToken = token;
    }

    /** The resume token offered to this socket, or {@code null}. */
    public String resumeToken() {
        return resumeToken;
    }

    /** Whether {@code token} is the one this socket was offered. */
    public boolean resumes(String token) {
        String offered = resumeToken;
        return token != null && offered != null && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), offered.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The socket dropped; its id is kept for the client's next socket, and relays to it are held
     * meanwhile (up to {@value RelayGate#PARKED_LIMIT}, and the send queue's bytes). Returns {@code false}
     * when it cannot be: the server itself closed it.
     */
    public boolean park() {
        return gate.park();
    }

    /** Whether the socket dropped and its id waits for the client's next socket. */
    public boolean isParked() {
        return gate.parked();
    }

    /**
     * Ends the wait: what was held goes to {@code next}, the id's new socket on this node, ahead
     * of anything held for it.
     */
    public void unparkTo(Peer next) {
        gate.handOver(next.gate);
    }

    /** Ends the wait, nobody having come back in time: each held relay hears it was not written. */
    public void unparkExpired() {
        gate.expireParked();
    }

    /**
     * Ends the wait, the id going to a socket on another node: returns what was held, in order,
     * for that node.
     */
    public List<SignalMessage> unparkElsewhere() {
        return gate.takeParked();
    }

    /**
     * Starts closing the socket now with this close code (see {@link CloseCodes}) and reason;
     * what is still queued may not be written. From now on relays to it are refused.
     */
    public void close(int code, String reason) {
        gate.closeNow();
        transport.close(code, reason);
    }

    /**
     * Closes the socket once what is already queued (relays, an error reply) is written. From
     * now on relays to it are refused, so their senders are told rather than left guessing.
     */
    public void closeAfterQueued(int code, String reason) {
        gate.closeAfterQueued(() -> transport.close(code, reason));
    }

    /**
     * Closes the socket once its queued frames are written, for a refusal: what it sends
     * meanwhile is ignored ({@link #isRefused}).
     */
    public void closeRefused(int code, String reason) {
        refused = true;
        closeAfterQueued(code, reason);
    }

    /** Whether the server refused this socket for good; what it sends until the close is ignored. */
    public boolean isRefused() {
        return refused;
    }

    /** Who the socket authenticated as, or {@code null} before it has. */
    public Identity identity() {
        return identity;
    }

    public void authenticate(Identity authenticated) {
        this.identity = authenticated;
    }

    public Allowance allowance() {
        return allowance;
    }

    public void bind(String newId) {
        this.id = newId;
    }

    public void heard(long nowNanos) {
        this.lastHeardNanos = nowNanos;
    }

    public long lastHeardNanos() {
        return lastHeardNanos;
    }

    public long openedNanos() {
        return openedNanos;
    }

    public boolean markClosed() {
        boolean wasOpen = !closed;
        closed = true;
        return wasOpen;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "Peer[" + (id == null ? "unregistered" : id) + " @ " + remoteAddress + "]";
    }
}
