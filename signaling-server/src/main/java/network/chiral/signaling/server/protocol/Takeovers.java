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
 * newcomer's own frames wait, to be handled in order once its {@code register} is answered.
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

        /** The newcomer's frames that waited, in order, once its register is answered. */
        void replay(Peer newcomer, List<Inbound> frames);
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
        private final Deque<Inbound> deferred = new ArrayDeque<>();
        private final List<SignalMessage> copies = new ArrayList<>();
        private int overflowed;
        /** Set when the answer is being given; from then on nothing but the waiting frames remain. */
        private boolean done;
        /** Set once the answer is given and every frame that waited has been handled. */
        private boolean finished;

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

    private final ConcurrentMap<String, Probe> byId = new ConcurrentHashMap<>();
    private final ConcurrentMap<Peer, Probe> byHolder = new ConcurrentHashMap<>();
    private final ConcurrentMap<Peer, Probe> byNewcomer = new ConcurrentHashMap<>();
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
        byNewcomer.put(newcomer, probe);
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
        byNewcomer.put(newcomer, probe);
        LOG.atInfo().addKeyValue("clientId", id).addKeyValue("newcomer", newcomer.remoteAddress())
                .log("id registered again from a new socket; asking the node that holds it");
        ask.get().whenComplete((freed, failure) -> scheduler.after(Duration.ZERO,
                () -> finish(probe, Boolean.TRUE.equals(freed) ? Ending.HOLDER_CLOSED : Ending.ALIVE)));
        return true;
    }

    private void probeHolder(Probe probe) {
        byHolder.put(probe.holder, probe);
        probe.holder.watch(probe::copy);
        probe.holder.ping();
        scheduler.after(probeTime, () -> expire(probe));
    }

    /** Holds a frame of a newcomer whose register is being decided; false if it has none pending. */
    boolean defer(Peer peer, Inbound frame) {
        Probe probe = byNewcomer.get(peer);
        if (probe == null) {
            return false;
        }
        synchronized (probe) {
            if (probe.finished) {
                return false;
            }
            if (probe.deferred.size() < DEFERRED_LIMIT) {
                probe.deferred.add(frame);
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
        if (probe.newcomer == null) {
            return;
        }
        // The newcomer's frames that waited, and any that arrive meanwhile, in order, after the
        // answer; only once none is left do its frames go straight through again.
        while (true) {
            List<Inbound> waiting;
            synchronized (probe) {
                if (probe.deferred.isEmpty()) {
                    probe.finished = true;
                    byNewcomer.remove(probe.newcomer, probe);
                    return;
                }
                waiting = List.copyOf(probe.deferred);
                probe.deferred.clear();
            }
            if (ending != Ending.NEWCOMER_LEFT) {
                outcome.replay(probe.newcomer, waiting);
            }
        }
    }
}
