package network.chiral.signaling.server.protocol;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.api.AppMessage;
import network.chiral.signaling.api.ErrorCode;
import network.chiral.signaling.api.ErrorMessage;
import network.chiral.signaling.api.Ping;
import network.chiral.signaling.api.Pong;
import network.chiral.signaling.api.Register;
import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.api.SignalMessage;
import network.chiral.signaling.server.admission.Admission;
import network.chiral.signaling.server.admission.AdmissionRefusal;
import network.chiral.signaling.server.auth.Authenticator;
import network.chiral.signaling.server.auth.Identity;
import network.chiral.signaling.server.auth.Verdict;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.peer.Allowance;
import network.chiral.signaling.server.peer.CloseCodes;
import network.chiral.signaling.server.peer.Connections;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.TrafficEvents;
import network.chiral.signaling.server.peer.Transport;
import network.chiral.signaling.server.routing.PeerChanges;
import network.chiral.signaling.server.routing.Reclaims;
import network.chiral.signaling.server.routing.PeerDirectory;
import network.chiral.signaling.server.turn.IceServers;

/**
 * The signaling protocol, independent of any WebSocket API: what a socket may send, what it
 * gets back, and where relays go. The endpoint calls {@link #open}, {@link #receive},
 * {@link #heard} and {@link #closed}; this class only dispatches. Its collaborators are built
 * and handed in by the node (its composition root), which also owns the lifecycle.
 */
public final class Protocol implements Registrations.Sockets {
    private static final Logger LOG = LoggerFactory.getLogger(Protocol.class);

    private final Settings settings;
    private final SignalCodec codec;
    private final PeerDirectory directory;
    private final Connections connections;
    private final Answers answers;
    private final TrafficEvents events;
    private final LongSupplier clock;
    private final Allowance.Limits limits;
    private final Authenticator authenticator;
    private final Admission admission;
    private final Registrations registrations;
    private final Takeovers takeovers;
    private final Presence presence;
    private final PeerChanges changes;
    private final Peer.Shared shared;

    /**
     * @param settings    limits (list size, rates, send queue)
     * @param parts       what the protocol works with, built by the node
     */
    public Protocol(Settings settings, Parts parts) {
        this.settings = settings;
        this.codec = parts.codec();
        this.directory = parts.directory();
        this.connections = parts.connections();
        this.answers = parts.answers();
        this.events = parts.events();
        this.clock = parts.clock();
        this.limits = Allowance.Limits.of(settings.security().rate(), clock);
        this.authenticator = parts.authenticator();
        this.admission = parts.admission();
        this.shared = new Peer.Shared(codec, settings.sendQueueBytes(), events, clock, this::overflowed);
        this.registrations = new Registrations(directory, answers, parts.iceServers(), settings.peersListLimit(),
                settings.protocol().takeoverProbe(), settings.protocol().resume(), parts.scheduler(), clock, parts.changes(), this);
        this.takeovers = registrations.takeovers();
        parts.reclaims().handleWith(registrations::reclaimedByOtherNode);
        this.changes = parts.changes();
        this.presence = new Presence(settings.protocol().peersPush(), settings.protocol().peersPushLimit(), directory,
                connections, changes, parts.scheduler(), clock);
    }

    /**
     * What the protocol works with.
     *
     * @param clock     nanoseconds, as {@link System#nanoTime()}
     * @param scheduler runs the takeover probes' deadlines and the peer-list pushes
     * @param changes   marked when an id is registered or freed; read by the pushes
     * @param reclaims  where the directory hands other nodes' claims on this node's ids
     */
    public record Parts(SignalCodec codec, PeerDirectory directory, Connections connections, Answers answers,
                        TrafficEvents events, LongSupplier clock, Authenticator authenticator, Admission admission,
                        IceServers iceServers, Scheduler scheduler, PeerChanges changes, Reclaims reclaims) {
    }

    /** Starts the peer-list pushes (the node starts the protocol once it is in the cluster). */
    public void start() {
        presence.start();
    }

