package network.chiral.signaling.server.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The server's configuration, read once at start and immutable afterwards.
 *
 * @param host            address to bind
 * @param port            port to bind; 0 picks a free one
 * @param acceptQueue     listen backlog: connections the kernel holds until they are accepted
 * @param peersListLimit  most ids in a {@code peers} reply
 * @param maxMessageBytes largest accepted frame
 * @param idleTimeout     silence after which a socket is closed
 * @param sendQueueBytes  outbound backlog one socket may have before it is dropped
 * @param logLevel        root log level, lower case
 * @param operations      metrics access, drain time and log format
 * @param protocol        id takeovers and peer-list updates
 * @param cluster         cluster mode, when {@code SIGNALING_CLUSTER_REDIS_URL} is set
 * @param security        authentication, admission, rate limits and TURN; all off by default
 * @param trustedProxies  proxies whose forwarded-for headers are believed
 * @param tls             native TLS of the executable jar
 * @param clientCertificates client certificates (mutual TLS) as a way to authenticate
 * @param effective       every setting's value as read, secrets masked, for the start-up log
 */
public record Settings(
        String host,
        int port,
        int acceptQueue,
        int peersListLimit,
        int maxMessageBytes,
        Duration idleTimeout,
        int sendQueueBytes,
        String logLevel,
        Operations operations,
        ProtocolSettings protocol,
        Optional<ClusterSettings> cluster,
        SecuritySettings security,
        TrustedProxies trustedProxies,
        Tls tls,
        ClientCertificates clientCertificates,
        Map<String, String> effective) {

    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    /**
     * Reads every {@link Setting} through {@code source} (which returns {@code null} for unset
     * names) and checks it.
     *
     * @throws InvalidSettingException naming the first setting that is out of range
     */
    public static Settings load(UnaryOperator<String> source) {
        SettingReader read = new SettingReader(source);
        String host = read.text(Setting.HOST);
        int port = read.integer(Setting.PORT, 0, 65_535);
        int acceptQueue = read.integer(Setting.ACCEPT_QUEUE, 1, 65_535);
        int peersListLimit = read.integer(Setting.PEERS_LIST_LIMIT, 1, 1_000_000);
        int maxMessageBytes = read.integer(Setting.MAX_MESSAGE_BYTES, 1_024, 16 * 1024 * 1024);
        Duration idleTimeout = Duration.ofSeconds(read.integer(Setting.IDLE_TIMEOUT_SECONDS, 1, 86_400));
        int sendQueueBytes = read.integer(Setting.SEND_QUEUE_BYTES, 65_536, 1024 * 1024 * 1024);
        String logLevel = logLevel(source);
        read.record(Setting.LOG_LEVEL, logLevel);
        Operations operations = Operations.read(read);
        ProtocolSettings protocol = ProtocolSettings.read(read);
        Optional<ClusterSettings> cluster = ClusterSettings.read(read);
        SecuritySettings security = SecuritySettings.read(read);
        TrustedProxies trustedProxies = trustedProxies(read);
        Tls tls = tls(read);
        ClientCertificates clientCertificates = ClientCertificates.read(read);
        if (tls instanceof Tls.Files && clientCertificates.enabled() && clientCertificates.authorities().isEmpty()) {
            throw new InvalidSettingException(Setting.TLS_CLIENT_AUTH.variable() + "=" + clientCertificates.mode()
                    .name().toLowerCase(Locale.ROOT) + " with native TLS needs " + Setting.TLS_CLIENT_CA_FILE.variable()
                    + ": the CAs whose client certificates the server accepts");
        }
        if (tls instanceof Tls.Off && clientCertificates.authorities().isPresent()) {
            throw new InvalidSettingException(Setting.TLS_CLIENT_CA_FILE.variable() + " needs native TLS ("
                    + Setting.TLS_CERT_FILE.variable() + " or " + Setting.TLS_KEYSTORE_FILE.variable()
                    + "); behind a reverse proxy or in a servlet container, the proxy or the container checks client certificates");
        }
        return new Settings(host, port, acceptQueue, peersListLimit, maxMessageBytes, idleTimeout, sendQueueBytes, logLevel,
                operations, protocol, cluster, security, trustedProxies, tls, clientCertificates, read.effective());
    }

    /** {@code NAME=value, ...} for the start-up log line; secrets are masked. */
    public String describe() {
        return effective.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The defaults, as a server started with no configuration runs. */
    public static Settings defaults() {
        return load(name -> null);
    }

    private static TrustedProxies trustedProxies(SettingReader read) {
        String list = read.text(Setting.TRUSTED_PROXIES);
        try {
            return TrustedProxies.parse(list);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(Setting.TRUSTED_PROXIES, list,
                    "comma-separated CIDRs such as 127.0.0.1/32,10.0.0.0/8 (" + e.getMessage() + ")");
        }
    }

    /** Which TLS source is configured; the files themselves are read when the server starts. */
    private static Tls tls(SettingReader read) {
        String cert = read.text(Setting.TLS_CERT_FILE);
        String key = read.text(Setting.TLS_KEY_FILE);
        String keyStore = read.text(Setting.TLS_KEYSTORE_FILE);
        String password = read.text(Setting.TLS_KEYSTORE_PASSWORD);
        Duration reload = Duration.ofSeconds(read.integer(Setting.TLS_RELOAD_SECONDS, 1, 86_400));
        boolean pem = !cert.isEmpty() || !key.isEmpty();
        if (pem && !keyStore.isEmpty()) {
            throw new InvalidSettingException(Setting.TLS_KEYSTORE_FILE.variable()
                    + " and the PEM files (" + Setting.TLS_CERT_FILE.variable() + ", " + Setting.TLS_KEY_FILE.variable()
                    + ") are alternatives: set one or the other");
        }
        if (pem && (cert.isEmpty() || key.isEmpty())) {
            throw new InvalidSettingException(Setting.TLS_CERT_FILE.variable() + " and "
                    + Setting.TLS_KEY_FILE.variable() + " go together: set both or neither");
        }
        if (pem) {
            return new Tls.Pem(java.nio.file.Path.of(cert), java.nio.file.Path.of(key), reload);
        }
        if (!keyStore.isEmpty()) {
            return new Tls.Pkcs12(java.nio.file.Path.of(keyStore), password, reload);
        }
        if (!password.isEmpty()) {
            throw new InvalidSettingException(Setting.TLS_KEYSTORE_PASSWORD.variable() + " is set but "
                    + Setting.TLS_KEYSTORE_FILE.variable() + " is not");
        }
        return new Tls.Off();
    }

    private static String logLevel(UnaryOperator<String> source) {
        String level = source.apply(Setting.LOG_LEVEL.variable());
        if (level == null || level.isBlank()) {
            level = rustLogLevel(source.apply("RUST_LOG"));
        }
        if (level == null || level.isBlank()) {
            level = Setting.LOG_LEVEL.defaultValue();
        }
        String normal = level.trim().toLowerCase(Locale.ROOT);
        if (normal.equals("warning")) {
            normal = "warn";
        }
        if (!LEVELS.contains(normal)) {
            throw new InvalidSettingException(Setting.LOG_LEVEL, level, "one of trace, debug, info, warn, error, off");
        }
        return normal;
    }

    /**
     * The global level of a RUST_LOG filter such as {@code info} or {@code warn,hyper=info}:
     * the first directive without a target, as env_logger reads it.
     */
    private static String rustLogLevel(String filter) {
        if (filter == null) {
            return null;
        }
        for (String directive : filter.split(",")) {
            String d = directive.trim();
            if (!d.isEmpty() && !d.contains("=")) {
                return d;
            }
        }
        return null;
    }
}
