package network.chiral.signaling.server.config;

/**
 * Every setting the server reads, with its environment variable name, default and meaning.
 * {@code --help}, docs/configuration.md and {@link Settings#load} all follow this list.
 */
public enum Setting {
    HOST("SIGNALING_HOST", "0.0.0.0", "Address to listen on (0.0.0.0: every interface)."),
    PORT("PORT", "9000", "TCP port to listen on (0 picks a free one)."),
    ACCEPT_QUEUE("SIGNALING_ACCEPT_QUEUE", "4096",
            "Connections the kernel may hold waiting to be accepted (listen backlog; capped by net.core.somaxconn). Executable jar only."),
    PEERS_LIST_LIMIT("SIGNALING_PEERS_LIST_LIMIT", "1000",
            "Most ids listed in a 'peers' reply; 'total' still counts them all."),
    MAX_MESSAGE_BYTES("SIGNALING_MAX_MESSAGE_BYTES", "65536",
            "Largest frame accepted; a larger one closes the socket with 1009."),
    IDLE_TIMEOUT_SECONDS("SIGNALING_IDLE_TIMEOUT_SECONDS", "60",
            "A socket that sends nothing (not even a pong) for this long is closed with 1001."),
    SEND_QUEUE_BYTES("SIGNALING_SEND_QUEUE_BYTES", "1048576",
            "Outbound bytes queued for one socket before it is closed with 1008 as too slow."),
    TAKEOVER_PROBE_MILLIS("SIGNALING_TAKEOVER_PROBE_MILLIS", "2000",
            "When a socket registers an id another socket holds, how long the holder has to answer a ping before the newcomer takes the id over (0: never; the newcomer gets id-taken)."),
    RESUME_SECONDS("SIGNALING_RESUME_SECONDS", "30",
            "For clients that say they can resume: how long the id of a socket that dropped is kept for its next socket, relays to it held (0: never)."),
    PEERS_PUSH_MILLIS("SIGNALING_PEERS_PUSH_MILLIS", "1000",
            "When ids are registered or freed, registered sockets get a fresh 'peers' list, at most one per this many milliseconds (0: never)."),
    PEERS_PUSH_LIMIT("SIGNALING_PEERS_PUSH_LIMIT", "100",
            "Most ids in a pushed 'peers' list (the caller's own first); 'total' still counts them all."),
    LOG_LEVEL("SIGNALING_LOG_LEVEL", "info",
            "trace, debug, info, warn or error. RUST_LOG is read when this is unset."),
    LOG_FORMAT("SIGNALING_LOG_FORMAT", "text",
            "text (one line per event) or json (one JSON object per line, Google Cloud Logging fields). Executable jar only."),
    METRICS_ALLOW("SIGNALING_METRICS_ALLOW", "127.0.0.0/8,::1/128",
            "Comma-separated CIDR blocks whose clients may read /metrics; others get 403."),
    DRAIN_SECONDS("SIGNALING_DRAIN_SECONDS", "5",
            "On SIGTERM or undeploy: seconds open sockets may stay before they are closed with 1001."),
    SELF_TEST_PAGE("SIGNALING_SELF_TEST_PAGE", "true",
            "true: a browser opening the root URL gets a page that runs two WebRTC peers through this server and says pass or fail; false: 404 there. /client.js is served either way."),
    CLUSTER_REDIS_URL("SIGNALING_CLUSTER_REDIS_URL", "",
            "Cluster mode: redis:// or rediss:// URL (password included) of the Redis all nodes share.", true),
    CLUSTER_REDIS_CA_FILE("SIGNALING_CLUSTER_REDIS_CA_FILE", "",
            "Cluster mode over rediss://: PEM certificate authorities to trust for Redis (Memorystore's server CA); the JVM's trust store when unset."),
    NODE_ID("SIGNALING_NODE_ID", "",
            "This node's name in the cluster (letters, digits, '.', '_', '-'); generated when unset."),
    CLUSTER_NODE_TTL_SECONDS("SIGNALING_CLUSTER_NODE_TTL_SECONDS", "10",
            "Cluster mode: a node silent this long is dead, its peers gone and their ids free."),

