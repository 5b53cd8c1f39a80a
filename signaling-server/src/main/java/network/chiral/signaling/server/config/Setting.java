package network.chiral.signaling.server.config;

/**
 * Every setting the server reads, with its environment variable name, default and meaning.
 * {@code --help}, docs/configuration.md and {@link Settings#load} all follow this list.
 */
public enum Setting {
    HOST("SIGNALING_HOST", "0.0.0.0", "Address to listen on (0.0.0.0: every interface)."),
    PORT("PORT", "9000", "TCP port to listen on (0 picks a free one)."),
    PEERS_LIST_LIMIT("SIGNALING_PEERS_LIST_LIMIT", "1000",
            "Most ids listed in a 'peers' reply; 'total' still counts them all."),
    MAX_MESSAGE_BYTES("SIGNALING_MAX_MESSAGE_BYTES", "65536",
            "Largest frame accepted; a larger one closes the socket with 1009."),
    IDLE_TIMEOUT_SECONDS("SIGNALING_IDLE_TIMEOUT_SECONDS", "60",
            "A socket that sends nothing (not even a pong) for this long is closed with 1001."),
    SEND_QUEUE_BYTES("SIGNALING_SEND_QUEUE_BYTES", "1048576",
            "Outbound bytes queued for one socket before it is closed with 1008 as too slow."),
    LOG_LEVEL("SIGNALING_LOG_LEVEL", "info",
            "trace, debug, info, warn or error. RUST_LOG is read when this is unset."),
    LOG_FORMAT("SIGNALING_LOG_FORMAT", "text",
            "text (one line per event) or json (one JSON object per line, Google Cloud Logging fields). Executable jar only."),
    METRICS_ALLOW("SIGNALING_METRICS_ALLOW", "127.0.0.0/8,::1/128",
            "Comma-separated CIDR blocks whose clients may read /metrics; others get 403."),
    DRAIN_SECONDS("SIGNALING_DRAIN_SECONDS", "5",
            "On SIGTERM or undeploy: seconds open sockets may stay before they are closed with 1001."),
    CLUSTER_REDIS_URL("SIGNALING_CLUSTER_REDIS_URL", "",
            "Cluster mode: redis:// or rediss:// URL (password included) of the Redis all nodes share.", true),
    NODE_ID("SIGNALING_NODE_ID", "",
            "This node's name in the cluster (letters, digits, '.', '_', '-'); generated when unset."),
    CLUSTER_NODE_TTL_SECONDS("SIGNALING_CLUSTER_NODE_TTL_SECONDS", "10",
            "Cluster mode: a node silent this long is dead, its peers gone and their ids free.");

    private final String variable;
    private final String defaultValue;
    private final String description;
    private final boolean secret;

    Setting(String variable, String defaultValue, String description) {
        this(variable, defaultValue, description, false);
    }

    Setting(String variable, String defaultValue, String description, boolean secret) {
        this.variable = variable;
        this.defaultValue = defaultValue;
        this.description = description;
        this.secret = secret;
    }

    /** Whether the value must never be logged or printed (keys, passwords). */
    public boolean secret() {
        return secret;
    }

    /** The environment variable, also the key in system properties and context parameters. */
    public String variable() {
        return variable;
    }

    /** The command-line flag: the variable without {@code SIGNALING_}, lower case, dashed. */
    public String flag() {
        return "--" + variable.replaceFirst("^SIGNALING_", "").toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The value used when nothing sets this one. */
    public String defaultValue() {
        return defaultValue;
    }

    /** One line for {@code --help} and the docs. */
    public String description() {
        return description;
    }
}
