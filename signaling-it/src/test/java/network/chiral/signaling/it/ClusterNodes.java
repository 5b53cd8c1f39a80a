package network.chiral.signaling.it;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.embedded.SignalingServer;

/**
 * Several server nodes in this JVM sharing one real Redis, each as the launcher starts it.
 * As a {@link ServerTarget} it spreads clients over the nodes in turn, like a load balancer.
 */
final class ClusterNodes implements ServerTarget {
    /**
     * What the cluster suites change from {@link ServerTarget#SUITE_SETTINGS}: a cross-node
     * relay costs a Redis round trip, so flooding a peer that stops reading fills its queue
     * more slowly than on one node; a longer idle timeout keeps that case about the send
     * queue rather than about idleness, and still leaves the liveness cases within their bounds.
     * The protocol cases run with the default node TTL: the short one the failure tests use
     * would also shorten how long a starved node may take to confirm relays (a second), and a
     * loaded test machine may starve all nodes in this JVM for that long.
     */
    static final Map<String, String> SUITE_EXTRA = Map.of("SIGNALING_IDLE_TIMEOUT_SECONDS", "4",
            "SIGNALING_CLUSTER_NODE_TTL_SECONDS", "10");

    private final RedisServer redis;
    private final List<SignalingServer> nodes = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private volatile int current;

    private ClusterNodes(RedisServer redis) {
        this.redis = redis;
    }

    /** Starts Redis and {@code count} nodes with the suite settings plus {@code extra}. */
    static ClusterNodes start(int count, Map<String, String> extra) throws Exception {
        ClusterNodes cluster = new ClusterNodes(RedisServer.start());
        try {
            for (int i = 0; i < count; i++) {
                cluster.nodes.add(SignalingServer.start(Settings.load(
                        settings(cluster.redis.url(), "node-" + i, extra)::get)));
            }
            for (SignalingServer node : cluster.nodes) {
                Await.until("every node has joined the cluster", Duration.ofSeconds(20), () -> node.directory().available());
            }
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The suite settings for one node of the cluster at {@code redisUrl}. */
    static Map<String, String> settings(String redisUrl, String nodeId, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(ServerTarget.SUITE_SETTINGS);
        settings.put("PORT", "0");
        settings.put("SIGNALING_CLUSTER_REDIS_URL", redisUrl);
        settings.put("SIGNALING_NODE_ID", nodeId);
        settings.put("SIGNALING_CLUSTER_NODE_TTL_SECONDS", "3");
        settings.putAll(extra);
        return settings;
    }

    RedisServer redis() {
        return redis;
    }

    SignalingServer node(int index) {
        return nodes.get(index);
    }

    int size() {
        return nodes.size();
    }

    @Override
    public URI nextWebSocketUri() {
        current = Math.floorMod(next.getAndIncrement(), nodes.size());
        return webSocketUri();
    }

    /** The node the latest client went to (so that /health checks see that client). */
    @Override
    public URI webSocketUri() {
        return nodes.get(current).uri();
    }

    @Override
    public void close() throws Exception {
        for (SignalingServer node : nodes) {
            node.close();
        }
        redis.close();
    }
}
