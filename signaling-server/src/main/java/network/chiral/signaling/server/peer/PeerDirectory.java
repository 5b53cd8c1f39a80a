package network.chiral.signaling.server.peer;

import java.util.List;

import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalMessage;

/**
 * Which id belongs to which socket, and the route every relayed message takes. The in-process
 * {@link LocalPeerDirectory} is the default; a clustered directory can replace it without any
 * change to the endpoint or to {@link Signaling}.
 */
public interface PeerDirectory {

    /** Binds {@code id} to {@code peer} unless another live peer holds it. */
    Claim claim(String id, Peer peer);

    /** Frees {@code id} if {@code peer} still holds it; otherwise does nothing. */
    void release(String id, Peer peer);

    /** Delivers {@code message} to the socket registered as {@code to}. */
    Delivery deliver(String to, SignalMessage message);

    /**
     * Delivers a relayed {@code message} whose sender's frame arrived at {@code receivedNanos}
     * (on the server's {@code System.nanoTime} clock). A directory that queues on a local
     * {@link Peer} passes the time to {@link Peer#relay} so the relay latency is measured; the
     * default delivers untimed.
     */
    default Delivery deliver(String to, SignalMessage message, long receivedNanos) {
        return deliver(to, message);
    }

    /** Up to {@code limit} registered ids. */
    List<String> list(int limit);

    /** How many ids are registered. */
    int size();

    /**
     * Whether every peer this directory may route to can be reached now: the readiness
     * signal. The local directory always can; a clustered one cannot while its backend is
     * down (same-node relays still work then, cross-node ones get {@link Delivery#UNAVAILABLE}).
     */
    default boolean available() {
        return true;
    }

    /**
     * Where to report a relay that {@link #deliver} accepted but that later turned out to be
     * undeliverable (a clustered directory learns it from another node). A directory that
     * answers every relay before returning never calls it.
     */
    default void whenUndelivered(Undelivered handler) {
        // Nothing is ever reported late by a directory that does not override this.
    }

    /** Receives relays found undeliverable after {@link #deliver} returned. */
    @FunctionalInterface
    interface Undelivered {
        /**
         * @param sender  the socket that sent the relay (still connected, still holding its id)
         * @param relay   the relay as it was stamped and forwarded
         * @param outcome why it did not arrive: {@link Delivery#NOT_FOUND} or {@link Delivery#UNAVAILABLE}
         */
        void undelivered(Peer sender, Relay relay, Delivery outcome);
    }

    /** Outcome of {@link #claim}. */
    enum Claim {
        /** The id is now this peer's (or already was). */
        GRANTED,
        /** Another live peer holds the id. */
        TAKEN
    }

    /** Outcome of {@link #deliver}. */
    enum Delivery {
        /** Queued on the receiver's socket. */
        DELIVERED,
        /** No socket holds that id. */
        NOT_FOUND,
        /** The receiver exists but its queue is full; it is being disconnected. */
        DROPPED,
        /** The receiver cannot be reached right now (a backend is down). */
        UNAVAILABLE,
        /**
         * Handed to the node that holds the receiver; if that node no longer has it, the
         * outcome arrives later through {@link Undelivered}.
         */
        FORWARDED
    }
}
