package network.chiral.signaling.server.protocol;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.api.SignalMessage;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.routing.Reclaims;

/**
 * Claims of an id that another socket of this node holds, while the holder's liveness is in
 * doubt. A client whose network changed reconnects and registers its id again while the server
 * still holds its old, half-open socket; the server pings that holder and waits up to the probe
 * time: any frame or pong from it proves it alive and the newcomer hears {@code id-taken}; silence
 * means it is gone, and the newcomer takes the id over.
 *
 * <p>While a probe runs nothing is lost or reordered: relays queued for the holder are copied, so
 * that a dead holder's are delivered to the newcomer after its {@code peers} reply; and the
 * newcomer's own frames wait, to be handled in order once its {@code register} is answered. One
 * of those may be another {@code register} of a held id: the frames after it wait on, for its
 * own probe's answer.
 */
final class Takeovers {
    private static final Logger LOG = LoggerFactory.getLogger(Takeovers.class);
    /** Frames a newcomer may send while its register waits; more are refused. */
    private static final int DEFERRED_LIMIT = 256;
    /** Relays copied for a newcomer; beyond this their senders are told they may be lost. */
    private static final int COPIED_LIMIT = 1024;

    /** What a finished probe leads to; the protocol carries it out. */
    interface Outcome {
        /** The holder answered: the newcomer is refused; the copies are dropped. */
        void holderAlive(Probe probe);

        /** The holder is gone (silent, or closed meanwhile): the newcomer gets the id. */
        void holderGone(Probe probe, boolean holderClosed);

        /** One of the newcomer's frames that waited, in order, once its register is answered. */
        void replay(Peer newcomer, Inbound frame);
    }

    /**
     * A claim being decided. On one node both sockets are here; a claim across nodes has only
     * its {@code holder} here (the claimant's node awaits {@code verdict}) or only its
     * {@code newcomer} (the holder's node decides).
     */
    static final class Probe {
        final String id;
        /** {@code null} when the holder is on another node. */
        final Peer holder;
        /** {@code null} when the claimant is on another node. */
        final Peer newcomer;
        /** Where the answer goes when the claimant is on another node. */
        final Reclaims.Verdict verdict;
        final long startedNanos;
        private final List<SignalMessage> copies = new ArrayList<>();
        private int overflowed;
        /** Set when the answer is being given. */
        private boolean done;

        Probe(String id, Peer holder, Peer newcomer, Reclaims.Verdict verdict, long startedNanos) {
            this.id = id;
            this.holder = holder;
            this.newcomer = newcomer;
            this.verdict = verdict;
            this.startedNanos = startedNanos;
        }

        private synchronized void copy(SignalMessage relay) {
            if (done) {
                return;
            }
            if (copies.size() < COPIED_LIMIT) {
                copies.add(relay);
            } else {
                overflowed++;
            }
        }

        /** The relays the holder was sent during the probe, in order. */
        synchronized List<SignalMessage> copies() {
            return List.copyOf(copies);
        }

        /** How many relays came after the copies were full. */
        synchronized int overflowed() {
            return overflowed;
        }
    }

    /**
     * The frames of a newcomer whose register is being decided, in the order they came. It
     * outlives a probe when a frame that waited starts another: that probe's end goes on with
     * the rest.
     */
    private static final class Backlog {
        private final Deque<Inbound> frames = new ArrayDeque<>();
        /** A register of the socket's awaits its answer. */
        private boolean awaiting;
        /** A thread is handling the frames; no other may, or they would be handled out of order. */
        private boolean draining;
        /** Emptied and let go: the socket's frames go straight through again. */
        private boolean gone;
    }

    private final ConcurrentMap<String, Probe> byId = new ConcurrentHashMap<>();
    private final ConcurrentMap<Peer, Probe> byHolder = new ConcurrentHashMap<>();
    private final ConcurrentMap<Peer, Probe> byNewcomer = new ConcurrentHashMap<>();
    private final ConcurrentMap<Peer, Backlog> backlogs = new ConcurrentHashMap<>();
    private final Duration probeTime;
    private final Scheduler scheduler;
    private final LongSupplier clock;
    private final Outcome outcome;

    Takeovers(Duration probeTime, Scheduler scheduler, LongSupplier clock, Outcome outcome) {
        this.probeTime = probeTime;
        this.scheduler = scheduler;
        this.clock = clock;
        this.outcome = outcome;
    }

    /** Whether claims of a held id are probed at all ({@code SIGNALING_TAKEOVER_PROBE_MILLIS} above 0). */
    boolean enabled() {
        return !probeTime.isZero();
    }

    /**
     * Starts probing {@code holder} for {@code newcomer}'s claim of {@code id}. Returns false if
     * that id's holder is already being probed (the caller refuses the newcomer at once).
     */
    boolean start(String id, Peer holder, Peer newcomer) {
        Probe probe = new Probe(id, holder, newcomer, null, clock.getAsLong());
        if (byId.putIfAbsent(id, probe) != null) {
            return false;
        }
        await(newcomer, probe);
        LOG.atInfo().addKeyValue("clientId", id).addKeyValue("holder", holder.remoteAddress())
                .addKeyValue("newcomer", newcomer.remoteAddress()).addKeyValue("probeMillis", probeTime.toMillis())
                .log("id registered again from a new socket; pinging the old one");
        probeHolder(probe);
        return true;
    }

