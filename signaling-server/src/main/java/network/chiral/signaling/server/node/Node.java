package network.chiral.signaling.server.node;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.admission.Admission;
import network.chiral.signaling.server.auth.Authenticator;
import network.chiral.signaling.server.cluster.RedisPeerDirectory;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.door.Door;
import network.chiral.signaling.server.metrics.NodeMetrics;
import network.chiral.signaling.server.peer.Connections;
import network.chiral.signaling.server.peer.TrafficEvents;
import network.chiral.signaling.server.protocol.Answers;
import network.chiral.signaling.server.protocol.Protocol;
import network.chiral.signaling.server.protocol.Scheduler;
import network.chiral.signaling.server.routing.LocalPeerDirectory;
import network.chiral.signaling.server.routing.PeerChanges;
import network.chiral.signaling.server.routing.Reclaims;
import network.chiral.signaling.server.routing.PeerDirectory;
import network.chiral.signaling.server.routing.PeerDirectory.LateOutcomes;
import network.chiral.signaling.server.turn.IceServers;

/**
 * One signaling node, whatever runs it: the composition root that builds every part from the
 * settings, wires them, and owns their lifecycle. The embedded launcher, the WAR and the tests
 * all build nodes here; {@link Deployment} installs one into a servlet container.
 *
 * <p>Lifecycle: {@link #start} joins the cluster (in cluster mode) and starts the liveness
 * sweep; {@link #stop} drains the sockets, closes the rest, then leaves the cluster. That order
 * is written here and nowhere else.
 */
public final class Node {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    /** How long sockets get to finish the closing handshake after their 1001. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final Settings settings;
    private final SignalCodec codec;
    private final NodeMetrics metrics;
    private final TrafficEvents events;
    private final PeerDirectory directory;
    /** Package-private for the tests' harness, which drives the sweep and the caps by hand. */
    final Connections connections;
    final Admission admission;
    private final Protocol protocol;
    private final Door door;
    private final Readiness readiness = new Readiness();
    private final AtomicBoolean drained = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile boolean clean = true;

    private Node(Builder builder) {
        this.settings = builder.settings;
        this.codec = new SignalCodec();
        this.metrics = new NodeMetrics();
        this.events = builder.events != null ? builder.events : metrics;
        Answers answers = new Answers(codec, events);
        PeerChanges changes = new PeerChanges();
        Reclaims reclaims = new Reclaims();
        this.directory = builder.directory != null ? builder.directory.apply(answers) : settings.cluster()
                .<PeerDirectory>map(cluster -> new RedisPeerDirectory(cluster, codec, answers, changes, reclaims))
                .orElseGet(() -> new LocalPeerDirectory(answers));
        Authenticator authenticator = new Authenticator(settings.security().auth(), settings.clientCertificates());
        this.admission = new Admission(settings.security().admission());
        IceServers iceServers = new IceServers(settings.security().turn(), Clock.systemUTC());
        this.connections = new Connections(settings.idleTimeout(), builder.clock, admission::sweep);
        Scheduler scheduler = builder.scheduler != null ? builder.scheduler : connections::after;
        this.protocol = new Protocol(settings, new Protocol.Parts(codec, directory, connections, answers, events,
                builder.clock, authenticator, admission, iceServers, scheduler, changes, reclaims));
        this.door = new Door(connections, admission, authenticator, events);
        readiness.require("accepting", connections::accepting);
        if (settings.cluster().isPresent()) {
            readiness.require("cluster", directory::available);
        }
        metrics.watch(connections::size, directory::size, readiness::ready);
    }

    /** A node built from {@code settings}; nothing runs until {@link #start}. */
    public static Node of(Settings settings) {
        return builder(settings).build();
    }

    /** For tests that need a clock of their own, a directory of their own or their own events. */
    public static Builder builder(Settings settings) {
        return new Builder(settings);
    }

    /**
     * Joins the cluster, if any (waiting a bounded time for Redis), and starts the liveness
     * sweep and the peer-list pushes.
     */
    public void start() {
        directory.join();
        connections.start();
        protocol.start();
    }

    /**
     * Drains: at once the node is no longer ready and refuses new sockets; open sockets may go
     * on for up to {@code SIGNALING_DRAIN_SECONDS}, then every one still open is closed with
     * 1001 "server shutting down". Returns when all have closed, or {@link #CLOSE_GRACE} after
     * the 1001s went out. Only the first call drains; later ones return at once.
     *
     * @return whether every socket closed in time
     */
    public boolean drain() {
        if (drained.compareAndSet(false, true)) {
            clean = connections.drain(settings.operations().drainTime(), CLOSE_GRACE);
        }
        return clean;
    }

    /** Ends a {@link #drain}'s wait now: the remaining sockets get their 1001 at once. */
    public void cutDrain() {
        connections.cutDrain();
    }

    /**
     * Stops the node, in this order: drains (if not already done), closes whatever socket is
     * left and the liveness sweep, then leaves the cluster so its ids are free everywhere. Safe
     * to call more than once, and on a node that never started.
     *
     * @return whether every socket closed in time
     */
    public boolean stop() {
        boolean closedInTime = drain();
        if (stopped.compareAndSet(false, true)) {
            connections.close();
            try {
                directory.leave();
            } catch (RuntimeException e) {
                LOG.warn("failed to leave the cluster; the node TTL will free its ids", e);
            }
        }
        return closedInTime;
    }

    /** The settings the node was built with. */
    public Settings settings() {
        return settings;
    }

    /** The protocol core the endpoint hands frames to. */
    public Protocol protocol() {
        return protocol;
    }

    /** The decisions taken at the upgrade. */
    public Door door() {
        return door;
    }

    /** The codec every socket of this node uses. */
    public SignalCodec codec() {
        return codec;
    }

    /** Where the node reports its traffic. */
    public TrafficEvents events() {
        return events;
    }

    /** What {@code /ready} answers from. */
    public Readiness readiness() {
        return readiness;
    }

    /** The node's metrics, for {@code /metrics} and the container's own gauges. */
    public NodeMetrics metrics() {
        return metrics;
    }

    /** Where registered ids live (its cluster state: {@link PeerDirectory#available()}). */
    public PeerDirectory directory() {
        return directory;
    }

    /** Open sockets. */
    public int connections() {
        return connections.size();
    }

    /** Registered ids. */
    public int registered() {
        return directory.size();
    }

    /** Builds a {@link Node}; every part not given is made from the settings. */
    public static final class Builder {
        private final Settings settings;
        private LongSupplier clock = System::nanoTime;
        private Function<LateOutcomes, PeerDirectory> directory;
        private TrafficEvents events;
        private Scheduler scheduler;

        private Builder(Settings settings) {
            this.settings = settings;
        }

        /** The nanosecond clock timeouts and rates run on ({@link System#nanoTime()} by default). */
        public Builder clock(LongSupplier nanoClock) {
            this.clock = nanoClock;
            return this;
        }

        /**
         * A directory instead of the one the settings call for, made with where it reports
         * outcomes it learns late.
         */
        public Builder directory(Function<LateOutcomes, PeerDirectory> factory) {
            this.directory = factory;
            return this;
        }

        /** Where traffic is reported instead of the node's metrics. */
        public Builder events(TrafficEvents traffic) {
            this.events = traffic;
            return this;
        }

        /** What runs the protocol's timers instead of the liveness thread (a test's own hand). */
        public Builder scheduler(Scheduler timers) {
            this.scheduler = timers;
            return this;
        }

        public Node build() {
            return new Node(this);
        }
    }
}
