package network.chiral.signaling.server.node;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.LongSupplier;

import network.chiral.signaling.server.admission.Admission;
import network.chiral.signaling.server.auth.Identity;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.door.Door;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.TrafficEvents;
import network.chiral.signaling.server.peer.Transport;
import network.chiral.signaling.server.protocol.Inbound;
import network.chiral.signaling.server.protocol.Protocol;
import network.chiral.signaling.server.routing.PeerDirectory;
import network.chiral.signaling.server.routing.PeerDirectory.LateOutcomes;

/**
 * A {@link Node} built the production way, with a hand for unit tests: a clock of the test's,
 * and the liveness sweep, the drain and the caps driven directly instead of by timers.
 */
public final class TestNode implements AutoCloseable {
    private final Node node;
    private final List<Runnable> timers;

    private TestNode(Node.Builder builder, List<Runnable> timers) {
        this.node = builder.scheduler((delay, task) -> timers.add(task)).build();
        this.timers = timers;
    }

    private TestNode(Node.Builder builder) {
        this(builder, new CopyOnWriteArrayList<>());
    }

    /** A node with these settings, on this nanosecond clock, reporting to these events (or its metrics). */
    public static TestNode of(Map<String, String> settings, LongSupplier clock, TrafficEvents events) {
        Node.Builder builder = Node.builder(Settings.load(settings::get)).clock(clock);
        if (events != null) {
            builder.events(events);
        }
        return new TestNode(builder);
    }

    /** A node with a one-minute idle timeout and these settings over it, on this nanosecond clock. */
    public static TestNode minuteIdle(Map<String, String> settings, LongSupplier clock) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("SIGNALING_IDLE_TIMEOUT_SECONDS", "60"));
        all.putAll(settings);
        return of(all, clock);
    }

    /** A node with these settings on this nanosecond clock. */
    public static TestNode of(Map<String, String> settings, LongSupplier clock) {
        return of(settings, clock, null);
    }

    /** A node whose directory the test makes, given where late outcomes go. */
    public static TestNode withDirectory(Map<String, String> settings, Function<LateOutcomes, PeerDirectory> directory) {
        return new TestNode(Node.builder(Settings.load(settings::get)).directory(directory));
    }

    public Protocol protocol() {
        return node.protocol();
    }

    public Door door() {
        return node.door();
    }

    public Readiness readiness() {
        return node.readiness();
    }

    public Admission admission() {
        return node.admission;
    }

    /** A socket opened without a credential at the upgrade. */
    public Peer open(Transport transport, String address) {
        return open(transport, address, null);
    }

    public Peer open(Transport transport, String address, Identity identity) {
        return node.protocol().open(transport, address, identity);
    }

    public void receive(Peer peer, Inbound inbound) {
        node.protocol().receive(peer, inbound);
    }

    /** Decodes {@code frame} as the endpoint does and hands it to the protocol. */
    public void receive(Peer peer, String frame) {
        receive(peer, Inbound.of(node.codec(), frame));
    }

    public void closed(Peer peer, int code, String reason) {
        node.protocol().closed(peer, code, reason);
    }

    public void heard(Peer peer) {
        node.protocol().heard(peer);
    }

    public int registered() {
        return node.registered();
    }

    public int connections() {
        return node.connections();
    }

    public boolean available() {
        return node.directory().available();
    }

    public boolean accepting() {
        return node.connections.accepting();
    }

    /** Starts what the protocol runs on timers (the peer-list pushes), on the test's hand. */
    public void startTimers() {
        node.protocol().start();
    }

    /** Runs every timer set so far (takeover probes' deadlines), as if their time had come. */
    public void runTimers() {
        List<Runnable> due = List.copyOf(timers);
        timers.clear();
        due.forEach(Runnable::run);
    }

    /** One run of the liveness sweep. */
    public void sweep() {
        node.connections.sweep();
    }

    /** Refuses new sockets and closes every open one with 1001, without waiting. */
    public void shutdown() {
        node.connections.shutdown();
    }

    public boolean drain(Duration drainTime, Duration closeGrace) {
        return node.connections.drain(drainTime, closeGrace);
    }

    public void cutDrain() {
        node.cutDrain();
    }

    /** Closes what is open, without a drain. */
    @Override
    public void close() {
        node.connections.close();
    }
}
