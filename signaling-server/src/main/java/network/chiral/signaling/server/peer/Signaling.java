package network.chiral.signaling.server.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.api.Candidate;
import network.chiral.signaling.api.ErrorCode;
import network.chiral.signaling.api.ErrorMessage;
import network.chiral.signaling.api.Peers;
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
import network.chiral.signaling.server.turn.IceServers;

/**
 * The signaling protocol, independent of any WebSocket API: what a socket may send, what it
 * gets back, and where relayed messages go. The endpoint calls {@link #open}, {@link #receive},
 * {@link #heard} and {@link #closed}; everything else happens here.
 */
public final class Signaling implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Signaling.class);

    private final Settings settings;
    private final SignalCodec codec;
    private final PeerDirectory directory;
    private final LongSupplier clock;
    private final Connections connections;
    private final SignalingEvents events;
    private final Readiness readiness = new Readiness();
    private final Authenticator authenticator;
    private final Admission admission;
    private final IceServers iceServers;

    /**
     * @param settings  limits and timeouts
     * @param codec     shared message codec
     * @param directory where ids live and relays go
     */
    public Signaling(Settings settings, SignalCodec codec, PeerDirectory directory) {
        this(settings, codec, directory, SignalingEvents.NONE);
    }

    /**
     * @param settings  limits and timeouts
     * @param codec     shared message codec
     * @param directory where ids live and relays go
     * @param events    told of traffic, for metrics
     */
    public Signaling(Settings settings, SignalCodec codec, PeerDirectory directory, SignalingEvents events) {
        this(settings, codec, directory, System::nanoTime, events);
    }

    Signaling(Settings settings, SignalCodec codec, PeerDirectory directory, LongSupplier clock) {
        this(settings, codec, directory, clock, SignalingEvents.NONE);
    }

    Signaling(Settings settings, SignalCodec codec, PeerDirectory directory, LongSupplier clock,
              SignalingEvents events) {
        this.events = events;
        this.settings = settings;
        this.codec = codec;
        this.directory = directory;
        this.clock = clock;
        this.authenticator = new Authenticator(settings.security().auth());
        this.admission = new Admission(settings.security().admission());
        this.iceServers = new IceServers(settings.security().turn(), java.time.Clock.systemUTC());
        this.connections = new Connections(settings.idleTimeout(), clock, admission::sweep);
        readiness.require("accepting", connections::accepting);
        directory.whenUndelivered(this::undelivered);
    }

    /** The codec every socket of this server uses. */
    public SignalCodec codec() {
        return codec;
    }

    /** The server's settings. */
    public Settings settings() {
        return settings;
    }

    /** Open sockets. */
    public int connections() {
        return connections.size();
    }

    /** Registered ids. */
    public int registered() {
        return directory.size();
    }

    /**
     * Whether every registered peer can be reached from here (readiness): false while a
     * cluster's Redis is down. Same-node relays keep working either way.
     */
    public boolean available() {
        return directory.available();
    }

    /** Whether new sockets are welcome (false once shutdown has begun). */
    public boolean accepting() {
        return connections.accepting();
    }

    /** What {@code /ready} answers from; other parts add the conditions they depend on. */
    public Readiness readiness() {
        return readiness;
    }

    /** Where this server reports its traffic. */
    public SignalingEvents events() {
        return events;
    }

    /**
     * A client was turned away before it got a socket: logged at WARN and counted. Every
     * refusal at the door (draining, origin, auth, limits) comes through here.
     *
     * @param reason short stable label, such as {@code draining}; it becomes a metric label
     * @param remote the client's address, for the log
     */
    public void refused(String reason, String remote) {
        events.refused(reason);
        LOG.atWarn().addKeyValue("reason", reason).addKeyValue("remote", remote).log("connection refused");
    }

    /** Verifies credentials, for the upgrade and for {@code register}. */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** Origin policy and connection caps, for the upgrade. */
    public Admission admission() {
        return admission;
    }

    /**
     * A socket has opened without authenticating at the upgrade: when authentication is on, it
     * must authenticate with its {@code register}.
     */
    public Peer open(Transport transport, String remoteAddress) {
        return open(transport, remoteAddress, null);
    }

    /**
     * A socket has opened.
     *
     * @param identity who it authenticated as at the upgrade, or {@code null} if it brought no
     *                 credential and must authenticate with its {@code register}
     */
    public Peer open(Transport transport, String remoteAddress, Identity identity) {
        Peer[] self = new Peer[1];
        Identity granted = authenticator.enabled() ? identity : Identity.ANYONE;
        Peer peer = new Peer(transport, codec, remoteAddress, settings.sendQueueBytes(), clock.getAsLong(),
                () -> overflowed(self[0]), events, clock, granted, new Allowance(settings.security().rate(), clock));
        self[0] = peer;
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
        if (peer.isClosing()) {
            // Refused for good (unauthenticated, flooding): what it sends until the close is ignored.
            return;
        }
        try {
            metered(peer);
            if (inbound instanceof Inbound.Decoded decoded) {
                events.received(codec.typeName(decoded.message()));
                dispatch(peer, decoded.message(), now);
            } else if (inbound instanceof Inbound.Malformed malformed) {
                events.received(SignalingEvents.INVALID);
                throw new Refusal(ErrorCode.INVALID_MESSAGE, malformed.reason());
            }
        } catch (Refusal refusal) {
            refuse(peer, refusal);
            if (refusal.closes()) {
                peer.closeAfterQueued(CloseCodes.POLICY_VIOLATION, closeReason(refusal.getMessage()));
            }
        } catch (RuntimeException e) {
            LOG.error("failed to handle a message from {}", peer, e);
            events.errorSent(ErrorCode.INTERNAL);
            peer.send(ErrorMessage.of(ErrorCode.INTERNAL, "the server failed to handle this message"));
        }
    }

    private void refuse(Peer peer, Refusal refusal) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("refused from {}: {} {}", peer, refusal.code().wireName(), refusal.getMessage());
        }
        events.errorSent(refusal.code());
        peer.send(refusal.reply());
    }

    /** A relay that the directory accepted turned out undeliverable: the sender hears it as usual. */
    private void undelivered(Peer sender, Relay relay, PeerDirectory.Delivery outcome) {
        try {
            report(relay, outcome);
        } catch (Refusal refusal) {
            refuse(sender, refusal);
        }
    }

    /** Any sign of life that is not a message (a pong frame). */
    public void heard(Peer peer) {
        peer.heard(clock.getAsLong());
    }

    /** The socket has closed, for whatever reason. Frees its id at once. */
    public void closed(Peer peer, int code, String reason) {
        if (!peer.markClosed()) {
            return;
        }
        connections.remove(peer);
        admission.closed(peer.remoteAddress());
        events.closed(code);
        String id = peer.id();
        if (id != null) {
            directory.release(id, peer);
        }
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
            register(peer, register.clientId());
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

    private void register(Peer peer, String requested) throws Refusal {
        String id = ClientIds.check(requested);
        Optional<String> subject = peer.identity().subject();
        if (subject.isPresent() && !subject.get().equals(id)) {
            throw new Refusal(ErrorCode.FORBIDDEN, "this token may only register the id it was issued for");
        }
        String previous = peer.id();
        if (!id.equals(previous)) {
            if (!peer.allowance().registration()) {
                throw new Refusal(ErrorCode.RATE_LIMITED, "too many registrations of new ids; retry later");
            }
            if (directory.claim(id, peer) == PeerDirectory.Claim.TAKEN) {
                throw new Refusal(ErrorCode.ID_TAKEN, "Client id " + id + " is already registered by another connection");
            }
            peer.bind(id);
            if (previous != null) {
                directory.release(previous, peer);
            }
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
        }
        peer.send(new Peers(listFor(id), directory.size(), iceServers.forClient(id).orElse(null)));
    }

    /** Up to the list limit of registered ids, the caller's first so that a cap never hides it. */
    private List<String> listFor(String caller) {
        int limit = settings.peersListLimit();
        List<String> ids = new ArrayList<>(Math.min(limit, directory.size() + 1));
        ids.add(caller);
        for (String id : directory.list(limit)) {
            if (ids.size() >= limit) {
                break;
            }
            if (!id.equals(caller)) {
                ids.add(id);
            }
        }
        return ids;
    }

    private void relay(Peer peer, Relay relay, long receivedNanos) throws Refusal {
        String from = peer.id();
        if (from == null) {
            throw new Refusal(ErrorCode.NOT_REGISTERED, "register before sending '" + typeOf(relay) + "'");
        }
        PeerDirectory.Delivery delivery = directory.deliver(relay.to(), relay.withFrom(from).message(), receivedNanos);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} -> {}: {}", typeOf(relay), from, ClientIds.shown(relay.to()), delivery);
        }
        report(relay, delivery);
    }

    /** Turns a failed delivery into the sender's refusal; candidates to nobody are dropped. */
    private void report(Relay relay, PeerDirectory.Delivery delivery) throws Refusal {
        switch (delivery) {
            case NOT_FOUND:
                if (!(relay instanceof Candidate)) {
                    throw new Refusal(ErrorCode.PEER_NOT_FOUND, "Peer " + ClientIds.shown(relay.to()) + " not found");
                }
                // Candidates trail their offer; one for a peer that has gone is expected, not an error.
                break;
            case UNAVAILABLE:
                throw new Refusal(ErrorCode.UNAVAILABLE, "Peer " + ClientIds.shown(relay.to()) + " cannot be reached right now");
            case DELIVERED:
            case FORWARDED:
                events.relayed(typeOf(relay));
                break;
            case DROPPED:
            default:
                break;
        }
    }

    private String typeOf(Relay relay) {
        return codec.typeName(relay.message());
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

    /** Pings sockets that have been quiet for a while and closes those silent too long. */
    void sweep() {
        connections.sweep();
    }

    /** Stops taking new sockets and closes every open one with 1001. */
    public void shutdown() {
        connections.shutdown();
    }

    /**
     * Drains this server, for a stop (SIGTERM, or the container undeploying the application).
     * At once it is no longer ready and refuses new sockets; open sockets may go on for up to
     * {@code drainTime} (so that offers under way can finish while the load balancer notices),
     * then every one still open is closed with 1001 "server shutting down". Returns when all
     * have closed, or {@code closeGrace} after the 1001s went out. {@link #cutDrain} ends the
     * first wait early.
     *
     * @return whether every socket closed in time
     */
    public boolean drain(Duration drainTime, Duration closeGrace) {
        return connections.drain(drainTime, closeGrace);
    }

    /** Ends a {@link #drain}'s wait now: the remaining sockets get their 1001 at once. */
    public void cutDrain() {
        connections.cutDrain();
    }

    /**
     * Waits until every socket has closed or {@code timeout} has passed.
     *
     * @return whether every socket closed in time
     */
    public boolean awaitDisconnected(Duration timeout) {
        return connections.awaitDisconnected(timeout);
    }

    @Override
    public void close() {
        connections.close();
    }
}
