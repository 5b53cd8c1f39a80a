package network.chiral.signaling.server.routing;

import java.util.List;

import network.chiral.signaling.api.Relay;
import network.chiral.signaling.server.peer.Peer;

/**
 * Which id belongs to which socket, and the route every relay takes. The in-process
 * {@link LocalPeerDirectory} is the default; the cluster's directory replaces it without any
 * change to the endpoint or to the protocol core. Relays go in, delivery outcomes come out;
 * outcomes learnt after {@link #deliver} returned go to the {@link LateOutcomes} the directory
 * was built with.
 */
public interface PeerDirectory {

    /**
     * Binds {@code id} to {@code peer} unless another live peer holds it, and lists who is
     * registered, in one step (one round trip where the directory is remote).
     *
     * @param replacing the id {@code peer} held until now, freed in the same step if the new one
     *                  is granted; {@code null} if none, or if {@code id} is that same id
     * @param listLimit how many ids the listing may hold at most
     */
    Registration register(String id, String replacing, Peer peer, int listLimit);

    /** Frees {@code id} if {@code peer} still holds it; otherwise does nothing. */
    void release(String id, Peer peer);

    /**
     * Delivers a relay, already stamped with its sender's id, to the socket registered as its
     * {@code to}. {@code receivedNanos} is when the sender's frame arrived (on the server's
     * {@code System.nanoTime} clock), so the relay latency is measured when it is written.
     */
    Delivery deliver(Relay relay, long receivedNanos);

    /** How many ids are registered. */
    int size();

    /** Up to {@code limit} registered ids, in no particular order, and how many there are in all. */
    Listing list(int limit);

    /**
     * Who is registered.
     *
     * @param ids   up to the limit asked for
     * @param total how many ids are registered in all
     */
    record Listing(List<String> ids, int total) {
    }

    /**
     * Whether every peer this directory may route to can be reached now: the readiness
     * signal. The local directory always can; a clustered one cannot while its backend is
     * down (same-node relays still work then, cross-node ones get {@link Delivery#UNAVAILABLE}).
     */
    default boolean available() {
        return true;
    }

    /**
     * Asks the node that holds {@code id} (another node: a {@link #register} said so with no
     * holder) to give it up if its socket there is gone, or at once if {@code proven} or if
     * {@code resume} is the token that socket was offered. Completes
     * with whether the id was freed, {@code false} if no answer came {@code within}; the caller
     * then registers it again. A local directory has no other node: it completes with
     * {@code false}.
     */
    default java.util.concurrent.CompletionStage<Boolean> reclaim(String id, boolean proven, String resume,
                                                                  java.time.Duration within) {
        return java.util.concurrent.CompletableFuture.completedFuture(false);
    }

    /** Joins whatever the directory shares its ids with (the cluster); nothing for a local one. */
    default void join() {
    }

    /** Leaves it again: this node's ids are freed everywhere. Called once the sockets are closed. */
    default void leave() {
    }

    /**
     * The outcome of {@link #register}.
     *
     * @param granted whether the id is now the peer's (or already was)
     * @param ids     up to the limit of registered ids, in no particular order; empty if refused
     * @param total   how many ids are registered in all
     * @param holder  when refused, the socket of this node that holds the id; {@code null} if
     *                it is held on another node (or granted)
     */
    record Registration(boolean granted, List<String> ids, int total, Peer holder) {
        /** The id is this peer's; {@code ids} and {@code total} list who is registered. */
        public static Registration granted(List<String> ids, int total) {
            return new Registration(true, ids, total, null);
        }

        /** Another peer holds the id: {@code holder} on this node, or {@code null} on another. */
        public static Registration taken(Peer holder) {
            return new Registration(false, List.of(), 0, holder);
        }
    }

    /** Receives relays found undeliverable after {@link #deliver} returned. */
    @FunctionalInterface
    interface LateOutcomes {
        /**
         * @param sender  the socket that sent the relay (still connected, still holding its id)
         * @param relay   the relay as it was stamped and forwarded
         * @param outcome why it did not arrive: {@link Delivery#NOT_FOUND}, {@link Delivery#UNAVAILABLE}
         *                or {@link Delivery#DROPPED}
         */
        void undelivered(Peer sender, Relay relay, Delivery outcome);
    }

    /** Outcome of {@link #deliver}. */
    enum Delivery {
        /** Queued on the receiver's socket. */
        DELIVERED,
        /** No socket holds that id. */
        NOT_FOUND,
        /**
         * The receiver exists but is being disconnected (its queue is full, or the server is
         * closing it): the relay was not queued, and its sender hears so.
         */
        DROPPED,
        /** The receiver cannot be reached right now (a backend is down). */
        UNAVAILABLE,
        /**
         * Handed to the node that holds the receiver; if that node no longer has it, the
         * outcome arrives later through {@link LateOutcomes}.
         */
        FORWARDED
    }
}