    /**
     * A socket has opened.
     *
     * @param identity who it authenticated as at the upgrade, or {@code null} if it brought no
     *                 credential and must authenticate with its {@code register}
     */
    public Peer open(Transport transport, String remoteAddress, Identity identity) {
        Identity granted = authenticator.enabled() ? identity : Identity.ANYONE;
        Peer peer = new Peer(transport, remoteAddress, granted, new Allowance(limits), shared);
        connections.add(peer);
        events.opened();
        LOG.atInfo().addKeyValue("remote", remoteAddress).log("connection opened");
        Optional<AdmissionRefusal> over = admission.opened(remoteAddress);
        if (!connections.accepting()) {
            peer.close(CloseCodes.GOING_AWAY, "server shutting down");
        } else if (over.isPresent()) {
            // Two upgrades raced past the check at the upgrade; the cap holds all the same.
            peer.close(CloseCodes.POLICY_VIOLATION, over.get().reason());
        }
        return peer;
    }

    /**
     * Handles one frame from {@code peer}. Never throws: a client's mistake becomes an
     * {@code error} reply, a server fault an {@code internal} one.
     */
    public void receive(Peer peer, Inbound inbound) {
        long now = clock.getAsLong();
        peer.heard(now);
        takeovers.heardFrom(peer);
        if (takeovers.defer(peer, inbound)) {
            // Its register waits on a takeover probe: the rest waits too, to be answered in order.
            return;
        }
        handle(peer, inbound, now);
    }

    /** A frame that waited for its socket's register to be answered; see {@link Takeovers}. */
    @Override
    public void replay(Peer peer, Inbound frame) {
        handle(peer, frame, clock.getAsLong());
    }

    private void handle(Peer peer, Inbound inbound, long now) {
        if (peer.isRefused()) {
            // Refused for good (unauthenticated, flooding): what it sends until the close is ignored.
            return;
        }
        try {
            metered(peer);
            if (inbound instanceof Inbound.Decoded decoded) {
                events.received(label(decoded.message()));
                dispatch(peer, decoded.message(), now);
            } else if (inbound instanceof Inbound.Malformed malformed) {
                events.received(TrafficEvents.INVALID);
                throw new Refusal(ErrorCode.INVALID_MESSAGE, malformed.reason());
            }
        } catch (Refusal refusal) {
            answers.refuse(peer, refusal);
            if (refusal.closes()) {
                peer.closeRefused(CloseCodes.POLICY_VIOLATION, closeReason(refusal.getMessage()));
            }
        } catch (RuntimeException e) {
            LOG.error("failed to handle a message from {}", peer, e);
            events.errorSent(ErrorCode.INTERNAL);
            peer.send(ErrorMessage.of(ErrorCode.INTERNAL, "the server failed to handle this message"));
        }
    }

    /** A binary frame: counted, then refused like any other frame that is not a message. */
    public void receiveBinary(Peer peer, int bytes, Inbound refusal) {
        events.receivedBytes(bytes);
        receive(peer, refusal);
    }

    /** Any sign of life that is not a message (a pong frame). */
    public void heard(Peer peer) {
        peer.heard(clock.getAsLong());
        takeovers.heardFrom(peer);
    }

    /** The socket has closed, for whatever reason. Frees its id at once. */
    @Override
    public void closed(Peer peer, int code, String reason) {
        if (!peer.markClosed()) {
            return;
        }
        connections.remove(peer);
        admission.closed(peer.remoteAddress());
        events.closed(code);
        String id = peer.id();
        if (id != null && !registrations.park(peer, id, code)) {
            directory.release(id, peer);
            changes.left(id);
        }
        takeovers.closed(peer);
        long millis = TimeUnit.NANOSECONDS.toMillis(clock.getAsLong() - peer.openedNanos());
        LOG.atInfo()
                .addKeyValue("clientId", id)
                .addKeyValue("remote", peer.remoteAddress())
                .addKeyValue("durationMs", millis)
                .addKeyValue("closeCode", code)
                .addKeyValue("closeReason", reason)
                .log("connection closed");
    }

