package network.chiral.signaling.server.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

import network.chiral.signaling.api.ErrorCode;
import network.chiral.signaling.api.Relay;
import network.chiral.signaling.api.SignalMessage;
import network.chiral.signaling.server.peer.TrafficEvents;

/**
 * The server's Prometheus metrics: the protocol's traffic as {@link TrafficEvents}, the
 * server's state through callbacks, and the JVM's own figures, all in one registry that
 * {@code /metrics} exposes. One instance per server; nothing is registered globally.
 *
 * <p>Messages are counted on socket threads, so each label's data point is looked up once and
 * cached: counting a message is a map lookup and an atomic add, with no allocation.
 */
public final class NodeMetrics implements TrafficEvents {
    /** Relay latency buckets, in seconds: the seed's 100 ms threshold sits in the middle. */
    private static final double[] LATENCY_BUCKETS =
            {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    private static final double NANOS_PER_SECOND = 1e9;
    /** Close codes shown from the start: normal, going away, abnormal, policy, too big. */
    private static final int[] COMMON_CLOSE_CODES = {1000, 1001, 1006, 1008, 1009};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter opened = counter("signaling_connections_opened_total",
            "WebSocket connections accepted.");
    private final Counter closedByCode = counter("signaling_connections_closed_total",
            "WebSocket connections closed, by close code.", "code");
    private final Counter refusedByReason = counter("signaling_connections_refused_total",
            "Clients turned away before they got a socket, by reason (draining, origin, auth, limit...).",
            "reason");
    private final Counter receivedByType = counter("signaling_messages_received_total",
            "Frames received, by message type ('invalid' for frames that are not a message).", "type");
    private final Counter relayedByType = counter("signaling_messages_relayed_total",
            "Messages queued on their receiver's socket, by type.", "type");
    private final Counter errorsByCode = counter("signaling_errors_sent_total",
            "'error' replies sent, by code.", "code");
    private final Counter receivedBytes = counter("signaling_received_bytes_total",
            "Bytes of WebSocket message payload received.");
    private final Counter sentBytes = counter("signaling_sent_bytes_total",
            "Bytes of WebSocket text payload written to sockets.");
    private final Counter overflows = counter("signaling_send_queue_overflows_total",
            "Sockets closed with 1008 because their send queue passed SIGNALING_SEND_QUEUE_BYTES.");
    private final Histogram relayLatency = Histogram.builder()
            .name("signaling_relay_latency_seconds")
            .help("Time from a relayed frame's arrival to its write to the receiver's socket completing.")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .withoutExemplars()
            .register(registry);

    private final ConcurrentMap<String, CounterDataPoint> received = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CounterDataPoint> relayed = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CounterDataPoint> refused = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, CounterDataPoint> closed = new ConcurrentHashMap<>();
    private final Map<ErrorCode, CounterDataPoint> errors = new EnumMap<>(ErrorCode.class);

    /**
     * Registers the signaling metrics and the JVM's (memory, GC, threads, CPU...). The labels
     * known in advance start at 0, so that {@code rate()} and alerts see their first increase.
     */
    public NodeMetrics() {
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, errorsByCode.labelValues(code.wireName()));
        }
        for (JsonbSubtype subtype : SignalMessage.class.getAnnotation(JsonbTypeInfo.class).value()) {
            cached(received, receivedByType, subtype.alias());
            if (Relay.class.isAssignableFrom(subtype.type())) {
                cached(relayed, relayedByType, subtype.alias());
            }
        }
        cached(received, receivedByType, INVALID);
        cached(received, receivedByType, APPLICATION);
        cached(relayed, relayedByType, APPLICATION);
        for (int code : COMMON_CLOSE_CODES) {
            closed.computeIfAbsent(code, c -> closedByCode.labelValues(Integer.toString(c)));
        }
        cached(refused, refusedByReason, "draining");
        JvmMetrics.builder().register(registry);
        // The JVM metrics give CPU seconds but not how many CPUs there are to compare them with.
        GaugeWithCallback.builder()
                .name("signaling_available_processors")
                .help("CPUs available to the JVM: rate(process_cpu_seconds_total) divided by this is the CPU usage.")
                .callback(callback -> callback.call(Runtime.getRuntime().availableProcessors()))
                .register(registry);
    }

    /** Where every metric of this server is registered; {@code /metrics} scrapes it. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Adds the gauges read at scrape time.
     *
     * @param connections open sockets
     * @param peers       registered ids
     * @param ready       whether {@code /ready} answers 200
     */
    public void watch(IntSupplier connections, IntSupplier peers, BooleanSupplier ready) {
        GaugeWithCallback.builder()
                .name("signaling_connections")
                .help("Open WebSocket connections.")
                .callback(callback -> callback.call(connections.getAsInt()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("signaling_peers_registered")
                .help("Client ids registered on this server.")
                .callback(callback -> callback.call(peers.getAsInt()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("signaling_ready")
                .help("1 while /ready answers 200, 0 while it answers 503 (draining, a backend down).")
                .callback(callback -> callback.call(ready.getAsBoolean() ? 1 : 0))
                .register(registry);
    }

    @Override
    public void opened() {
        opened.inc();
    }

    @Override
    public void closed(int closeCode) {
        closed.computeIfAbsent(closeCode, code -> closedByCode.labelValues(Integer.toString(code))).inc();
    }

    @Override
    public void refused(String reason) {
        cached(refused, refusedByReason, reason).inc();
    }

    @Override
    public void receivedBytes(int bytes) {
        receivedBytes.inc(bytes);
    }

    @Override
    public void received(String type) {
        cached(received, receivedByType, type).inc();
    }

    @Override
    public void relayed(String type) {
        cached(relayed, relayedByType, type).inc();
    }

    @Override
    public void errorSent(ErrorCode code) {
        errors.get(code).inc();
    }

    @Override
    public void sentBytes(int bytes) {
        sentBytes.inc(bytes);
    }

    @Override
    public void relayWritten(long nanos) {
        relayLatency.observe(nanos / NANOS_PER_SECOND);
    }

    @Override
    public void overflowed() {
        overflows.inc();
    }

    private static CounterDataPoint cached(ConcurrentMap<String, CounterDataPoint> cache, Counter counter,
                                           String label) {
        CounterDataPoint point = cache.get(label);
        return point != null ? point : cache.computeIfAbsent(label, counter::labelValues);
    }

    private Counter counter(String name, String help, String... labels) {
        return Counter.builder()
                .name(name)
                .help(help)
                .labelNames(labels)
                .withoutExemplars()
                .register(registry);
    }
}