    /**
     * Probes {@code holder} for a claim of {@code id} made on another node, which awaits
     * {@code verdict}. Returns false if that id's holder is already being probed.
     */
    boolean startForOtherNode(String id, Peer holder, Reclaims.Verdict verdict) {
        Probe probe = new Probe(id, holder, null, verdict, clock.getAsLong());
        if (byId.putIfAbsent(id, probe) != null) {
            return false;
        }
        LOG.atInfo().addKeyValue("clientId", id).addKeyValue("holder", holder.remoteAddress())
                .addKeyValue("probeMillis", probeTime.toMillis())
                .log("id registered again through another node; pinging the old socket");
        probeHolder(probe);
        return true;
    }

    /**
     * Claims {@code id}, held on another node, for {@code newcomer}: {@code ask} asks that node
     * and completes with whether it gave the id up. The newcomer's frames wait meanwhile.
     * Returns false if a claim of that id is already being decided here.
     */
    boolean startOnOtherNode(String id, Peer newcomer, Supplier<CompletionStage<Boolean>> ask) {
        Probe probe = new Probe(id, null, newcomer, null, clock.getAsLong());
        if (byId.putIfAbsent(id, probe) != null) {
            return false;
        }
        await(newcomer, probe);
        LOG.atInfo().addKeyValue("clientId", id).addKeyValue("newcomer", newcomer.remoteAddress())
                .log("id registered again from a new socket; asking the node that holds it");
        ask.get().whenComplete((freed, failure) -> scheduler.after(Duration.ZERO,
                () -> finish(probe, Boolean.TRUE.equals(freed) ? Ending.HOLDER_CLOSED : Ending.ALIVE)));
        return true;
    }

    /** From now on the newcomer's frames wait; a backlog left by its last probe is kept, in order. */
    private void await(Peer newcomer, Probe probe) {
        Backlog backlog = backlogs.computeIfAbsent(newcomer, peer -> new Backlog());
        synchronized (backlog) {
            backlog.awaiting = true;
        }
        byNewcomer.put(newcomer, probe);
    }

    private void probeHolder(Probe probe) {
        byHolder.put(probe.holder, probe);
        probe.holder.watch(probe::copy);
        probe.holder.ping();
        scheduler.after(probeTime, () -> expire(probe));
    }

    /** Holds a frame of a newcomer whose register is being decided; false if it has none pending. */
    boolean defer(Peer peer, Inbound frame) {
        Backlog backlog = backlogs.get(peer);
        if (backlog == null) {
            return false;
        }
        synchronized (backlog) {
            if (backlog.gone) {
                return false;
            }
            if (backlog.frames.size() < DEFERRED_LIMIT) {
                backlog.frames.add(frame);
            }
            // Beyond the limit a client is flooding while it waits: what it sends is dropped.
            return true;
        }
    }

    /** Any sign of life from a socket: a holder being probed is alive. */
    void heardFrom(Peer peer) {
        Probe probe = byHolder.get(peer);
        if (probe != null) {
            finish(probe, Ending.ALIVE);
        }
    }

    /** A socket closed: a probed holder is gone; a waiting newcomer gives up its claim. */
    void closed(Peer peer) {
        Probe held = byHolder.get(peer);
        if (held != null) {
            finish(held, Ending.HOLDER_CLOSED);
        }
        Probe claimed = byNewcomer.get(peer);
        if (claimed != null) {
            finish(claimed, Ending.NEWCOMER_LEFT);
        }
    }

    private void expire(Probe probe) {
        finish(probe, probe.holder.lastHeardNanos() - probe.startedNanos > 0 ? Ending.ALIVE : Ending.SILENT);
    }

    private enum Ending { ALIVE, SILENT, HOLDER_CLOSED, NEWCOMER_LEFT }

    private void finish(Probe probe, Ending ending) {
        synchronized (probe) {
            if (probe.done) {
                return;
            }
            probe.done = true;
        }
        if (probe.holder != null) {
            probe.holder.watch(null);
            byHolder.remove(probe.holder, probe);
        }
        byId.remove(probe.id, probe);
        switch (ending) {
            case ALIVE -> outcome.holderAlive(probe);
            case SILENT -> outcome.holderGone(probe, false);
            case HOLDER_CLOSED -> outcome.holderGone(probe, true);
            case NEWCOMER_LEFT -> {
            }
        }
        if (probe.newcomer != null) {
            byNewcomer.remove(probe.newcomer, probe);
            handleWaiting(probe.newcomer, ending == Ending.NEWCOMER_LEFT);
        }
    }

    /**
     * The newcomer's frames that waited, and any that arrive meanwhile, in order, after the
     * answer; only once none is left do its frames go straight through again. A frame that
     * starts another probe (a second register of a held id) stops this: that probe's end goes on.
     */
    private void handleWaiting(Peer newcomer, boolean left) {
        Backlog backlog = backlogs.get(newcomer);
        if (backlog == null) {
            return;
        }
        synchronized (backlog) {
            backlog.awaiting = false;
            if (left) {
                backlog.frames.clear();
            }
            if (backlog.draining) {
                // The thread handling them goes on once its frame is done.
                return;
            }
            backlog.draining = true;
        }
        while (true) {
            Inbound frame;
            synchronized (backlog) {
                if (backlog.awaiting) {
                    backlog.draining = false;
                    return;
                }
                frame = backlog.frames.poll();
                if (frame == null) {
                    backlog.draining = false;
                    backlog.gone = true;
                    backlogs.remove(newcomer, backlog);
                    return;
                }
            }
            outcome.replay(newcomer, frame);
        }
    }
}
