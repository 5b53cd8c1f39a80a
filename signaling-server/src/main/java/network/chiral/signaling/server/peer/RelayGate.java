package network.chiral.signaling.server.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.api.SignalMessage;

/**
 * Orders what enters a socket's outbox where order matters: relays held during a register go
 * in after its reply, relays held for a parked id go to the client's next socket, and nothing
 * goes in once the server has decided to close the socket. Everything here happens under one
 * lock; the outbox writes after it is let go.
 */
final class RelayGate {
    /** Most relays held for a parked id. */
    static final int PARKED_LIMIT = 1024;

    private record HeldRelay(String frame, SignalMessage message, long receivedNanos, long deadlineMillis,
                             Consumer<Boolean> written) {
    }

    private final Outbox outbox;
    private final SignalCodec codec;
    private final long holdLimitBytes;
    private final Object lock = new Object();
    /** Relays held until the reply to a register is queued; {@code null} when not holding. */
    private List<HeldRelay> held;
    private long heldBytes;
    /** The server is closing the socket: relays to it are refused, so their senders are told. */
    private boolean leaving;
    /** The socket dropped and its id waits for the client's next socket: relays to it are held. */
    private boolean parked;
    private volatile Consumer<SignalMessage> watcher;

    /** @param holdLimitBytes most bytes held at once, as many as the outbox may queue */
    RelayGate(Outbox outbox, SignalCodec codec, long holdLimitBytes) {
        this.outbox = outbox;
        this.codec = codec;
        this.holdLimitBytes = holdLimitBytes;
    }

    /** See {@link Peer#relay(SignalMessage, long, long, Consumer)}; {@code frame} is {@code message} encoded. */
    boolean relay(String frame, SignalMessage message, long receivedNanos, long deadlineMillis,
                  Consumer<Boolean> written) {
        boolean accepted;
        synchronized (lock) {
            if (leaving) {
                return false;
            }
            if (held != null) {
                accepted = heldBytes + frame.length() <= holdLimitBytes && (!parked || held.size() < PARKED_LIMIT);
                if (accepted) {
                    held.add(new HeldRelay(frame, message, receivedNanos, deadlineMillis, written));
                    heldBytes += frame.length();
                }
            } else {
                accepted = outbox.offerRelay(frame, receivedNanos, deadlineMillis, written);
            }
            Consumer<SignalMessage> copies = watcher;
            if (accepted && copies != null) {
                copies.accept(message);
            }
        }
        outbox.flush();
        return accepted;
    }

    /** See {@link Peer#watch}. */
    void watch(Consumer<SignalMessage> copies) {
        this.watcher = copies;
    }

    /** See {@link Peer#holdRelays}. */
    void hold() {
        synchronized (lock) {
            if (held == null && !leaving && !parked) {
                held = new ArrayList<>();
                heldBytes = 0;
            }
        }
    }

    /** See {@link Peer#releaseRelays}. */
    void release(List<SignalMessage> first) {
        synchronized (lock) {
            for (SignalMessage message : first) {
                if (!leaving) {
                    outbox.offerRelay(codec.encode(message), Outbox.UNTIMED);
                }
            }
            queueHeld();
        }
        outbox.flush();
    }

    private void queueHeld() {
        if (held != null && !parked) {
            for (HeldRelay relay : held) {
                if (!outbox.offerRelay(relay.frame(), relay.receivedNanos(), relay.deadlineMillis(), relay.written())
                        && relay.written() != null) {
                    relay.written().accept(false);
                }
            }
            held = null;
        }
    }

    /** See {@link Peer#park}. */
    boolean park() {
        synchronized (lock) {
            if (leaving) {
                return false;
            }
            parked = true;
            if (held == null) {
                held = new ArrayList<>();
                heldBytes = 0;
            }
            return true;
        }
    }

    boolean parked() {
        synchronized (lock) {
            return parked;
        }
    }

    /** Ends the wait of a parked id: what was held goes to {@code next}, ahead of anything it holds. */
    void handOver(RelayGate next) {
        next.inherit(endParking());
    }

    /** Ends the wait of a parked id, nobody having come back in time: each held relay hears it was not written. */
    void expireParked() {
        endParking().stream().map(HeldRelay::written).filter(Objects::nonNull).forEach(w -> w.accept(false));
    }

    /** Ends the wait of a parked id and returns what was held, in order, for the node its id goes to. */
    List<SignalMessage> takeParked() {
        return endParking().stream().map(HeldRelay::message).toList();
    }

    private List<HeldRelay> endParking() {
        synchronized (lock) {
            if (!parked) {
                return List.of();
            }
            parked = false;
            leaving = true;
            List<HeldRelay> relays = held == null ? List.of() : held;
            held = null;
            return relays;
        }
    }

    /** Takes over relays held for this socket's id while its previous socket was gone. */
    private void inherit(List<HeldRelay> relays) {
        synchronized (lock) {
            if (held != null) {
                held.addAll(0, relays);
                return;
            }
            for (HeldRelay relay : relays) {
                if (leaving || !outbox.offerRelay(relay.frame(), relay.receivedNanos(), relay.deadlineMillis(), relay.written())) {
                    if (relay.written() != null) {
                        relay.written().accept(false);
                    }
                }
            }
        }
        outbox.flush();
    }

    /** The socket is closing now: nothing more goes in, and each held relay hears it was not written. */
    void closeNow() {
        List<HeldRelay> dropped;
        synchronized (lock) {
            leaving = true;
            dropped = held;
            held = null;
        }
        if (dropped != null) {
            dropped.stream().map(HeldRelay::written).filter(Objects::nonNull).forEach(w -> w.accept(false));
        }
    }

    /**
     * The socket closes once what is queued is written: held relays go in first, then
     * {@code close}, then nothing more. Does nothing if it is closing already.
     */
    void closeAfterQueued(Runnable close) {
        boolean queued;
        synchronized (lock) {
            if (leaving) {
                return;
            }
            leaving = true;
            queueHeld();
            queued = outbox.offerAction(close);
        }
        if (queued) {
            outbox.flush();
        }
    }
}