    // Security: authentication is off until its setting is given; the per-socket rate limits are
    // on by default at values no real client's set-up meets (see docs/security.md).
    AUTH_JWT_SECRET("SIGNALING_AUTH_JWT_SECRET", "",
            "Shared secret (at least 32 bytes) for HS256/HS384/HS512 tokens; turns authentication on.", true),
    AUTH_JWT_PUBLIC_KEY_FILE("SIGNALING_AUTH_JWT_PUBLIC_KEY_FILE", "",
            "PEM file with the RSA or EC public key that verifies RS*/PS* or ES* tokens; turns authentication on."),
    AUTH_JWKS_URL("SIGNALING_AUTH_JWKS_URL", "",
            "URL of a JWK set (cached, refetched on an unknown key id) that verifies tokens; turns authentication on."),
    AUTH_JWT_ISSUER("SIGNALING_AUTH_JWT_ISSUER", "", "Required 'iss' of tokens (unset: any)."),
    AUTH_JWT_AUDIENCE("SIGNALING_AUTH_JWT_AUDIENCE", "", "Required 'aud' of tokens (unset: any)."),
    AUTH_API_KEYS("SIGNALING_AUTH_API_KEYS", "",
            "Comma-separated API keys, each in clear or as sha256:<hex>; turns authentication on.", true),
    AUTH_REGISTER_TOKEN("SIGNALING_AUTH_REGISTER_TOKEN", "false",
            "true: a socket that brings no credential to the upgrade may authenticate with its first register's token."),
    ALLOWED_ORIGINS("SIGNALING_ALLOWED_ORIGINS", "",
            "Comma-separated origins (https://app.example.com or https://*.example.com) allowed to connect; others get 403."),
    ALLOW_MISSING_ORIGIN("SIGNALING_ALLOW_MISSING_ORIGIN", "true",
            "Whether upgrades without an Origin header (non-browser clients) pass the origin check."),
    MAX_CONNECTIONS("SIGNALING_MAX_CONNECTIONS", "0", "Most open sockets in all (0: no limit); more get 503."),
    MAX_CONNECTIONS_PER_IP("SIGNALING_MAX_CONNECTIONS_PER_IP", "0",
            "Most open sockets from one address (0: no limit); more get 429."),
    CONNECTIONS_PER_IP_PER_MINUTE("SIGNALING_CONNECTIONS_PER_IP_PER_MINUTE", "0",
            "Most upgrade attempts from one address per minute (0: no limit); more get 429."),
    RATE_LIMIT_MESSAGES_PER_SECOND("SIGNALING_RATE_LIMIT_MESSAGES_PER_SECOND", "50",
            "Messages per second one socket may send on average (0: no limit); more are dropped with rate-limited."),
    RATE_LIMIT_BURST("SIGNALING_RATE_LIMIT_BURST", "200",
            "Messages one socket may send at once (the bucket size); as many drops within a minute close it with 1008."),
    REGISTRATIONS_PER_MINUTE("SIGNALING_REGISTRATIONS_PER_MINUTE", "10",
            "New ids one socket may register per minute (0: no limit); more get rate-limited."),
    TURN_SECRET("SIGNALING_TURN_SECRET", "",
            "coturn static-auth-secret; with SIGNALING_TURN_URLS, 'peers' carries TURN credentials.", true),
    TURN_URLS("SIGNALING_TURN_URLS", "", "Comma-separated turn:/turns: URLs handed to clients in iceServers."),
    STUN_URLS("SIGNALING_STUN_URLS", "", "Comma-separated stun: URLs handed to clients in iceServers."),
    TURN_TTL_SECONDS("SIGNALING_TURN_TTL_SECONDS", "86400", "Lifetime of issued TURN credentials."),
    TRUSTED_PROXIES("SIGNALING_TRUSTED_PROXIES", "",
            "Comma-separated CIDRs of reverse proxies whose X-Forwarded-For/X-Real-IP is believed; none by default."),
    TLS_CERT_FILE("SIGNALING_TLS_CERT_FILE", "",
            "PEM certificate chain (certbot's fullchain.pem): serve wss:// and https:// (executable jar only)."),
    TLS_KEY_FILE("SIGNALING_TLS_KEY_FILE", "",
            "PEM private key for SIGNALING_TLS_CERT_FILE (certbot's privkey.pem): PKCS#8, RSA or EC."),
    TLS_KEYSTORE_FILE("SIGNALING_TLS_KEYSTORE_FILE", "",
            "PKCS12 keystore, instead of the PEM files (executable jar only)."),
    TLS_KEYSTORE_PASSWORD("SIGNALING_TLS_KEYSTORE_PASSWORD", "",
            "Password of SIGNALING_TLS_KEYSTORE_FILE.", true),
    TLS_RELOAD_SECONDS("SIGNALING_TLS_RELOAD_SECONDS", "60",
            "How often the certificate files (client CA bundle and CRL included) are checked; changed files are used without a restart."),
    TLS_CLIENT_AUTH("SIGNALING_TLS_CLIENT_AUTH", "none",
            "Client certificates: none, want (a verified one authenticates; without one, the other credentials) or need (no socket without one)."),
    TLS_CLIENT_CA_FILE("SIGNALING_TLS_CLIENT_CA_FILE", "",
            "Native TLS: PEM bundle of the CAs that issue client certificates (required with want or need)."),
    TLS_CLIENT_CRL_FILE("SIGNALING_TLS_CLIENT_CRL_FILE", "",
            "Native TLS: CRL file (PEM or DER) from those CAs; revoked client certificates are refused."),
    TLS_CLIENT_ID("SIGNALING_TLS_CLIENT_ID", "cn",
            "The only id a certificate's socket may register: its subject cn, its first san-dns, san-email or san-uri, or none (any id).");

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
