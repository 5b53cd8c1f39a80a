package network.chiral.signaling.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Cluster mode: several nodes behind a load balancer sharing their peers through Redis.
 *
 * @param redisUrl {@code redis://} or {@code rediss://} URL, possibly with a password: never log it
 * @param nodeId   this node's name, unique in the cluster
 * @param nodeTtl  how long a node may stay silent before the others treat it as dead
 * @param redisCa  PEM certificate authorities to trust for a {@code rediss://} Redis; empty
 *                 for the JVM's trust store
 */
public record ClusterSettings(String redisUrl, String nodeId, Duration nodeTtl, Optional<Path> redisCa) {
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Reads the cluster settings; empty when {@code SIGNALING_CLUSTER_REDIS_URL} is unset. */
    static Optional<ClusterSettings> read(SettingReader read) {
        String url = read.text(Setting.CLUSTER_REDIS_URL);
        String nodeId = read.text(Setting.NODE_ID);
        if (!nodeId.isEmpty() && !NODE_ID.matcher(nodeId).matches()) {
            throw new InvalidSettingException(Setting.NODE_ID, nodeId, "1 to 64 letters, digits, '.', '_' or '-'");
        }
        Duration ttl = Duration.ofSeconds(read.integer(Setting.CLUSTER_NODE_TTL_SECONDS, 1, 3_600));
        String caFile = read.text(Setting.CLUSTER_REDIS_CA_FILE);
        if (url.isEmpty()) {
            return Optional.empty();
        }
        checkUrl(url);
        Optional<Path> ca = readCa(caFile, url);
        if (nodeId.isEmpty()) {
            nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
            read.record(Setting.NODE_ID, nodeId);
        }
        return Optional.of(new ClusterSettings(url, nodeId, ttl, ca));
    }

    private static Optional<Path> readCa(String file, String url) {
        if (file.isEmpty()) {
            return Optional.empty();
        }
        if (!url.startsWith("rediss://")) {
            throw new InvalidSettingException(Setting.CLUSTER_REDIS_CA_FILE, file,
                    "only applies to a rediss:// (TLS) SIGNALING_CLUSTER_REDIS_URL");
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new InvalidSettingException(Setting.CLUSTER_REDIS_CA_FILE, file, "not a readable file");
        }
        return Optional.of(path);
    }

    /** The value is a secret (it may hold a password), so the error never repeats it. */
    private static void checkUrl(String url) {
        String expected = Setting.CLUSTER_REDIS_URL.variable()
                + ": expected redis://[:password@]host[:port][/database] or rediss://... (value not shown: it may hold a password)";
        try {
            URI uri = new URI(url);
            boolean scheme = "redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme());
            if (!scheme || uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new InvalidSettingException(expected);
            }
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(expected);
        }
    }

    /** Where Redis is, without credentials: safe to log. */
    public String redisAddress() {
        URI uri = URI.create(redisUrl);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    /** How often a node renews its heartbeat: three times per TTL, so one lost beat is survived. */
    public Duration heartbeatInterval() {
        return nodeTtl.dividedBy(3);
    }

    /**
     * How long one Redis command may take before it fails (the sender of that relay gets
     * {@code unavailable}): a third of the TTL, between 500 ms and 2 s, so that a hung call
     * never outlives a heartbeat interval.
     */
    public Duration commandTimeout() {
        long millis = Math.max(500, Math.min(2_000, nodeTtl.toMillis() / 3));
        return Duration.ofMillis(millis);
    }

    @Override
    public String toString() {
        return "ClusterSettings[redis=" + redisAddress() + ", nodeId=" + nodeId + ", nodeTtl=" + nodeTtl + "]";
    }
}
