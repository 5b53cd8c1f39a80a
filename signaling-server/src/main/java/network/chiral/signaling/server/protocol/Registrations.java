package network.chiral.signaling.server.protocol;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.api.ErrorCode;
import network.chiral.signaling.api.Peers;
import network.chiral.signaling.api.SignalMessage;
import network.chiral.signaling.server.peer.CloseCodes;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.routing.PeerChanges;
import network.chiral.signaling.server.routing.PeerDirectory;
import network.chiral.signaling.server.routing.PeerDirectory.Registration;
import network.chiral.signaling.server.routing.Reclaims;
import network.chiral.signaling.server.turn.IceServers;

/**
 * What a {@code register} does: binds the id, or takes it over from a socket that is gone, and
 * answers with the peer list. An id held by another socket of this node is given up at once when
 * the newcomer's credential names it (the proof is the token), and otherwise after the holder
 * failed to show it is alive ({@link Takeovers}).
 */
final class Registrations implements Takeovers.Outcome {
    private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);

    /** What the protocol does for a registration it cannot do itself. */
    interface Sockets {
        /** The socket has closed: free its id. */
        void closed(Peer peer, int code, String reason);

        /** Handles a frame from {@code peer} that waited for its register's answer. */
        void replay(Peer peer, Inbound frame);
    }

    private final PeerDirectory directory;
    private final Answers answers;
    private final IceServers iceServers;
    private final int listLimit;
    private final ReplyIds replyIds;
    private final Takeovers takeovers;
    private final Sockets sockets;
    private final PeerChanges changes;
    /** How long a register waits for the node that holds its id elsewhere to answer. */
    private final Duration otherNodeWait;
    /** How long a dropped socket's id waits for its client; zero: never. */
    private final Duration resumeTime;
    private final Scheduler scheduler;
    /** Close codes of a socket that dropped rather than left: no close frame (1006), or an error. */
    private static final java.util.Set<Integer> DROPPED = java.util.Set.of(1006, 1011, 1012, 1013, 1014, 1015, -1);
    /** What a resume token looks like; anything else a client sends is not one. */
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /**
     * @param probeTime  how long a holder has to show it is alive (zero: never taken over)
     * @param resumeTime how long a dropped socket's id waits for its client (zero: never)
     * @param clock     nanoseconds, as {@link System#nanoTime()}
     */
    Registrations(PeerDirectory directory, Answers answers, IceServers iceServers, int listLimit,
                  Duration probeTime, Duration resumeTime, Scheduler scheduler, LongSupplier clock, PeerChanges changes,
                  Sockets sockets) {
        this.directory = directory;
        this.answers = answers;
        this.iceServers = iceServers;
        this.listLimit = listLimit;
        this.replyIds = new ReplyIds(listLimit);
        this.takeovers = new Takeovers(probeTime, scheduler, clock, this);
        this.sockets = sockets;
        this.changes = changes;
        // The holder's node probes for the probe time; its answer needs a round trip or two more.
        this.otherNodeWait = probeTime.plusSeconds(3);
        this.resumeTime = resumeTime;
        this.scheduler = scheduler;
    }

    /** The probes under way, which the protocol tells of what its sockets do. */
    Takeovers takeovers() {
        return takeovers;
    }

    /**
     * Registers {@code id} (already checked) for {@code peer}; the answer may come later.
     *
     * @param deltas whether the socket wants {@code peer-joined}/{@code peer-left} instead of lists
     */
    void register(Peer peer, String id, boolean deltas, String resume) throws Refusal {
        peer.wantDeltas(deltas);
        if (resume != null && !resumeTime.isZero() && peer.resumeToken() == null) {
            peer.offerResume(newResumeToken());
        }
        String presented = resume != null && TOKEN.matcher(resume).matches() ? resume : null;
        String previous = peer.id();
        boolean renaming = !id.equals(previous);
        if (renaming && !peer.allowance().registration()) {
            throw new Refusal(ErrorCode.RATE_LIMITED, "too many registrations of new ids; retry later");
        }
        // From the moment the directory routes the id here, relays wait for the reply.
        peer.holdRelays();
        try {
            Registration registration = claim(peer, id);
            Peer holder = registration.holder();
            boolean proven = peer.identity().subject().isPresent();
            if (!registration.granted() && holder != null) {
                if (holder.isParked()) {
                    // Its socket dropped and the id waited for the client: it is back.
                    resumeFrom(holder, id, peer);
                    registration = claim(peer, id);
                } else if (proven || holder.resumes(presented)) {
                    // The credential or the resume token proves that the holder is this client's old socket.
                    replace(holder, id, proven ? "its token names the id" : "it presented the resume token");
                    registration = claim(peer, id);
                } else if (takeovers.enabled() && takeovers.start(id, holder, peer)) {
                    return;
                }
            } else if (!registration.granted() && (proven || presented != null || takeovers.enabled())
                    && takeovers.startOnOtherNode(id, peer, () -> directory.reclaim(id, proven, presented, otherNodeWait))) {
                // Held on another node: that node decides the same way, and answers.
                return;
            }
            if (!registration.granted()) {
                throw taken(id);
            }
            answer(peer, id, previous, registration);
        } finally {
            peer.releaseRelays(List.of());
        }
    }

    /**
     * Another node's socket registers {@code id}, which {@code holder} of this node holds: the
     * same rules as on one node, with the answer going back to that node.
     */
    void reclaimedByOtherNode(Peer holder, String id, boolean proven, String resume, Reclaims.Verdict verdict) {
        if (holder.isParked()) {
            LOG.atInfo().addKeyValue("clientId", id).log("client back through another node; the relays held for it follow");
            List<SignalMessage> held = holder.unparkElsewhere();
            directory.release(id, holder);
            changes.left(id);
            verdict.freed(held);
        } else if (proven || holder.resumes(resume)) {
            replace(holder, id, (proven ? "its token names the id" : "it presented the resume token")
                    + " (registered through another node)");
            verdict.freed(List.of());
        } else if (!takeovers.enabled() || !takeovers.startForOtherNode(id, holder, verdict)) {
            verdict.kept();
        }
    }

    @Override
    public void holderAlive(Takeovers.Probe probe) {
        if (probe.verdict != null) {
            probe.verdict.kept();
            return;
        }
        answers.refuse(probe.newcomer, taken(probe.id));
    }

    @Override
    public void holderGone(Takeovers.Probe probe, boolean holderClosed) {
        if (!holderClosed) {
            replace(probe.holder, probe.id, "it did not answer a ping");
        }
        if (probe.verdict != null) {
            // Owed to the socket that registers the id on the other node.
            probe.verdict.freed(probe.copies());
            return;
        }
        Peer newcomer = probe.newcomer;
        if (newcomer.isClosed()) {
            return;
        }
        String previous = newcomer.id();
        newcomer.holdRelays();
        Registration registration = claim(newcomer, probe.id);
        if (!registration.granted()) {
            newcomer.releaseRelays(List.of());
            answers.refuse(newcomer, taken(probe.id));
            return;
        }
        answer(newcomer, probe.id, previous, registration);
        // What the gone holder was sent while it was probed goes to its successor first, in order.
        newcomer.releaseRelays(probe.copies());
        if (probe.overflowed() > 0) {
            LOG.atWarn().addKeyValue("clientId", probe.id).addKeyValue("lost", probe.overflowed())
                    .log("more relays than can be kept arrived while the old socket was probed");
        }
    }

    @Override
    public void replay(Peer newcomer, Inbound frame) {
        sockets.replay(newcomer, frame);
    }

    private Registration claim(Peer peer, String id) {
        String previous = peer.id();
        return directory.register(id, id.equals(previous) ? null : previous, peer, listLimit);
    }

    /**
     * {@code peer}, registered as {@code id}, has closed: if it can resume and dropped rather
     * than left, its id waits for the client's next socket for the resume time, relays to it
     * held. Returns whether it waits (the caller then does not free the id).
     */
    boolean park(Peer peer, String id, int closeCode) {
        if (resumeTime.isZero() || peer.resumeToken() == null || !DROPPED.contains(closeCode) || !peer.park()) {
            return false;
        }
        LOG.atInfo().addKeyValue("clientId", id).addKeyValue("closeCode", closeCode)
                .addKeyValue("resumeSeconds", resumeTime.toSeconds()).log("socket dropped; its id waits for the client");
        scheduler.after(resumeTime, () -> {
            if (peer.isParked()) {
                // Nobody came back in time: what was held is answered, and the id is free.
                peer.unparkExpired();
                directory.release(id, peer);
                changes.left(id);
                LOG.atInfo().addKeyValue("clientId", id).log("client did not come back; its id is free");
            }
        });
        return true;
    }

    /** The client's new socket takes over a parked id and what was held for it. */
    private void resumeFrom(Peer parked, String id, Peer next) {
        LOG.atInfo().addKeyValue("clientId", id).addKeyValue("remote", next.remoteAddress())
                .log("client back; the relays held for it follow its peers reply");
        parked.unparkTo(next);
        directory.release(id, parked);
    }

    private static String newResumeToken() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Closes {@code holder}, whose id another socket takes, and frees the id now. */
    private void replace(Peer holder, String id, String why) {
        LOG.atInfo().addKeyValue("clientId", id).addKeyValue("remote", holder.remoteAddress())
                .log("id taken over by a new socket: " + why);
        holder.close(CloseCodes.REPLACED, "replaced");
        sockets.closed(holder, CloseCodes.REPLACED, "replaced");
    }

    private static Refusal taken(String id) {
        return new Refusal(ErrorCode.ID_TAKEN, "Client id " + id + " is already registered by another connection");
    }

    /** Binds the id the directory granted and sends the {@code peers} reply. */
    private void answer(Peer peer, String id, String previous, Registration registration) {
        if (!id.equals(previous)) {
            peer.bind(id);
            if (peer.isClosed()) {
                // The socket closed while we registered it: do not leave its id behind.
                directory.release(id, peer);
                return;
            }
            var line = LOG.atInfo().addKeyValue("clientId", id).addKeyValue("remote", peer.remoteAddress());
            if (previous != null) {
                line = line.addKeyValue("previousId", previous);
            }
            line.log("registered");
            changes.joined(id);
            if (previous != null) {
                changes.left(previous);
            }
        }
        peer.send(new Peers(replyIds.forCaller(id, registration.ids()), registration.total(), iceServers.forClient(id).orElse(null),
                peer.resumeToken()));
    }
}
