package network.chiral.signaling.server.embedded;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.eclipse.jetty.io.ConnectionStatistics;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Embedded Jetty's own figures, read at scrape time: its thread pool and the TCP connections
 * of its connector (HTTP included, framing included). In a WAR they belong to the container.
 */
final class JettyMetrics {
    private JettyMetrics() {
    }

    static void register(PrometheusRegistry registry, QueuedThreadPool threads, ConnectionStatistics connections) {
        GaugeWithCallback.builder()
                .name("signaling_jetty_threads")
                .help("Jetty worker threads, by state.")
                .labelNames("state")
                .callback(callback -> {
                    callback.call(threads.getBusyThreads(), "busy");
                    callback.call(threads.getIdleThreads(), "idle");
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("signaling_jetty_threads_max")
                .help("Most worker threads Jetty may start.")
                .callback(callback -> callback.call(threads.getMaxThreads()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("signaling_jetty_queued_jobs")
                .help("Jobs waiting for a Jetty worker thread; persistently above 0 means the pool is saturated.")
                .callback(callback -> callback.call(threads.getQueueSize()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("signaling_jetty_connections")
                .help("Open TCP connections on the listening port (HTTP and WebSocket).")
                .callback(callback -> callback.call(connections.getConnections()))
                .register(registry);
        CounterWithCallback.builder()
                .name("signaling_jetty_connections_accepted_total")
                .help("TCP connections accepted on the listening port.")
                .callback(callback -> callback.call(connections.getConnectionsTotal()))
                .register(registry);
        CounterWithCallback.builder()
                .name("signaling_jetty_received_bytes_total")
                .help("Bytes read from TCP connections on the listening port, protocol overhead included.")
                .callback(callback -> callback.call(connections.getReceivedBytes()))
                .register(registry);
        CounterWithCallback.builder()
                .name("signaling_jetty_sent_bytes_total")
                .help("Bytes written to TCP connections on the listening port, protocol overhead included.")
                .callback(callback -> callback.call(connections.getSentBytes()))
                .register(registry);
    }
}