    /** Takes one message from the socket's allowance; over it, the message goes no further. */
    private void metered(Peer peer) throws Refusal {
        switch (peer.allowance().message()) {
            case DROP:
                throw new Refusal(ErrorCode.RATE_LIMITED, "too many messages; this one was dropped");
            case CUT_OFF:
                LOG.atWarn().addKeyValue("clientId", peer.id()).addKeyValue("remote", peer.remoteAddress())
                        .log("closing a socket that keeps sending over its rate limit");
                throw Refusal.closing(ErrorCode.RATE_LIMITED, "message rate limit exceeded");
            case ACCEPT:
            default:
                break;
        }
    }

    /** A close reason must fit a control frame (123 bytes); refusal messages are ASCII. */
    private static String closeReason(String message) {
        return message.length() <= 120 ? message : message.substring(0, 120);
    }

    private void dispatch(Peer peer, SignalMessage message, long receivedNanos) throws Refusal {
        if (peer.identity() == null && !(message instanceof Register)) {
            throw Refusal.closing(ErrorCode.UNAUTHORIZED, "authenticate with the token of 'register' first");
        }
        if (message instanceof Relay relay) {
            relay(peer, relay, receivedNanos);
        } else if (message instanceof Register register) {
            authenticate(peer, register.token());
            register(peer, register);
        } else if (message instanceof Ping ping) {
            peer.send(new Pong(ping.ts(), ping.from()));
        } else if (message instanceof Pong) {
            // Answers to our heartbeats need nothing beyond the activity already recorded.
        } else {
            throw new Refusal(ErrorCode.INVALID_MESSAGE, "'" + codec.typeName(message) + "' is sent by the server only");
        }
    }

    /**
     * Checks the token of a {@code register}, when authentication is on. A socket that has
     * not authenticated yet must bring a valid one; any token presented must be valid.
     */
    private void authenticate(Peer peer, String token) throws Refusal {
        if (!authenticator.enabled() || (token == null && peer.identity() != null)) {
            return;
        }
        Verdict verdict = authenticator.verify(token);
        if (verdict instanceof Verdict.Rejected rejected) {
            LOG.atInfo().addKeyValue("remote", peer.remoteAddress()).addKeyValue("reason", rejected.reason())
                    .log("register refused: invalid credentials");
            throw Refusal.closing(ErrorCode.UNAUTHORIZED, rejected.reason());
        }
        peer.authenticate(Identity.of((Verdict.Accepted) verdict));
    }

    private void register(Peer peer, Register register) throws Refusal {
        String id = ClientIds.check(register.clientId());
        Optional<String> subject = peer.identity().subject();
        if (subject.isPresent() && !subject.get().equals(id)) {
            throw new Refusal(ErrorCode.FORBIDDEN, "this token may only register the id it was issued for");
        }
        registrations.register(peer, id, register.wantsDeltas(), register.resume());
    }

    private void relay(Peer peer, Relay relay, long receivedNanos) throws Refusal {
        String from = peer.id();
        if (from == null) {
            throw new Refusal(ErrorCode.NOT_REGISTERED, "register before sending '" + codec.typeName(relay.message()) + "'");
        }
        PeerDirectory.Delivery delivery = directory.deliver(relay.withFrom(from), receivedNanos);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} -> {}: {}", codec.typeName(relay.message()), from, ClientIds.shown(relay.to()), delivery);
        }
        answers.report(relay, delivery);
    }

    /** The metric label of a message: application types share one, so clients cannot add labels. */
    static String label(SignalCodec codec, SignalMessage message) {
        return message instanceof AppMessage ? TrafficEvents.APPLICATION : codec.typeName(message);
    }

    private String label(SignalMessage message) {
        return label(codec, message);
    }

    private void overflowed(Peer peer) {
        events.overflowed();
        LOG.atWarn()
                .addKeyValue("clientId", peer.id())
                .addKeyValue("remote", peer.remoteAddress())
                .log("closing a socket that does not read: send queue full");
        // Free the id now: the closing handshake cannot finish until the peer reads again,
        // which may be never (the container's own idle timer then drops the connection).
        closed(peer, CloseCodes.POLICY_VIOLATION, "send queue overflow");
        peer.close(CloseCodes.POLICY_VIOLATION, "send queue overflow");
    }
}
